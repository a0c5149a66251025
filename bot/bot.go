package bot

import (
	"context"
	"errors"
	"fmt"
	"github.com/studybot/studybot/bot/pace"
	"github.com/studybot/studybot/bot/render"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Defaults a newcomer never has to set.
const (
	DefaultSchedule   = "0 9 * * 1-5"
	DefaultTZ         = store.DefaultTZ
	DefaultLang       = "ja"
	DefaultCloseAfter = 8 * time.Hour
	DefaultGrace      = 6 * time.Hour
	DefaultUpdate     = 3 * time.Second
)

// Bounds of a question's open time: the one rule for /studybot close-after,
// the config's close_after and the due-loop alike.
const (
	// MinCloseAfter is the shortest time a question stays open.
	MinCloseAfter = time.Hour
	// MaxCloseAfter is the longest time a question stays open.
	MaxCloseAfter = 24 * time.Hour
)

// Config wires the core. Bank and Store are required.
type Config struct {
	// Bank is the question bank (and memo lookup index).
	Bank *questions.Bank
	// Store is the database.
	Store *store.DB
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives structured logs (default: discard).
	Logger *slog.Logger
	// Lang is the default language for new channels and DMs ("ja").
	Lang string
	// TZ is the default time zone of new spaces and channels ("Asia/Tokyo").
	TZ string
	// Schedule is the default cron spec of new channels ("0 9 * * 1-5").
	Schedule string
	// CloseAfter is how long a daily question stays open (8h).
	CloseAfter time.Duration
	// Grace bounds catch-up: a slot missed while down is posted at start if
	// it is at most this old (6h).
	Grace time.Duration
	// Admins lists user IDs (or "platform:user") allowed admin commands
	// besides the platforms' own admins.
	Admins []string
	// Seed makes the selection policy deterministic.
	Seed uint64
	// UpdateEvery is the minimum time between edits of one card (3s).
	UpdateEvery time.Duration
	// Metrics observes what the bot does (default: nothing).
	Metrics Metrics
	// NewTimer returns a channel that receives once d has passed on the
	// bot's clock, and a function that stops the timer; the due-loop sleeps
	// on it. The default uses the wall clock; tests pass a fake clock's.
	NewTimer func(d time.Duration) (<-chan time.Time, func())
	// ShutdownGrace is how long Close lets running platform calls finish
	// before it cancels them (5s).
	ShutdownGrace time.Duration
	// Reviews, if set, takes the review decisions admins make in chat
	// (/studybot review) into the memo's review file; without it they are
	// kept in the store.
	Reviews ReviewRecorder
	// Reload, if set, builds the bank anew from its files; /studybot reload
	// and cmd/studybot's file watch call it through Bot.Reload. Without it
	// /studybot reload says the bank cannot be reloaded.
	Reload func() (*questions.Bank, error)
	// ReviewNewPerDay is how many new memo items /review introduces to a
	// user per day (DefaultReviewNewPerDay when 0).
	ReviewNewPerDay int
}

// DefaultShutdownGrace is Config.ShutdownGrace when unset.
const DefaultShutdownGrace = 5 * time.Second

// Bot is the core. Create it with New, add platforms, then Run it.
type Bot struct {
	cfg       Config
	bank      atomic.Pointer[questions.Bank]
	db        *store.DB
	now       func() time.Time
	log       *slog.Logger
	metrics   Metrics
	mu        sync.RWMutex
	plats     map[string]Platform
	spaces    sync.Map  // Space → store.Space, known to exist
	badSpecs  sync.Map  // channel and spec already reported as refused
	foreign   sync.Map  // spaces of another shard already reported (shard.go)
	due       *dueIndex // the due-loop's next slot per channel
	cards     *coalescer
	chanLocks sync.Map // chanKey → *sync.Mutex: serialises posting and closing per channel
	inFlight  sync.Map // post ID → chan struct{}: a card posted, its commit not yet done (awaitPost)
	inflight  sync.WaitGroup
	digests   chan struct{} // bounds the digests rendered at once (digestWorkers)
	pendMu    sync.Mutex
	pending   []store.Channel // digests claimed in this due pass, started when it ends
	lifeMu    sync.Mutex      // guards shut and inflight.Add against Close
	shut      bool
	closing   chan struct{}
	closeOne  sync.Once
	// ctx is done when Close gives up waiting for running work; every
	// platform call the core makes is bound to it.
	ctx    context.Context
	cancel context.CancelFunc
	// the due-loop: wake asks it to look again; loopDone closes when Run returns
	wake     chan struct{}
	looping  atomic.Bool
	loopDone chan struct{}

	updaterOnce sync.Once
	reviews     *reviews

	reloadMu  sync.Mutex // serialises reloads and guards lastReload
	lastFail  string     // the last failed reload's error ("" after a success)
	lastFailT time.Time
}

// New checks the config, fills defaults and returns a Bot.
func New(cfg Config) (*Bot, error) {
	if cfg.Bank == nil || cfg.Store == nil {
		return nil, errors.New("bot: Bank and Store are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Lang == "" {
		cfg.Lang = DefaultLang
	}
	if !render.ValidLang(cfg.Lang) {
		return nil, fmt.Errorf("bot: language %q: want ja or en", cfg.Lang)
	}
	if cfg.TZ == "" {
		cfg.TZ = DefaultTZ
	}
	if _, err := time.LoadLocation(cfg.TZ); err != nil {
		return nil, fmt.Errorf("bot: time zone %q: %w", cfg.TZ, err)
	}
	if cfg.Schedule == "" {
		cfg.Schedule = DefaultSchedule
	}
	if _, err := ParseSchedule(cfg.Schedule, cfg.TZ); err != nil {
		return nil, fmt.Errorf("bot: default schedule: %w", err)
	}
	if cfg.CloseAfter < 0 || cfg.Grace < 0 || cfg.UpdateEvery < 0 || cfg.ShutdownGrace < 0 {
		return nil, fmt.Errorf("bot: negative duration (close after %v, grace %v, update every %v, shutdown grace %v)",
			cfg.CloseAfter, cfg.Grace, cfg.UpdateEvery, cfg.ShutdownGrace)
	}
	if cfg.CloseAfter == 0 {
		cfg.CloseAfter = DefaultCloseAfter
	}
	if cfg.Grace == 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.UpdateEvery == 0 {
		cfg.UpdateEvery = DefaultUpdate
	}
	if cfg.ShutdownGrace == 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	if cfg.Metrics == nil {
		cfg.Metrics = nopMetrics{}
	}
	if cfg.NewTimer == nil {
		cfg.NewTimer = pace.WallTimer
	}
	b := &Bot{cfg: cfg, db: cfg.Store, now: cfg.Now, log: cfg.Logger, metrics: cfg.Metrics,
		plats: map[string]Platform{}, closing: make(chan struct{}), wake: make(chan struct{}, 1), loopDone: make(chan struct{}), due: newDueIndex(), digests: make(chan struct{}, digestWorkers)}
	rv, err := newReviews(cfg.Store)
	if err != nil {
		return nil, err
	}
	b.reviews = rv
	b.bank.Store(cfg.Bank)
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.cards = newCoalescer(b, cfg.UpdateEvery)
	return b, nil
}

// AddPlatform registers a platform; the core posts through the platform
// named by each space's Platform field.
func (b *Bot) AddPlatform(p Platform) {
	b.mu.Lock()
	b.plats[p.Name()] = p
	b.mu.Unlock()
}

func (b *Bot) platform(name string) (Platform, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	p, ok := b.plats[name]
	if !ok {
		return nil, fmt.Errorf("bot: no platform %q registered", name)
	}
	return p, nil
}

// Bank returns the current question bank. Reload may replace it at any
// time, so a handler takes it once and uses that one bank throughout.
func (b *Bot) Bank() *questions.Bank { return b.bank.Load() }

// Store returns the database.
func (b *Bot) Store() *store.DB { return b.db }

// Now returns the bot's current time.
func (b *Bot) Now() time.Time { return b.now() }

// StartUpdater starts only the coalescing card updater, for adapters that
// drive time themselves (the console's /tick). Close stops it.
func (b *Bot) StartUpdater() {
	b.updaterOnce.Do(func() { go b.cards.run() })
}

// Close stops the due-loop, flushes pending card updates and waits for
// in-flight handlers. Platform calls still running after
// Config.ShutdownGrace are cancelled through the bot's context, so Close
// returns even when a platform hangs. It does not close the store.
func (b *Bot) Close() error {
	b.closeOne.Do(func() {
		b.lifeMu.Lock()
		b.shut = true
		b.lifeMu.Unlock()
		close(b.closing)
		done := make(chan struct{})
		go func() { // owned by Close, which waits for it below
			defer close(done)
			if b.looping.Load() {
				<-b.loopDone
			}
			b.cards.stop()
			b.inflight.Wait()
		}()
		// a wall-clock bound on platform calls, not a scheduling decision
		grace := time.NewTimer(b.cfg.ShutdownGrace)
		defer grace.Stop()
		select {
		case <-done:
		case <-grace.C:
			b.log.Warn("shutdown: platform calls still running; cancelling them", "after", b.cfg.ShutdownGrace)
			b.cancel()
			<-done
		}
		b.cancel()
	})
	return nil
}

// begin registers work that Close must wait for. It reports false once
// Close has started: no new background work may start then.
func (b *Bot) begin() bool {
	b.lifeMu.Lock()
	defer b.lifeMu.Unlock()
	if b.shut {
		return false
	}
	b.inflight.Add(1)
	return true
}

// track registers work that runs in the caller's goroutine and returns
// the function that ends it; after Close the work runs untracked.
func (b *Bot) track() func() {
	if b.begin() {
		return b.inflight.Done
	}
	return func() {}
}

// callCtx returns a context that is done when ctx is or when Close cancels
// the bot's own context; platform calls get it.
func (b *Bot) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(b.ctx, cancel)
	return c, func() { stop(); cancel() }
}

// ensureSpace makes sure the space exists in the store, once per process.
func (b *Bot) ensureSpace(sp Space) (store.Space, error) {
	if v, ok := b.spaces.Load(sp); ok {
		return v.(store.Space), nil
	}
	s, err := b.db.EnsureSpace(sp, b.cfg.TZ)
	if err != nil {
		return store.Space{}, err
	}
	b.spaces.Store(sp, s)
	return s, nil
}

// channelLang returns the language of a channel (the default for DMs and
// unconfigured channels).
func (b *Bot) channelLang(sp Space, channel string) string {
	if channel != "" {
		if ch, err := b.db.GetChannel(sp, channel); err == nil && ch.Lang != "" {
			return ch.Lang
		}
	}
	return b.cfg.Lang
}

// EnsureChannel returns a channel's settings, creating them with the
// defaults (schedule, zone, language, close-after) if it is new.
func (b *Bot) EnsureChannel(sp Space, channel string) (store.Channel, error) {
	if _, err := b.ensureSpace(sp); err != nil {
		return store.Channel{}, err
	}
	ch, err := b.db.GetChannel(sp, channel)
	if err == nil {
		return ch, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.Channel{}, err
	}
	ch = store.Channel{Space: sp, ID: channel, Cron: b.cfg.Schedule, TZ: b.cfg.TZ, Lang: b.cfg.Lang, CloseAfter: b.cfg.CloseAfter}
	if err := b.db.PutChannel(ch); err != nil {
		return store.Channel{}, err
	}
	b.touchChannel(sp, channel)
	return b.db.GetChannel(sp, channel)
}

func (b *Bot) isAdmin(c Command) bool {
	if c.Admin {
		return true
	}
	for _, a := range b.cfg.Admins {
		if a == c.User || a == c.Space.Platform+":"+c.User {
			return true
		}
	}
	return false
}

// internalError logs err and returns the friendly message.
func (b *Bot) internalError(lang, what string, err error) Response {
	b.log.Error(what, "err", err)
	b.metrics.Error("internal")
	return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.internal")})
}

// domainLabel returns "第 N 分野: title" for a domain number.
func (b *Bot) domainLabel(lang string, n int, title string) string {
	if n == questions.OtherDomain {
		return title
	}
	if title == "" {
		if d := b.Bank().Memo.Domain(n); d != nil {
			title = d.Title
		}
	}
	return T(lang, "domain.n", n) + ": " + title
}
