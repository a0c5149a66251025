// Package bottest helps test the core and its adapters: a fake platform
// that records what the core posts, a controllable clock, and a harness
// that wires a Bot to a real store in a temp dir and the bundled bank.
package bottest

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Clock is a settable clock with timers: a timer fires when Set or Add
// moves the clock to or past its deadline, never on its own.
type Clock struct {
	mu      sync.Mutex
	t       time.Time
	timers  []*timer
	created int
}

type timer struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t and fires the timers due by then.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.fireLocked()
	c.mu.Unlock()
}

// Add moves the clock forward by d and fires the timers due by then.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.fireLocked()
	c.mu.Unlock()
}

func (c *Clock) fireLocked() {
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(c.t) {
			kept = append(kept, tm)
			continue
		}
		tm.ch <- c.t // buffered, fires once
	}
	clear(c.timers[len(kept):])
	c.timers = kept
}

// NewTimer is a bot.Config.NewTimer on this clock.
func (c *Clock) NewTimer(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.created++
	tm := &timer{at: c.t.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		tm.ch <- c.t
		return tm.ch, func() {}
	}
	c.timers = append(c.timers, tm)
	return tm.ch, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, x := range c.timers {
			if x == tm {
				c.timers = append(c.timers[:i], c.timers[i+1:]...)
				return
			}
		}
	}
}

// Timers returns how many timers are waiting and how many were ever
// created. A due-loop is idle when one is waiting and more were created
// than before the step that woke it.
func (c *Clock) Timers() (waiting, created int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers), c.created
}

// Sent is one message the core sent through the fake platform.
type Sent struct {
	// Op is "card", "update", "post", "file" or "dm".
	Op string
	// Channel is where it went (the user, for a "dm").
	Channel string
	// Ref is the card reference (cards and updates).
	Ref string
	// Msg is the message.
	Msg bot.Message
	// File is the attached file ("file" posts).
	File bot.File
}

// Platform is a fake chat platform that records everything.
type Platform struct {
	name string
	mu   sync.Mutex
	sent []Sent
	seq  int
	// Fail, if set, is asked before each call; a non-nil error fails it.
	Fail func(op string) error
	// FailDM, if set, is asked before each direct message with the user;
	// a non-nil error (bot.ErrDMBlocked for a user who cannot be
	// messaged) fails it.
	FailDM func(user string) error
}

// NewPlatform returns a fake platform with the given name.
func NewPlatform(name string) *Platform { return &Platform{name: name} }

// Name implements bot.Platform.
func (p *Platform) Name() string { return p.name }

func (p *Platform) record(op, channel, ref string, m bot.Message) error {
	if p.Fail != nil {
		if err := p.Fail(op); err != nil {
			return err
		}
	}
	p.mu.Lock()
	p.sent = append(p.sent, Sent{Op: op, Channel: channel, Ref: ref, Msg: m})
	p.mu.Unlock()
	return nil
}

// PostCard implements bot.Platform.
func (p *Platform) PostCard(_ context.Context, channel string, m bot.Message) (string, error) {
	p.mu.Lock()
	p.seq++
	ref := fmt.Sprintf("card-%d", p.seq)
	p.mu.Unlock()
	return ref, p.record("card", channel, ref, m)
}

// UpdateCard implements bot.Platform.
func (p *Platform) UpdateCard(_ context.Context, channel, ref string, m bot.Message) error {
	return p.record("update", channel, ref, m)
}

// Post implements bot.Platform.
func (p *Platform) Post(_ context.Context, channel string, m bot.Message) error {
	return p.record("post", channel, "", m)
}

// PostFile implements bot.FilePoster; it records a "file" post.
func (p *Platform) PostFile(_ context.Context, channel string, m bot.Message, f bot.File) error {
	if p.Fail != nil {
		if err := p.Fail("file"); err != nil {
			return err
		}
	}
	p.mu.Lock()
	p.sent = append(p.sent, Sent{Op: "file", Channel: channel, Msg: m, File: f})
	p.mu.Unlock()
	return nil
}

// DM implements bot.DirectMessenger; it records a "dm" to user.
func (p *Platform) DM(_ context.Context, user string, m bot.Message) error {
	if p.FailDM != nil {
		if err := p.FailDM(user); err != nil {
			return err
		}
	}
	return p.record("dm", user, "", m)
}

// Mention implements bot.Platform.
func (p *Platform) Mention(user string) string { return "@" + user }

// Sent returns a copy of everything sent so far, optionally only of one op.
func (p *Platform) Sent(op string) []Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Sent
	for _, s := range p.sent {
		if op == "" || s.Op == op {
			out = append(out, s)
		}
	}
	return out
}

// Reset forgets what was sent.
func (p *Platform) Reset() {
	p.mu.Lock()
	p.sent = nil
	p.mu.Unlock()
}

var (
	bankOnce sync.Once
	bank     *questions.Bank
	bankErr  error
)

// Bank returns the bundled bank, built once per test binary.
func Bank(tb testing.TB) *questions.Bank {
	tb.Helper()
	bankOnce.Do(func() { bank, bankErr = questions.Default() })
	if bankErr != nil {
		tb.Fatal(bankErr)
	}
	return bank
}

// Harness is a Bot on a real store with a fake platform and clock.
type Harness struct {
	// Bot is the core under test.
	Bot *bot.Bot
	// DB is its store.
	DB *store.DB
	// Clock drives Bot.Now.
	Clock *Clock
	// Platform records what the bot posts.
	Platform *Platform
	// Space is the harness's space on the fake platform.
	Space store.SpaceRef
	// Config is what the Bot was built with (Store, Bank, Now filled in).
	Config bot.Config

	path     string
	tb       testing.TB
	stopLoop func()
}

// New returns a harness whose clock starts at start; cfg may set anything
// but Store and Now (Bank defaults to the bundled bank).
func New(tb testing.TB, start time.Time, cfg bot.Config) *Harness {
	tb.Helper()
	h := &Harness{Clock: NewClock(start), Platform: NewPlatform("test"), Space: store.SpaceRef{Platform: "test", ID: "team"},
		path: filepath.Join(tb.TempDir(), "studybot.db"), tb: tb}
	if cfg.Bank == nil {
		cfg.Bank = Bank(tb)
	}
	cfg.Now = h.Clock.Now
	if cfg.NewTimer == nil {
		cfg.NewTimer = h.Clock.NewTimer
	}
	h.Config = cfg
	h.open()
	tb.Cleanup(h.close)
	return h
}

func (h *Harness) open() {
	db, err := store.Open(h.path, &store.Options{Now: h.Clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		h.tb.Fatal(err)
	}
	h.DB = db
	h.Config.Store = db
	b, err := bot.New(h.Config)
	if err != nil {
		h.tb.Fatal(err)
	}
	b.AddPlatform(h.Platform)
	h.Bot = b
}

func (h *Harness) close() {
	if h.stopLoop != nil {
		h.stopLoop()
		h.stopLoop = nil
	}
	if h.Bot != nil {
		h.Bot.Close()
	}
	if h.DB != nil {
		if _, err := h.DB.Check(); err != nil {
			h.tb.Errorf("store check: %v", err)
		}
		h.DB.Close()
	}
}

// Restart closes the bot and the store and opens them again on the same
// file, as a process restart would.
func (h *Harness) Restart() {
	h.close()
	h.open()
}

// Command runs a command as user in channel.
func (h *Harness) Command(user, channel string, admin bool, name string, args ...string) bot.Response {
	return h.Bot.HandleCommand(context.Background(), bot.Command{Space: h.Space, Channel: channel, User: user, Admin: admin, Name: name, Args: args})
}

// Click presses a button as user.
func (h *Harness) Click(user, channel, actionID string) bot.Response {
	return h.Bot.HandleClick(context.Background(), bot.Click{Space: h.Space, Channel: channel, User: user, ActionID: actionID})
}

// StartLoop runs the bot's due-loop (Bot.Run) in a goroutine that the
// harness stops when the test ends (or at Restart), and waits until the
// loop sleeps on the clock.
func (h *Harness) StartLoop() {
	h.tb.Helper()
	_, created := h.Clock.Timers()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	b := h.Bot
	go func() { done <- b.Run(ctx) }()
	h.stopLoop = func() {
		cancel()
		if err := <-done; err != nil {
			h.tb.Errorf("due-loop: %v", err)
		}
	}
	h.WaitIdle(created)
}

// Step moves the clock to t and, if that fired the due-loop's timer,
// waits until the loop has run what was due and sleeps again.
func (h *Harness) Step(t time.Time) {
	h.tb.Helper()
	_, created := h.Clock.Timers()
	h.Clock.Set(t)
	if w, c := h.Clock.Timers(); w == 1 && c == created {
		return // the loop sleeps on: nothing was due
	}
	h.WaitIdle(created)
}

// WaitIdle waits until the due-loop has created a timer after the count
// created (from Clock.Timers) and sleeps on it.
func (h *Harness) WaitIdle(created int) {
	h.tb.Helper()
	WaitFor(h.tb, "the due-loop to sleep", func() bool {
		w, c := h.Clock.Timers()
		return w == 1 && c > created
	})
}

// RunDue runs the scheduler's work as of the clock's time.
func (h *Harness) RunDue() { h.Bot.RunDue(context.Background(), h.Clock.Now()) }

// WaitTimeout is how long WaitFor waits: generous, because -race on a
// loaded two-core machine is many times slower than a quiet one, and a
// condition that holds ends the wait at once.
const WaitTimeout = 30 * time.Second

// WaitFor polls cond every millisecond until it holds, failing the test
// after WaitTimeout with what it was waiting for.
func WaitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
