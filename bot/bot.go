package bot

import (
	"context"
	"errors"
	"fmt"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/curate"
	"github.com/studybot/studybot/bot/digest"
	"github.com/studybot/studybot/bot/learn"
	"github.com/studybot/studybot/bot/pace"
	"github.com/studybot/studybot/bot/quiz"
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
// the config's close_after and the due-loop alike (see bot/quiz).
const (
	// MinCloseAfter is the shortest time a question stays open.
	MinCloseAfter = quiz.MinCloseAfter
	// MaxCloseAfter is the longest time a question stays open.
	MaxCloseAfter = quiz.MaxCloseAfter
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
	// WebLinks, if set, mints the sign-in links /studybot web replies with;
	// without it the command says the web pages are off.
	WebLinks WebLinks
}

// DefaultShutdownGrace is Config.ShutdownGrace when unset.
const DefaultShutdownGrace = 5 * time.Second

// Bot is the core. Create it with New, add platforms, then Run it.
type Bot struct {
	cfg      Config
	core     *core.Core // what the capabilities share
	db       *store.DB
	now      func() time.Time
	log      *slog.Logger
	metrics  Metrics
	commands map[string]core.CommandFunc // the registry's handlers, by command name
	admin    map[string]core.AdminFunc   // and by /studybot subcommand
	due      *dueIndex                   // the due-loop's next slot per channel
	closing  chan struct{}
	closeOne sync.Once
	// the due-loop: wake asks it to look again; loopDone closes when Run returns
	wake     chan struct{}
	looping  atomic.Bool
	loopDone chan struct{}

	// the capabilities, each with its own job
	quiz   *quiz.Quiz
	curate *curate.Curate
	learn  *learn.Learn
	digest *digest.Weekly
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
	if _, err := quiz.ParseSchedule(cfg.Schedule, cfg.TZ); err != nil {
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
		cfg.Metrics = core.NopMetrics{}
	}
	if cfg.NewTimer == nil {
		cfg.NewTimer = pace.WallTimer
	}
	cr, err := core.New(core.Settings{Lang: cfg.Lang, TZ: cfg.TZ, Schedule: cfg.Schedule, CloseAfter: cfg.CloseAfter, Grace: cfg.Grace,
		UpdateEvery: cfg.UpdateEvery, Admins: cfg.Admins, Seed: cfg.Seed, ReviewNewPerDay: cfg.ReviewNewPerDay, NewTimer: cfg.NewTimer},
		cfg.Store, cfg.Bank, cfg.Now, cfg.Logger, cfg.Metrics)
	if err != nil {
		return nil, err
	}
	b := &Bot{cfg: cfg, core: cr, db: cfg.Store, now: cfg.Now, log: cfg.Logger, metrics: cfg.Metrics,
		commands: map[string]core.CommandFunc{}, admin: map[string]core.AdminFunc{}, closing: make(chan struct{}), wake: make(chan struct{}, 1), loopDone: make(chan struct{}), due: newDueIndex()}
	cr.OnTouch(b.touchChannel)
	cr.OnWake(b.Wake)
	b.learn = learn.New(cr)
	b.curate = curate.New(cr, cfg.Reviews, cfg.Reload, b.learn)
	b.digest = digest.NewWeekly(cr, b.learn)
	b.quiz = quiz.New(cr, b.digest, b.learn, b.curate, b.due)
	b.register(b.handlers())
	b.register(b.quiz.Handlers())
	b.register(b.learn.Handlers())
	b.register(b.curate.Handlers())
	b.register(b.digest.Handlers())
	if err := b.checkHandlers(); err != nil {
		return nil, err
	}
	return b, nil
}

// AddPlatform registers a platform; the core posts through the platform
// named by each space's Platform field.
func (b *Bot) AddPlatform(p Platform) { b.core.AddPlatform(p) }

// Bank returns the current question bank. Reload may replace it at any
// time, so a handler takes it once and uses that one bank throughout.
func (b *Bot) Bank() *questions.Bank { return b.core.Bank() }

// Store returns the database.
func (b *Bot) Store() *store.DB { return b.db }

// Now returns the bot's current time.
func (b *Bot) Now() time.Time { return b.now() }

// StartUpdater starts only the coalescing card updater, for adapters that
// drive time themselves (the console's /tick). Close stops it.
func (b *Bot) StartUpdater() { b.quiz.StartUpdater() }

// Close stops the due-loop, flushes pending card updates and waits for
// in-flight handlers. Platform calls still running after
// Config.ShutdownGrace are cancelled through the bot's context, so Close
// returns even when a platform hangs. It does not close the store.
func (b *Bot) Close() error {
	b.closeOne.Do(func() {
		b.core.Shut()
		close(b.closing)
		done := make(chan struct{})
		go func() { // owned by Close, which waits for it below
			defer close(done)
			if b.looping.Load() {
				<-b.loopDone
			}
			b.quiz.StopUpdater()
			b.core.Wait()
		}()
		// a wall-clock bound on platform calls, not a scheduling decision
		grace := time.NewTimer(b.cfg.ShutdownGrace)
		defer grace.Stop()
		select {
		case <-done:
		case <-grace.C:
			b.log.Warn("shutdown: platform calls still running; cancelling them", "after", b.cfg.ShutdownGrace)
			b.core.Cancel()
			<-done
		}
		b.core.Cancel()
	})
	return nil
}

func (b *Bot) track() func() { return b.core.Track() }
func (b *Bot) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return b.core.CallCtx(ctx)
}
func (b *Bot) ensureSpace(sp Space) (store.Space, error)   { return b.core.EnsureSpace(sp) }
func (b *Bot) channelLang(sp Space, channel string) string { return b.core.ChannelLang(sp, channel) }

// EnsureChannel returns a channel's settings, creating them with the
// defaults (schedule, zone, language, close-after) if it is new.
func (b *Bot) EnsureChannel(sp Space, channel string) (store.Channel, error) {
	return b.core.EnsureChannel(sp, channel)
}

func (b *Bot) isAdmin(c Command) bool { return b.core.IsAdmin(c) }
func (b *Bot) internalError(lang, what string, err error) Response {
	return b.core.InternalError(lang, what, err)
}
