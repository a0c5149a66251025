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

// Clock is a settable clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Sent is one message the core sent through the fake platform.
type Sent struct {
	// Op is "card", "update" or "post".
	Op string
	// Channel is where it went.
	Channel string
	// Ref is the card reference (cards and updates).
	Ref string
	// Msg is the message.
	Msg bot.Message
}

// Platform is a fake chat platform that records everything.
type Platform struct {
	name string
	mu   sync.Mutex
	sent []Sent
	seq  int
	// Fail, if set, is asked before each call; a non-nil error fails it.
	Fail func(op string) error
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
	p.sent = append(p.sent, Sent{op, channel, ref, m})
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

	path string
	tb   testing.TB
}

// New returns a harness whose clock starts at start; cfg may set anything
// but Store, Bank and Now.
func New(tb testing.TB, start time.Time, cfg bot.Config) *Harness {
	tb.Helper()
	h := &Harness{Clock: NewClock(start), Platform: NewPlatform("test"), Space: store.SpaceRef{Platform: "test", ID: "team"},
		path: filepath.Join(tb.TempDir(), "studybot.db"), tb: tb}
	cfg.Bank, cfg.Now = Bank(tb), h.Clock.Now
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

// RunDue runs the scheduler's work as of the clock's time.
func (h *Harness) RunDue() { h.Bot.RunDue(context.Background(), h.Clock.Now()) }

// WaitFor polls cond every 10 ms until it holds, failing the test after
// five seconds with what it was waiting for.
func WaitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
