package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/studybot/studybot/bot/render"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Settings are the defaults and policies of bot.Config that the
// capabilities read, filled in by bot.New.
type Settings struct {
	// Lang is the default language of new channels and DMs.
	Lang string
	// TZ is the default time zone of new spaces and channels.
	TZ string
	// Schedule is the default cron spec of new channels.
	Schedule string
	// CloseAfter is how long a daily question stays open.
	CloseAfter time.Duration
	// Grace bounds catch-up of a slot missed while down.
	Grace time.Duration
	// UpdateEvery is the minimum time between edits of one card.
	UpdateEvery time.Duration
	// Admins lists user IDs (or "platform:user") allowed admin commands.
	Admins []string
	// Seed makes the selection policy deterministic.
	Seed uint64
	// ReviewNewPerDay is how many new memo items /review introduces a day.
	ReviewNewPerDay int
	// NewTimer sleeps on the bot's clock.
	NewTimer func(d time.Duration) (<-chan time.Time, func())
}

// ChanKey names one channel of one space.
type ChanKey struct {
	// Space is the channel's space.
	Space Space
	// Channel is the channel's ID.
	Channel string
}

// Core is what every capability shares: the store, the bank, the clock,
// the platforms, the spaces known to exist, the per-channel locks and the
// lifecycle of background work. bot.New makes one and hands it to each
// capability; it holds no capability's state.
type Core struct {
	// Cfg are the bot's defaults and policies.
	Cfg Settings
	// DB is the database.
	DB *store.DB
	// Log receives structured logs.
	Log *slog.Logger
	// Metrics observes what the bot does.
	Metrics Metrics
	// Verdicts are the review decisions made in chat.
	Verdicts *Verdicts

	now       func() time.Time
	bank      atomic.Pointer[questions.Bank]
	mu        sync.RWMutex
	plats     map[string]Platform
	spaces    sync.Map // Space → store.Space, known to exist
	chanLocks sync.Map // ChanKey → *sync.Mutex: serialises posting and closing per channel
	touch     func(sp Space, channel string)
	wake      func()

	inflight sync.WaitGroup
	lifeMu   sync.Mutex // guards shut and inflight.Add against Shut
	shut     bool
	// ctx is done when Cancel gives up waiting for running work; every
	// platform call the core makes is bound to it.
	ctx    context.Context
	cancel context.CancelFunc
}

// New returns a Core over db and bank on the clock now.
func New(cfg Settings, db *store.DB, bank *questions.Bank, now func() time.Time, log *slog.Logger, m Metrics) (*Core, error) {
	vs, err := LoadVerdicts(db)
	if err != nil {
		return nil, err
	}
	c := &Core{Cfg: cfg, DB: db, Log: log, Metrics: m, Verdicts: vs, now: now, plats: map[string]Platform{}, touch: func(Space, string) {}, wake: func() {}}
	c.bank.Store(bank)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c, nil
}

// Now returns the bot's current time.
func (c *Core) Now() time.Time { return c.now() }

// Bank returns the current question bank. A reload may replace it at any
// time, so a handler takes it once and uses that one bank throughout.
func (c *Core) Bank() *questions.Bank { return c.bank.Load() }

// SetBank replaces the bank (a reload).
func (c *Core) SetBank(b *questions.Bank) { c.bank.Store(b) }

// AddPlatform registers a platform by its name.
func (c *Core) AddPlatform(p Platform) {
	c.mu.Lock()
	c.plats[p.Name()] = p
	c.mu.Unlock()
}

// Platform returns the platform registered as name.
func (c *Core) Platform(name string) (Platform, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.plats[name]
	if !ok {
		return nil, fmt.Errorf("bot: no platform %q registered", name)
	}
	return p, nil
}

// OnTouch sets what Touch calls: the due-loop's look at a changed channel.
func (c *Core) OnTouch(f func(sp Space, channel string)) { c.touch = f }

// Touch tells the due-loop that a channel's settings changed.
func (c *Core) Touch(sp Space, channel string) { c.touch(sp, channel) }

// OnWake sets what Wake calls: the due-loop's look at its next event.
func (c *Core) OnWake(f func()) { c.wake = f }

// Wake asks the due-loop to look again at when its next event is (a
// reminder set, a setting changed).
func (c *Core) Wake() { c.wake() }

// Begin registers work that Shut must wait for. It reports false once
// Shut was called: no new background work may start then.
func (c *Core) Begin() bool {
	c.lifeMu.Lock()
	defer c.lifeMu.Unlock()
	if c.shut {
		return false
	}
	c.inflight.Add(1)
	return true
}

// Done ends work registered by Begin.
func (c *Core) Done() { c.inflight.Done() }

// Track registers work that runs in the caller's goroutine and returns
// the function that ends it; after Shut the work runs untracked.
func (c *Core) Track() func() {
	if c.Begin() {
		return c.inflight.Done
	}
	return func() {}
}

// Shut refuses new background work (Begin reports false from now on).
func (c *Core) Shut() {
	c.lifeMu.Lock()
	c.shut = true
	c.lifeMu.Unlock()
}

// Wait waits for the work registered with Begin and Track.
func (c *Core) Wait() { c.inflight.Wait() }

// Cancel cancels every platform call bound by CallCtx.
func (c *Core) Cancel() { c.cancel() }

// CallCtx returns a context that is done when ctx is or when Cancel is
// called; platform calls get it.
func (c *Core) CallCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	cc, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(c.ctx, cancel)
	return cc, func() { stop(); cancel() }
}

// Context is the bot's own context, done after Cancel.
func (c *Core) Context() context.Context { return c.ctx }

// EnsureSpace makes sure the space exists in the store, once per process.
func (c *Core) EnsureSpace(sp Space) (store.Space, error) {
	if v, ok := c.spaces.Load(sp); ok {
		return v.(store.Space), nil
	}
	s, err := c.DB.EnsureSpace(sp, c.Cfg.TZ)
	if err != nil {
		return store.Space{}, err
	}
	c.spaces.Store(sp, s)
	return s, nil
}

// ChannelLang returns the language of a channel (the default for DMs and
// unconfigured channels).
func (c *Core) ChannelLang(sp Space, channel string) string {
	if channel != "" {
		if ch, err := c.DB.GetChannel(sp, channel); err == nil && ch.Lang != "" {
			return ch.Lang
		}
	}
	return c.Cfg.Lang
}

// EnsureChannel returns a channel's settings, creating them with the
// defaults (schedule, zone, language, close-after) if it is new.
func (c *Core) EnsureChannel(sp Space, channel string) (store.Channel, error) {
	if _, err := c.EnsureSpace(sp); err != nil {
		return store.Channel{}, err
	}
	ch, err := c.DB.GetChannel(sp, channel)
	if err == nil {
		return ch, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.Channel{}, err
	}
	ch = store.Channel{Space: sp, ID: channel, Cron: c.Cfg.Schedule, TZ: c.Cfg.TZ, Lang: c.Cfg.Lang, CloseAfter: c.Cfg.CloseAfter}
	if err := c.DB.PutChannel(ch); err != nil {
		return store.Channel{}, err
	}
	c.Touch(sp, channel)
	return c.DB.GetChannel(sp, channel)
}

// LockChannel serialises posting and closing in one channel; it returns
// the unlock.
func (c *Core) LockChannel(sp Space, channel string) func() {
	v, ok := c.chanLocks.Load(ChanKey{sp, channel})
	if !ok {
		v, _ = c.chanLocks.LoadOrStore(ChanKey{sp, channel}, new(sync.Mutex))
	}
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// IsAdmin reports whether the command's user may use admin commands: the
// platform says so, or Settings.Admins names them.
func (c *Core) IsAdmin(cmd Command) bool {
	if cmd.Admin {
		return true
	}
	for _, a := range c.Cfg.Admins {
		if a == cmd.User || a == cmd.Space.Platform+":"+cmd.User {
			return true
		}
	}
	return false
}

// InternalError logs err and returns the friendly message.
func (c *Core) InternalError(lang, what string, err error) render.Response {
	c.Log.Error(what, "err", err)
	c.Metrics.Error("internal")
	return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "err.internal")})
}

// DomainLabel returns "第 N 分野: title" for a domain number.
func (c *Core) DomainLabel(lang string, n int, title string) string {
	if n == questions.OtherDomain {
		return title
	}
	if title == "" {
		if d := c.Bank().Memo.Domain(n); d != nil {
			title = d.Title
		}
	}
	return render.T(lang, "domain.n", n) + ": " + title
}

// ParseDomain reads "3" (or "第3分野", "d3") as a domain number the bank has.
func (c *Core) ParseDomain(arg string) (int, bool) {
	s := strings.TrimSpace(arg)
	s = strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(s), "d"), "第")
	s = strings.TrimSuffix(s, "分野")
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n == questions.OtherDomain || c.Bank().Memo.Domain(n) == nil {
		return 0, false
	}
	return n, true
}

// DomainChoices lists the bank's domain numbers ("1,2,3").
func (c *Core) DomainChoices() string {
	var ns []string
	for _, d := range c.Bank().Memo.Domains {
		if d.Number != questions.OtherDomain {
			ns = append(ns, strconv.Itoa(d.Number))
		}
	}
	return strings.Join(ns, ",")
}

// UsageError says what went wrong with the arguments (what) and shows the
// example of the command's registry entry (exampleKey).
func UsageError(lang, what, exampleKey string) render.Response {
	return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "err.args", what, render.T(lang, exampleKey))})
}

// UnknownQuestion is the friendly answer to a question ID the bank lacks
// (never the Go error).
func UnknownQuestion(lang, id, exampleKey string) render.Response {
	return UsageError(lang, render.T(lang, "question.unknown", id), exampleKey)
}
