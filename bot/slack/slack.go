// Package slack runs studybot on Slack with slack-go: Socket Mode by
// default (no public URL), or an HTTP handler for slash commands,
// interactivity and the Events API behind signature verification.
//
// One bot token serves one workspace; the space is the workspace's team ID.
package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/pace"
	"github.com/studybot/studybot/bot/webhook"
	"github.com/studybot/studybot/store"
)

// core is what the adapter needs of the bot.
type core interface {
	HandleCommand(ctx context.Context, c bot.Command) bot.Response
	HandleClick(ctx context.Context, c bot.Click) bot.Response
}

// api is the part of the Slack Web API the adapter calls (a fake in tests).
type api interface {
	AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error)
}

// Config configures the adapter.
type Config struct {
	// BotToken is the bot token (xoxb-…).
	BotToken string
	// AppToken is the app-level token (xapp-…) for Socket Mode.
	AppToken string
	// SigningSecret verifies HTTP-mode requests.
	SigningSecret string
	// Mode is "socket" (default) or "http".
	Mode string
	// APIURL is the Web API base URL, ending in "/" (default Slack's).
	APIURL string
	// HTTPClient is used for the Web API (default http.DefaultClient).
	HTTPClient *http.Client
	// PostEvery spaces posts in one channel (default 1s, Slack's rate).
	PostEvery time.Duration
	// WorkspaceRate caps posts a second across the workspace
	// (DefaultWorkspaceRate when 0).
	WorkspaceRate float64
	// UpdatesPerMinute caps card updates (chat.update) a minute across the
	// workspace (DefaultUpdatesPerMinute when 0).
	UpdatesPerMinute float64
	// Logger receives logs.
	Logger *slog.Logger
	// Now is the clock used for signature windows and caches (default time.Now).
	Now func() time.Time
	// AckWait is how long a click's acknowledgement waits for the answer to
	// be stored (default 2s): an acknowledgement then means recorded, and
	// only a slower write is acknowledged first.
	AckWait time.Duration
	// Requests, if set, remembers processed slash commands (trigger IDs)
	// across restarts, so that a retry or a replayed signed command is
	// processed once (the store); without it they are remembered in
	// memory. Clicks are remembered in memory either way.
	Requests webhook.Store

	// Socket Mode reconnection (reconnect.go): ReconnectMin and
	// ReconnectMax bound the backoff before apps.connections.open
	// (defaults DefaultReconnectMin, DefaultReconnectMax); it starts over
	// once a connection held StableAfter (DefaultStableAfter).
	ReconnectMin, ReconnectMax, StableAfter time.Duration
	// MaxEnvelope caps one Socket Mode message in bytes
	// (DefaultMaxEnvelope).
	MaxEnvelope int64
	// After waits out a backoff (default time.After).
	After func(time.Duration) <-chan time.Time
	// Jitter spreads a backoff wait (default: a random 50–100 % of it).
	Jitter func(time.Duration) time.Duration

	// HomeEvery is the least time between two refreshes of one user's
	// Home tab after their answers (DefaultHomeEvery when 0; home.go).
	HomeEvery time.Duration
	// NewTimer sleeps on the adapter's clock, for the Home tab's
	// refreshes (default pace.WallTimer; tests pass a fake clock's).
	NewTimer func(time.Duration) (<-chan time.Time, func())
}

// Adapter connects one Slack workspace to the core. It is the core's
// Platform for spaces named "slack".
type Adapter struct {
	cfg    Config
	api    api
	client *slack.Client
	core   core
	log    *slog.Logger
	team   atomic.Value // string: the workspace's team ID
	admins *adminCache
	pace   *pacer
	seen   *webhook.Memory // commands: in the store when Config.Requests is set
	// clicksSeen remembers clicks in memory only: a click replayed after a
	// restart meets the store's one-answer rule ("already answered"), and
	// a commit per click would double the commits of a click burst.
	clicksSeen *webhook.Memory
	// refused counts and logs (rate-limited) refused HTTP requests.
	refused *webhook.Refusals
	state   atomic.Value // string: connection state
	wg      sync.WaitGroup
	// rateWaits counts waits on Slack 429s.
	rateWaits atomic.Int64
	// noEphemeral remembers channels where chat.postEphemeral failed (the
	// bot is not a member): replies there go through response_url.
	noEphemeral sync.Map
	ctx         context.Context
	cancel      context.CancelFunc
	mu          sync.Mutex // guards closed against new background work
	closed      bool

	// dms maps users to their direct-message channel (DM).
	dms sync.Map

	// gate holds apps.connections.open back by the backoff (reconnect.go).
	gate *openGate

	// home is the App Home tab's state (home.go).
	home homeState
}

// The adapter's lifecycle is the core's, with an HTTP handler in HTTP mode.
var (
	_ bot.Adapter     = (*Adapter)(nil)
	_ bot.HTTPAdapter = (*Adapter)(nil)
	_ bot.FilePoster  = (*Adapter)(nil)

	_ bot.DirectMessenger = (*Adapter)(nil)
	_ bot.Paced           = (*Adapter)(nil)
	_ bot.PacedMessages   = (*Adapter)(nil)
)

// ErrFatal wraps errors after which the adapter stops (bad tokens).
var ErrFatal = errors.New("slack: fatal")

// New builds an adapter: register it with the core (bot.AddPlatform),
// mount its HTTPHandler in HTTP mode, then Run it and Close it after.
func New(cfg Config, c core) (*Adapter, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("slack: no bot token (STUDYBOT_SLACK_BOT_TOKEN)")
	}
	if cfg.Mode == "" {
		cfg.Mode = "socket"
	}
	if cfg.Mode == "socket" && cfg.AppToken == "" {
		return nil, errors.New("slack: Socket Mode needs an app-level token (STUDYBOT_SLACK_APP_TOKEN, xapp-…)")
	}
	if cfg.Mode == "http" && cfg.SigningSecret == "" {
		return nil, errors.New("slack: HTTP mode needs the signing secret (STUDYBOT_SLACK_SIGNING_SECRET)")
	}
	cfg.socketDefaults()
	var next doer = http.DefaultClient
	if cfg.HTTPClient != nil {
		next = cfg.HTTPClient
	}
	gate := newOpenGate(cfg, next)
	opts := []slack.Option{slack.OptionHTTPClient(gate)}
	if cfg.APIURL != "" {
		u := cfg.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	client := slack.New(cfg.BotToken, opts...)
	a := newAdapter(cfg, client, client, c)
	a.gate = gate
	return a, nil
}

func newAdapter(cfg Config, a api, client *slack.Client, c core) *Adapter {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PostEvery == 0 {
		cfg.PostEvery = time.Second
	}
	if cfg.WorkspaceRate <= 0 {
		cfg.WorkspaceRate = DefaultWorkspaceRate
	}
	if cfg.UpdatesPerMinute <= 0 {
		cfg.UpdatesPerMinute = DefaultUpdatesPerMinute
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = 2 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.HomeEvery <= 0 {
		cfg.HomeEvery = DefaultHomeEvery
	}
	if cfg.NewTimer == nil {
		cfg.NewTimer = pace.WallTimer
	}
	cfg.socketDefaults()
	ad := &Adapter{cfg: cfg, api: a, client: client, core: c, log: cfg.Logger.With("platform", "slack"),
		pace: newPacer(cfg)}
	ad.seen = webhook.NewMemory(cfg.Requests, seenFor, cfg.Now, ad.log)
	ad.clicksSeen = webhook.NewMemory(nil, seenFor, cfg.Now, ad.log)
	ad.refused = webhook.NewRefusals(ad.log, time.Minute, cfg.Now)
	ad.admins = newAdminCache(10*time.Minute, cfg.Now, a)
	ad.home = homeState{viewers: map[string]bool{}, refresh: pace.NewDebouncer(cfg.HomeEvery, cfg.Now, cfg.NewTimer, func(ctx context.Context, user string) {
		if err := ad.PublishHome(ctx, "", user); err != nil {
			ad.log.Warn("home tab refresh", "user", user, "err", err)
		}
	})}
	ad.team.Store("")
	ad.state.Store("disconnected")
	ad.ctx, ad.cancel = context.WithCancel(context.Background())
	return ad
}

// Name implements bot.Platform.
func (a *Adapter) Name() string { return store.Slack }

// Mention implements bot.Platform. The result is a marker that only the
// renderer turns into <@user>, so that a user's own "<@U…>" text never
// becomes a mention.
func (a *Adapter) Mention(user string) string { return mentionMarker(user) }

// Space returns the workspace's space (known after Start).
func (a *Adapter) Space() store.SpaceRef {
	return store.SpaceRef{Platform: store.Slack, ID: a.team.Load().(string)}
}

// State reports the connection state: disconnected, connecting, connected
// or failed. In HTTP mode it is connected once auth.test has passed.
func (a *Adapter) State() string { return a.state.Load().(string) }

// Run is the adapter's lifecycle (bot.Adapter): in Socket Mode it connects
// and serves events (RunSocket); in HTTP mode it checks the token (Start)
// and then serves through HTTPHandler until ctx is done. A revoked or
// invalid token ends it with ErrFatal.
func (a *Adapter) Run(ctx context.Context) error {
	if a.cfg.Mode != "http" {
		return a.RunSocket(ctx)
	}
	if err := a.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// HTTPHandler implements bot.HTTPAdapter: in HTTP mode, Handler on
// DefaultPaths under /slack/; nothing in Socket Mode.
func (a *Adapter) HTTPHandler() (string, http.Handler) {
	if a.cfg.Mode != "http" {
		return "", nil
	}
	return "/slack/", a.Handler(DefaultPaths)
}

// Start checks the bot token with auth.test and learns the team ID.
// invalid_auth and token_revoked are fatal (ErrFatal).
func (a *Adapter) Start(ctx context.Context) error {
	res, err := a.api.AuthTestContext(ctx)
	if err != nil {
		a.state.Store("failed")
		if isAuthError(err) {
			return fmt.Errorf("%w: auth.test: %v (check STUDYBOT_SLACK_BOT_TOKEN)", ErrFatal, err)
		}
		return fmt.Errorf("slack: auth.test: %w", err)
	}
	a.team.Store(res.TeamID)
	a.log.Info("slack workspace", "team", res.TeamID, "bot_user", res.UserID)
	if a.cfg.Mode == "http" {
		// HTTP mode has no connection to keep: a valid token is ready.
		a.state.Store("connected")
	}
	return nil
}

func isAuthError(err error) bool {
	s := err.Error()
	for _, code := range []string{"invalid_auth", "token_revoked", "not_authed", "account_inactive", "token_expired"} {
		if strings.Contains(s, code) {
			return true
		}
	}
	return false
}

// Close stops background work and waits for it. Work offered after Close
// is refused (spawn reports false), so nothing starts while it waits.
func (a *Adapter) Close() error {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.cancel()
	a.wg.Wait()
	return nil
}

// spawn runs f in the background, owned by the adapter; it reports false
// (and runs nothing) once the adapter is closing.
func (a *Adapter) spawn(f func(ctx context.Context)) bool {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return false
	}
	a.wg.Add(1)
	a.mu.Unlock()
	go func() {
		defer a.wg.Done()
		f(a.ctx)
	}()
	return true
}

// command converts a slash command into the core's Command, checking
// admin status (users.info, cached) only for the admin command.
func (a *Adapter) command(ctx context.Context, sc slack.SlashCommand) bot.Command {
	name := strings.TrimPrefix(sc.Command, "/")
	c := bot.Command{Space: store.SpaceRef{Platform: store.Slack, ID: sc.TeamID}, Channel: sc.ChannelID, User: sc.UserID,
		Name: name, Args: strings.Fields(sc.Text), DM: strings.HasPrefix(sc.ChannelID, "D") || sc.ChannelName == "directmessage"}
	if c.Space.ID == "" {
		c.Space = a.Space()
	}
	if c.IsAdmin() {
		c.Admin = a.admins.isAdmin(ctx, sc.UserID)
	}
	return c
}

// commandPayload is a core response for a slash command as the payload of
// the acknowledgement (what Slack shows right away).
func commandPayload(r bot.Response) map[string]any {
	msgs := r.Messages
	if len(msgs) == 0 {
		return nil
	}
	blocks, text := render(msgs...)
	rt := "ephemeral"
	if !r.Private {
		rt = "in_channel"
	}
	return map[string]any{"response_type": rt, "text": text, "blocks": blocks}
}

// clicks turns a block_actions payload into the core's clicks (only the
// core's own buttons, routed by prefix).
func (a *Adapter) clicks(cb slack.InteractionCallback) []bot.Click {
	if cb.Type != slack.InteractionTypeBlockActions {
		return nil
	}
	team := cb.Team.ID
	if team == "" {
		team = a.team.Load().(string)
	}
	var out []bot.Click
	for _, act := range cb.ActionCallback.BlockActions {
		if act == nil || act.Type == slack.ActionType(slack.METCheckboxGroups) {
			continue // a box checked on a multi-answer card: only Submit counts
		}
		ref := cb.Container.MessageTs // the card's ts: adopts a card posted just before a crash (bot.Click.MessageRef)
		if ref == "" {
			ref = cb.Message.Timestamp
		}
		c := bot.Click{Space: store.SpaceRef{Platform: store.Slack, ID: team}, Channel: cb.Channel.ID, User: cb.User.ID, ActionID: act.ActionID, MessageRef: ref}
		if strings.HasPrefix(act.BlockID, pickBlockPrefix) { // a multi-answer card's Submit
			c.Values = checked(cb, act.BlockID)
		}
		out = append(out, c)
	}
	return out
}

// fromHome reports whether an interaction came from the App Home tab.
func fromHome(cb slack.InteractionCallback) bool { return cb.View.Type == slack.VTHomeTab }

// newClicks is clicks without the ones already seen: Slack's retries and
// replays of an interaction are answered once.
func (a *Adapter) newClicks(cb slack.InteractionCallback) []bot.Click {
	var out []bot.Click
	for _, c := range a.clicks(cb) {
		if a.clicksSeen.First("slack:act:" + cb.User.ID + ":" + c.ActionID + ":" + cb.ActionTs + submitKey(cb, c)) {
			out = append(out, c)
		}
	}
	return out
}

// answerClicks runs the clicks of one interaction and returns once their
// answers are stored (the core returns after a durable write), or after
// AckWait if storing takes longer, so that the caller's acknowledgement
// means recorded. The private replies go out in the background after.
// It reports false when the adapter is closing and nothing was run: the
// caller must not acknowledge (Slack retries).
//
// Clicks in the Home tab (home) are answered there or by direct message
// (homeReply). An answer refreshes the user's Home tab (debounced).
func (a *Adapter) answerClicks(clicks []bot.Click, responseURL string, home bool) bool {
	if len(clicks) == 0 {
		return true
	}
	stored := make(chan struct{})
	started := a.spawn(func(ctx context.Context) {
		rs := make([]bot.Response, len(clicks))
		for i, c := range clicks {
			if name, _, _, ok := bot.ParseCommandAction(c.ActionID); ok && (bot.Command{Name: name}).IsAdmin() {
				// a button running an admin command: users.info's word (cached)
				actx, cancel := context.WithTimeout(ctx, time.Second)
				c.Admin = a.admins.isAdmin(actx, c.User)
				cancel()
			}
			rs[i] = a.core.HandleClick(ctx, c)
			if isAnswer(c.ActionID) {
				a.answered(c.User)
			}
		}
		close(stored)
		for i, r := range rs {
			if home {
				a.homeReply(ctx, clicks[i], r)
				continue
			}
			for _, m := range r.Messages {
				if err := a.replyPrivate(ctx, clicks[i].Channel, clicks[i].User, responseURL, m); err != nil {
					a.log.Warn("private reply", "user", clicks[i].User, "err", err)
				}
			}
		}
	})
	if !started {
		return false
	}
	t := time.NewTimer(a.cfg.AckWait)
	defer t.Stop()
	select {
	case <-stored:
	case <-t.C:
		a.log.Warn("answer not stored in time; acknowledging before it is", "wait", a.cfg.AckWait)
	}
	return true
}

// replyPrivate sends a private reply to a click: chat.postEphemeral where
// the bot is a member, the interaction's response_url (ephemeral)
// elsewhere — in DMs and channels the bot was not invited to, where
// chat.postEphemeral fails with channel_not_found.
func (a *Adapter) replyPrivate(ctx context.Context, channel, user, responseURL string, m bot.Message) error {
	if responseURL != "" && !a.ephemeralWorks(channel) {
		return a.postResponseURL(ctx, responseURL, true, m)
	}
	err := a.SendPrivate(ctx, channel, user, m)
	if err != nil && responseURL != "" && notMember(err) {
		a.noEphemeral.Store(channel, true)
		return a.postResponseURL(ctx, responseURL, true, m)
	}
	return err
}

// ephemeralWorks reports whether chat.postEphemeral is worth trying in channel.
func (a *Adapter) ephemeralWorks(channel string) bool {
	if channel == "" || strings.HasPrefix(channel, "D") {
		return false
	}
	_, bad := a.noEphemeral.Load(channel)
	return !bad
}

// notMember reports the errors Slack gives for channels the bot is not in.
func notMember(err error) bool {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return false
	}
	switch se.Err {
	case "channel_not_found", "not_in_channel", "user_not_in_channel":
		return true
	}
	return false
}

// postResponseURL sends m through a response_url (slash commands and
// interactions; five posts within 30 minutes), ephemeral when private.
func (a *Adapter) postResponseURL(ctx context.Context, url string, private bool, m ...bot.Message) error {
	blocks, text := render(m...)
	rt := slack.ResponseTypeInChannel
	if private {
		rt = slack.ResponseTypeEphemeral
	}
	msg := &slack.WebhookMessage{Text: text, Blocks: &slack.Blocks{BlockSet: blocks}, ResponseType: rt}
	if err := slack.PostWebhookCustomHTTPContext(ctx, url, a.cfg.HTTPClient, msg); err != nil {
		return fmt.Errorf("slack: response_url: %w", err)
	}
	return nil
}

// notMemberWarning tells an admin the bot cannot post in the channel.
var notMemberWarning = bot.Message{Kind: bot.KindError, Tone: bot.Bad,
	Body: "⚠️ studybot はこのチャンネルのメンバーではないため、ここには問題を投稿できません。`/invite @studybot` で招待してください。\n" +
		"studybot is not a member of this channel, so it cannot post here: invite it with `/invite @studybot`."}

// commandReply returns the acknowledgement payload for a command's
// response. Where the command makes the bot post in the channel, the
// private reply goes by chat.postEphemeral, which doubles as a membership
// check: where it fails (channel_not_found), the ack carries the reply and
// tells the admin at once to invite the bot.
func (a *Adapter) commandReply(ctx context.Context, c bot.Command, r bot.Response) map[string]any {
	if !c.PostsHere() || !r.Private || len(r.Messages) == 0 {
		return commandPayload(r)
	}
	err := a.sendEphemeral(ctx, c.Channel, c.User, r.Messages...)
	if err == nil {
		return nil
	}
	if notMember(err) {
		a.log.Warn("command in a channel the bot is not a member of", "channel", c.Channel, "command", c.Args[0])
		r.Messages = append(r.Messages, notMemberWarning)
	}
	return commandPayload(r)
}

// SendPrivate sends m with chat.postEphemeral, so that only user sees it
// in channel.
func (a *Adapter) SendPrivate(ctx context.Context, channel, user string, m bot.Message) error {
	return a.sendEphemeral(ctx, channel, user, m)
}

func (a *Adapter) sendEphemeral(ctx context.Context, channel, user string, m ...bot.Message) error {
	blocks, text := render(m...)
	return a.retry(ctx, "chat.postEphemeral", func() error {
		_, err := a.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false))
		return err
	})
}

// PostCard implements bot.Platform; the reference is the message ts.
func (a *Adapter) PostCard(ctx context.Context, channel string, m bot.Message) (string, error) {
	var ts string
	blocks, text := render(m)
	err := a.postLimited(ctx, channel, channel, func() error {
		var err error
		_, ts, err = a.api.PostMessageContext(ctx, channel, slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false))
		return err
	})
	return ts, err
}

// UpdateCard implements bot.Platform with chat.update, under the
// workspace's update pace (Config.UpdatesPerMinute). With a context from
// bot.WithBooking it uses the booking TryUpdate made.
func (a *Adapter) UpdateCard(ctx context.Context, channel, ref string, m bot.Message) error {
	blocks, text := render(m)
	owner := ""
	if bot.Booked(ctx) {
		owner = updateOwner(channel, ref)
	}
	return a.updateLimited(ctx, owner, func() error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ref, slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false))
		return err
	})
}

// Post implements bot.Platform. With a context from bot.WithBooking it
// uses the booking ReserveMessage made.
func (a *Adapter) Post(ctx context.Context, channel string, m bot.Message) error {
	blocks, text := render(m)
	owner := ""
	if bot.Booked(ctx) {
		owner = messageOwner(channel)
	}
	return a.postLimited(ctx, owner, channel, func() error {
		_, _, err := a.api.PostMessageContext(ctx, channel, slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false))
		return err
	})
}

// PostFile implements bot.FilePoster with Slack's external upload flow
// (files.getUploadURLExternal, the bytes to the upload URL,
// files.completeUploadExternal sharing it in channel with the message's
// text as its comment); needs the files:write scope. Paced and retried on
// 429 like a post.
func (a *Adapter) PostFile(ctx context.Context, channel string, m bot.Message, f bot.File) error {
	_, text := render(m)
	if err := a.pace.Wait(ctx, channel); err != nil {
		return err
	}
	return a.retry(ctx, "files.completeUploadExternal", func() error {
		_, err := a.api.UploadFileContext(ctx, slack.UploadFileParameters{Channel: channel, Filename: f.Name, Title: f.Name,
			FileSize: len(f.Data), Reader: bytes.NewReader(f.Data), InitialComment: text, AltTxt: f.Alt})
		return err
	})
}

// retry honours 429s: it waits Retry-After (or one second without the
// header) and tries again, up to five times, so no post is lost to a
// rate limit.
func (a *Adapter) retry(ctx context.Context, method string, f func() error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = f()
		var rl *slack.RateLimitedError
		var sc slack.StatusCodeError
		wait := time.Duration(0)
		switch {
		case errors.As(err, &rl):
			wait = rl.RetryAfter
		case errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests:
			wait = time.Second
		default:
			return err
		}
		if wait <= 0 {
			wait = time.Second
		}
		if wait > time.Minute {
			wait = time.Minute
		}
		a.log.Warn("rate limited", "method", method, "retry_after", wait)
		a.rateWaits.Add(1)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	return fmt.Errorf("slack: %s still rate limited after 5 tries: %w", method, err)
}

// RateLimitWaits returns how many times the adapter waited out a 429.
func (a *Adapter) RateLimitWaits() int64 { return a.rateWaits.Load() }
