// Package discord runs studybot on Discord with discordgo: the gateway for
// interactions (minimal intents), application commands registered with a
// bulk overwrite, button components for answers, and an optional HTTP
// interactions endpoint with Ed25519 verification.
//
// The space is the guild ID; direct messages share the space "dm", where
// practice, lookup and stats work but leaderboards do not.
package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/webhook"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// DMSpace is the space of interactions that come from direct messages.
const DMSpace = "dm"

// core is what the adapter needs of the bot.
type core interface {
	HandleCommand(ctx context.Context, c bot.Command) bot.Response
	HandleClick(ctx context.Context, c bot.Click) bot.Response
	Bank() *questions.Bank
}

// session is the part of discordgo the adapter calls (a fake in unit tests).
type session interface {
	Open() error
	Close() error
	AddHandler(handler any) func()
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	RequestWithBucketID(method, urlStr string, data any, bucketID string, options ...discordgo.RequestOption) ([]byte, error)
	ChannelMessageEditComplex(m *discordgo.MessageEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	UserChannelCreate(recipientID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
}

// Config configures the adapter.
type Config struct {
	// Token is the bot token (without "Bot ").
	Token string
	// AppID is the application ID.
	AppID string
	// PublicKey is the application's public key (hex), for the HTTP endpoint.
	PublicKey string
	// GuildID registers commands in one guild (instant, for development);
	// empty registers them globally.
	GuildID string
	// HTTPClient carries REST calls (tests rewrite the host to a fake).
	HTTPClient *http.Client
	// PostEvery spaces posts in one channel (default 1s).
	PostEvery time.Duration
	// GlobalRate caps REST requests a second across the bot
	// (DefaultGlobalRate when 0).
	GlobalRate float64
	// Logger receives logs.
	Logger *slog.Logger
	// Now is the clock for the signature window (default time.Now).
	Now func() time.Time
	// Deadline is how long an interaction may wait for the core before it
	// is deferred (default 2s; Discord allows 3).
	Deadline time.Duration
	// ShardID and ShardCount make the adapter one shard of several (sent
	// in IDENTIFY; see shard.go): it serves the guilds with
	// (guild_id >> 22) % ShardCount == ShardID, and shard 0 also direct
	// messages. ShardCount 0 or 1 is unsharded.
	ShardID, ShardCount int
	// Requests, if set, remembers answered HTTP command interactions
	// across restarts (the store), so that a replayed signed command is
	// refused after a restart too; without it they are remembered in
	// memory. Component clicks are remembered in memory either way.
	Requests webhook.Store

	// The gateway connection (gateway.go). ReconnectMin and ReconnectMax
	// bound the backoff between reconnection attempts (defaults
	// DefaultReconnectMin, DefaultReconnectMax); it starts over only once
	// a connection stayed up StableAfter (DefaultStableAfter).
	ReconnectMin, ReconnectMax, StableAfter time.Duration
	// ZombieAfter is how long heartbeats may go unacknowledged before the
	// connection is reported down and closed (DefaultZombieAfter).
	ZombieAfter time.Duration
	// HandshakeTimeout bounds a connection's handshake, from the dial to
	// READY or RESUMED (DefaultHandshakeTimeout).
	HandshakeTimeout time.Duration
	// MaxInFlight bounds the gateway interactions being answered at once
	// (DefaultMaxInFlight); the excess is dropped unanswered.
	MaxInFlight int
	// After waits between reconnection attempts (default time.After).
	After func(time.Duration) <-chan time.Time
	// Jitter spreads a backoff wait (default: a random 50–100 % of it).
	Jitter func(time.Duration) time.Duration
}

// Adapter connects a Discord application to the core; it is the core's
// Platform for spaces named "discord".
type Adapter struct {
	cfg    Config
	s      session
	core   core
	log    *slog.Logger
	pubKey ed25519.PublicKey
	state  atomic.Value
	pace   *pacer
	routes *routes
	wg     sync.WaitGroup
	// rateWaits counts 429s that discordgo waited out.
	rateWaits atomic.Int64
	// replays remembers HTTP interaction IDs for the signature window.
	replays *webhook.Memory // commands: in the store when Config.Requests is set
	// clickReplays remembers component clicks in memory only (a replayed
	// click meets the store's one-answer rule; no commit per click).
	clickReplays *webhook.Memory
	// refused counts and logs (rate-limited) refused HTTP requests.
	refused *webhook.Refusals
	ctx     context.Context
	cancel  context.CancelFunc
	mu      sync.Mutex // guards closed against new background work
	closed  bool
	// sharding (shard.go)
	foreignSeen atomic.Int64
	guildMu     sync.Mutex
	guilds      map[string]bool

	// dms maps users to their DM channel (DM).
	dms sync.Map

	// the gateway connection (gateway.go)
	openMu     sync.Mutex // serialises Open and Close of the gateway
	dropped    chan struct{}
	handshake  atomic.Pointer[handshakeConn]
	wall       func() time.Time // discordgo's clock (heartbeat ACKs)
	reconnects atomic.Int64
	inflight   atomic.Int64
	shed       atomic.Int64
	dupes      atomic.Int64
	malformed  atomic.Int64
}

// The adapter's lifecycle is the core's, with an optional HTTP endpoint.
var (
	_ bot.Adapter     = (*Adapter)(nil)
	_ bot.FilePoster  = (*Adapter)(nil)
	_ bot.HTTPAdapter = (*Adapter)(nil)

	_ bot.DirectMessenger = (*Adapter)(nil)
	_ bot.Paced           = (*Adapter)(nil)
	_ bot.PacedMessages   = (*Adapter)(nil)
)

// New builds an adapter on a discordgo session: register it with the core
// (bot.AddPlatform), mount its HTTPHandler if it has one, then Run it and
// Close it after.
func New(cfg Config, c core) (*Adapter, error) {
	if cfg.Token == "" {
		return nil, errors.New("discord: no bot token (STUDYBOT_DISCORD_TOKEN)")
	}
	if cfg.AppID == "" {
		return nil, errors.New("discord: no application ID (STUDYBOT_DISCORD_APP_ID)")
	}
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	s.Identify.Intents = discordgo.IntentsGuilds
	// The adapter keeps no state cache (it reads none, and discordgo's
	// cache grows with every guild and channel) and reconnects by itself
	// (gateway.go).
	s.StateEnabled = false
	s.ShouldReconnectOnError = false
	if cfg.ShardCount > 1 {
		s.ShardID, s.ShardCount = cfg.ShardID, cfg.ShardCount
	}
	a, err := newAdapter(cfg, s, c)
	if err != nil {
		return nil, err
	}
	s.Client = watchClient(cfg.HTTPClient, a.routes)
	s.Dialer = gatewayDialer(a.cfg.HandshakeTimeout, a.wall, &a.handshake)
	return a, nil
}

func newAdapter(cfg Config, s session, c core) (*Adapter, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PostEvery == 0 {
		cfg.PostEvery = time.Second
	}
	if cfg.GlobalRate <= 0 {
		cfg.GlobalRate = DefaultGlobalRate
	}
	if cfg.Deadline == 0 {
		cfg.Deadline = 2 * time.Second
	}
	if cfg.ReconnectMin <= 0 {
		cfg.ReconnectMin = DefaultReconnectMin
	}
	if cfg.ReconnectMax < cfg.ReconnectMin {
		cfg.ReconnectMax = max(DefaultReconnectMax, cfg.ReconnectMin)
	}
	if cfg.StableAfter <= 0 {
		cfg.StableAfter = DefaultStableAfter
	}
	if cfg.ZombieAfter <= 0 {
		cfg.ZombieAfter = DefaultZombieAfter
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Jitter == nil {
		cfg.Jitter = func(d time.Duration) time.Duration { return d/2 + rand.N(d/2+1) }
	}
	if err := checkShard(cfg.ShardID, cfg.ShardCount); err != nil {
		return nil, err
	}
	if cfg.PublicKey != "" && cfg.ShardCount > 1 {
		return nil, ErrShardHTTP
	}
	a := &Adapter{cfg: cfg, s: s, core: c, log: cfg.Logger.With("platform", "discord"), routes: newRoutes(cfg),
		replays:      webhook.NewMemory(cfg.Requests, 2*MaxSignatureAge, cfg.Now, cfg.Logger),
		clickReplays: webhook.NewMemory(nil, 2*MaxSignatureAge, cfg.Now, cfg.Logger),
		refused:      webhook.NewRefusals(cfg.Logger.With("platform", "discord"), time.Minute, cfg.Now)}
	if cfg.PublicKey != "" {
		k, err := hex.DecodeString(cfg.PublicKey)
		if err != nil || len(k) != ed25519.PublicKeySize {
			return nil, errors.New("discord: public key must be 64 hex characters (the application's PUBLIC KEY)")
		}
		a.pubKey = k
	}
	a.pace = &pacer{r: a.routes}
	a.dropped = make(chan struct{}, 1)
	a.wall = time.Now
	a.state.Store("disconnected")
	a.ctx, a.cancel = context.WithCancel(context.Background())
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { a.state.Store("connected") })
	s.AddHandler(func(_ *discordgo.Session, d *discordgo.Disconnect) {
		if a.state.Load() != "failed" {
			a.state.Store("connecting")
		}
		a.lost()
	})
	s.AddHandler(func(_ *discordgo.Session, d *discordgo.Resumed) { a.state.Store("connected") })
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { a.onGatewayInteraction(i.Interaction) })
	s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
		if g.Guild != nil { // a null payload
			a.trackGuild(g.ID, true)
		}
	})
	s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildDelete) {
		if g.Guild != nil && !g.Unavailable { // unavailable is an outage, not a removal
			a.trackGuild(g.ID, false)
		}
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.RateLimit) { a.rateWaits.Add(1) })
	return a, nil
}

// Name implements bot.Platform.
func (a *Adapter) Name() string { return store.Discord }

// Mention implements bot.Platform.
func (a *Adapter) Mention(user string) string { return "<@" + user + ">" }

// RateLimitWaits returns how many times a 429 was waited out.
func (a *Adapter) RateLimitWaits() int64 { return a.rateWaits.Load() }

// State reports the gateway connection state: disconnected, connecting,
// connected or failed. A connection whose heartbeats have gone
// unacknowledged for ZombieAfter is connecting, not connected.
func (a *Adapter) State() string {
	st := a.state.Load().(string)
	if st == "connected" && a.zombie() {
		return "connecting"
	}
	return st
}

// register overwrites the application's commands with the core's registry:
// in the development guild when one is configured (instant), globally
// otherwise.
func (a *Adapter) register(ctx context.Context) error {
	cmds := applicationCommands(a.core.Bank().Memo)
	if _, err := a.s.ApplicationCommandBulkOverwrite(a.cfg.AppID, a.cfg.GuildID, cmds, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: register commands: %w", err)
	}
	return nil
}

// Run is the adapter's lifecycle (bot.Adapter): it opens the gateway,
// registers the commands and serves interactions until ctx is done,
// reconnecting with backoff (gateway.go). A gateway that refuses the bot
// for good (a close code such as 4004 "Authentication failed" or 4011
// "Sharding required", or 401 on the gateway URL) ends it with the error.
// Commands belong to the application, not a shard: only shard 0 registers
// them.
func (a *Adapter) Run(ctx context.Context) error {
	a.state.Store("connecting")
	if a.sharded() {
		a.log.Info("connecting as one shard", "shard", a.cfg.ShardID, "shards", a.cfg.ShardCount)
	}
	if err := a.open(); err != nil {
		if a.ctx.Err() != nil {
			return nil
		}
		if fatal(err) {
			a.state.Store("failed")
			return fmt.Errorf("discord: open gateway: %w", err)
		}
		a.log.Warn("gateway open failed; retrying", "err", err)
		a.lost()
	}
	if a.cfg.ShardID == 0 {
		if err := a.register(ctx); err != nil {
			a.log.Error("register commands", "err", err)
		}
	}
	if err := a.keepConnected(ctx); err != nil {
		return fmt.Errorf("discord: gateway: %w", err)
	}
	return nil
}

// Close closes the gateway (no new interactions), cancels the adapter's
// context (stuck REST calls return) and waits for in-flight interactions.
// Work offered after Close is refused.
func (a *Adapter) Close() error {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.cancel()
	if hc := a.handshake.Load(); hc != nil {
		hc.Conn.Close() // a handshake in progress ends now
	}
	a.openMu.Lock()
	err := a.s.Close()
	a.openMu.Unlock()
	a.wg.Wait()
	a.state.Store("disconnected")
	return err
}

// begin registers a unit of background work; false once closing.
func (a *Adapter) begin() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false
	}
	a.wg.Add(1)
	return true
}

// who returns the user of an interaction and whether they may use admin
// commands (Manage Server).
func who(i *discordgo.Interaction) (user string, admin bool) {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID, i.Member.Permissions&(manageGuild|discordgo.PermissionAdministrator) != 0
	}
	if i.User != nil {
		return i.User.ID, false
	}
	return "", false
}

func spaceOf(i *discordgo.Interaction) store.SpaceRef {
	if i.GuildID == "" {
		return store.SpaceRef{Platform: store.Discord, ID: DMSpace}
	}
	return store.SpaceRef{Platform: store.Discord, ID: i.GuildID}
}

// handle runs an interaction through the core and returns the response to
// send (nil for a PING-less unknown).
func (a *Adapter) handle(ctx context.Context, i *discordgo.Interaction) *bot.Response {
	user, admin := who(i)
	sp := spaceOf(i)
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok { // data missing or of another kind
			return nil
		}
		r := a.core.HandleCommand(ctx, bot.Command{Space: sp, Channel: i.ChannelID, DM: i.GuildID == "", User: user, Admin: admin,
			Name: data.Name, Args: args(data.Name, data.Options)})
		return &r
	case discordgo.InteractionMessageComponent:
		data, ok := i.Data.(discordgo.MessageComponentInteractionData)
		if !ok {
			return nil
		}
		ref := "" // the card's message ID: adopts a card posted just before a crash (bot.Click.MessageRef)
		if i.Message != nil {
			ref = i.Message.ID
		}
		r := a.core.HandleClick(ctx, bot.Click{Space: sp, Channel: i.ChannelID, User: user, Admin: admin, ActionID: data.CustomID, Values: data.Values, MessageRef: ref})
		return &r
	}
	return nil
}

// response converts a core response to an interaction response.
func response(r bot.Response) *discordgo.InteractionResponse {
	data := &discordgo.InteractionResponseData{Embeds: embeds(r.Messages)}
	for _, m := range r.Messages {
		if m.Kind == bot.KindCard {
			data.Components = components(m)
		}
	}
	if rows := meComponents(r.Messages); len(rows) > 0 {
		data.Components = rows // the progress view (/me)
	}
	if r.Private {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

// deferral is the initial response to an interaction the core is slow to
// answer: an ephemeral "thinking…", fixed as ephemeral.
var deferral = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
	Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}

// answer runs i through the core (in a goroutine the adapter owns) and
// waits up to the deadline. It returns the response to give at once, or
// nil and a channel of the late result: the caller then defers and sends
// the result as a follow-up.
func (a *Adapter) answer(i *discordgo.Interaction) (now *bot.Response, handled bool, late <-chan *bot.Response) {
	done := make(chan *bot.Response, 1)
	if !a.begin() {
		return nil, true, nil // closing: nothing to answer with
	}
	go func() {
		defer a.wg.Done()
		defer func() {
			// An interaction no Discord would send must not take the
			// process down (this goroutine is beyond net/http's recover).
			if p := recover(); p != nil {
				a.log.Error("interaction handler panicked", "panic", p, "type", i.Type)
				done <- nil
			}
		}()
		done <- a.handle(a.ctx, i)
	}()
	t := time.NewTimer(a.cfg.Deadline)
	defer t.Stop()
	select {
	case r := <-done:
		return r, true, nil
	case <-t.C:
		return nil, false, done
	}
}

// followUp sends a late result as a follow-up of a deferred interaction.
func (a *Adapter) followUp(i *discordgo.Interaction, late <-chan *bot.Response) {
	r := <-late
	if r == nil {
		return
	}
	resp := response(*r).Data
	if _, err := a.s.FollowupMessageCreate(i, false, &discordgo.WebhookParams{Embeds: resp.Embeds, Components: resp.Components, Flags: resp.Flags},
		discordgo.WithContext(a.ctx)); err != nil {
		a.log.Warn("follow-up", "err", err)
	}
}

// onGatewayInteraction answers an interaction from the gateway once:
// a null one, a malformed one, one delivered again, one of another
// shard's guild and one past MaxInFlight are dropped.
func (a *Adapter) onGatewayInteraction(i *discordgo.Interaction) {
	if i == nil {
		a.malformed.Add(1)
		return
	}
	if a.foreign(i) || !a.firstDelivery(i) || !a.admit() {
		return
	}
	defer a.inflight.Add(-1)
	a.onInteraction(i)
}

// onInteraction answers a gateway interaction within the deadline: the
// core's reply at once, or a deferred (ephemeral) response and a follow-up
// when the core is slow.
func (a *Adapter) onInteraction(i *discordgo.Interaction) {
	if !a.begin() {
		return
	}
	defer a.wg.Done()
	r, handled, late := a.answer(i)
	if handled {
		if r == nil {
			return
		}
		if err := a.s.InteractionRespond(i, response(*r), discordgo.WithContext(a.ctx)); err != nil {
			a.log.Warn("interaction response", "err", err)
		}
		return
	}
	if err := a.s.InteractionRespond(i, deferral, discordgo.WithContext(a.ctx)); err != nil {
		a.log.Warn("deferred response", "err", err)
	}
	a.followUp(i, late)
}

// PostCard implements bot.Platform; the reference is the message ID. A
// card the core booked (ReservePost) is tried once: a 429 comes back as a
// *bot.RateLimitError.
func (a *Adapter) PostCard(ctx context.Context, channel string, m bot.Message) (string, error) {
	return a.postCard(ctx, channel, m, "")
}

// PostCardNonce implements bot.NoncePoster: the card is sent with nonce and
// enforce_nonce, so Discord returns the message a call with the same nonce
// created in the past few minutes instead of creating another (a retry
// after a crash or a lost answer adopts the first card).
func (a *Adapter) PostCardNonce(ctx context.Context, channel string, m bot.Message, nonce string) (string, error) {
	return a.postCard(ctx, channel, m, nonce)
}

// NonceWindow implements bot.NoncePoster. Discord checks a nonce "in the
// past few minutes" without saying how many; two minutes is what studybot
// relies on.
func (a *Adapter) NonceWindow() time.Duration { return NonceWindow }

// NonceWindow is how long after a card's first try studybot trusts
// Discord's enforce_nonce to return that card rather than post another.
const NonceWindow = 2 * time.Minute

// nonceSend is a card with Discord's idempotency fields, which discordgo
// v0.29.0's MessageSend lacks: it is sent as JSON with
// Session.RequestWithBucketID on the route ChannelMessageSendComplex uses.
type nonceSend struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

func (a *Adapter) postCard(ctx context.Context, channel string, m bot.Message, nonce string) (string, error) {
	var msg *discordgo.Message
	err := a.limited(ctx, channel, func() []string { return a.routes.messageKeys(channel) }, func() error {
		send := &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed(m)}, Components: components(m)}
		opts := []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)}
		if nonce == "" {
			var err error
			msg, err = a.s.ChannelMessageSendComplex(channel, send, opts...)
			return err
		}
		for _, e := range send.Embeds {
			if e.Type == "" {
				e.Type = discordgo.EmbedTypeRich // as ChannelMessageSendComplex does
			}
		}
		endpoint := discordgo.EndpointChannelMessages(channel)
		raw, err := a.s.RequestWithBucketID(http.MethodPost, endpoint, nonceSend{MessageSend: send, Nonce: nonce, EnforceNonce: true}, endpoint, opts...)
		if err != nil {
			return err
		}
		msg = new(discordgo.Message)
		if err := json.Unmarshal(raw, msg); err != nil {
			return fmt.Errorf("decode message: %w", err)
		}
		return nil
	})
	var rl *bot.RateLimitError
	if errors.As(err, &rl) {
		return "", err
	}
	if err != nil {
		return "", fmt.Errorf("discord: post card: %w", err)
	}
	return msg.ID, nil
}

// UpdateCard implements bot.Platform. With a context from
// bot.WithBooking it uses the booking TryUpdate made and returns a
// *bot.RateLimitError (wrapped) instead of waiting out a 429.
func (a *Adapter) UpdateCard(ctx context.Context, channel, ref string, m bot.Message) error {
	es := []*discordgo.MessageEmbed{embed(m)}
	comps := components(m)
	err := a.limited(ctx, bookedOwner(ctx, updateOwner(channel, ref)), func() []string { return a.routes.editKeys(channel) }, func() error {
		_, err := a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{Channel: channel, ID: ref, Embeds: &es, Components: &comps},
			discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		return err
	})
	if err != nil {
		return fmt.Errorf("discord: update card: %w", err)
	}
	return nil
}

// PostFile implements bot.FilePoster: the message's embed with the file
// as a multipart attachment (files[0]) shown as the embed's image.
func (a *Adapter) PostFile(ctx context.Context, channel string, m bot.Message, f bot.File) error {
	e := embed(m)
	e.Image = &discordgo.MessageEmbedImage{URL: "attachment://" + f.Name}
	err := a.limited(ctx, "", func() []string { return a.routes.messageKeys(channel) }, func() error {
		_, err := a.s.ChannelMessageSendComplex(channel, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{e},
			Files: []*discordgo.File{{Name: f.Name, ContentType: "image/png", Reader: bytes.NewReader(f.Data)}}},
			discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		return err
	})
	if err != nil {
		return fmt.Errorf("discord: post file: %w", err)
	}
	return nil
}

// Post implements bot.Platform. With a context from bot.WithBooking it
// uses the booking ReserveMessage made and returns a *bot.RateLimitError
// (wrapped) instead of waiting out a 429.
func (a *Adapter) Post(ctx context.Context, channel string, m bot.Message) error {
	err := a.limited(ctx, bookedOwner(ctx, messageOwner(channel)), func() []string { return a.routes.messageKeys(channel) }, func() error {
		_, err := a.s.ChannelMessageSendComplex(channel, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed(m)}},
			discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		return err
	})
	if err != nil {
		return fmt.Errorf("discord: post: %w", err)
	}
	return nil
}
