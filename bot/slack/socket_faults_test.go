package slack_test

// Socket Mode under a broken network and a hostile peer (issue 21), with
// the real slack-go socketmode client against slackfake. Cases tried:
//   - a socket that drops right after hello, again and again (a reconnect
//     storm): apps.connections.open is held back by a growing backoff,
//     and called at once again after a connection that held;
//   - disconnect messages: refresh_requested, link_disabled, warning, and
//     three in a row;
//   - apps.connections.open failing: 429 with Retry-After (honoured), 500
//     (retried), invalid_auth (Run ends with ErrFatal, state failed);
//   - envelopes: no envelope_id, a slash command and a click redelivered
//     with retry_attempt (run once, every envelope acked), one past the
//     envelope cap (the connection is replaced, the bot carries on),
//     frames that are not JSON or not objects, unknown types, a second
//     hello;
//   - acknowledgements pending while the socket is down and cannot come
//     back: Close returns, goroutines settle.
// Left: slack-go hides disconnect messages (it reconnects on every
// reason), so link_disabled ("do not reconnect") is retried under the
// backoff rather than ending the run; /readyz then reports it after
// reconnectBound.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/store"
)

// sockRig is a Socket Mode adapter over slackfake, RunSocket in the
// background.
type sockRig struct {
	fake   *slackfake.Server
	ad     *studyslack.Adapter
	waits  *waits
	done   chan error
	clicks *atomic.Int64
}

// waits records backoff waits and returns at once (the injected After).
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) after(d time.Duration) <-chan time.Time {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	c := make(chan time.Time, 1)
	c <- time.Time{}
	return c
}

func (w *waits) list() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// sockCore counts clicks and can hold commands until open is closed.
type sockCore struct {
	*bot.Bot
	open   chan struct{}
	clicks atomic.Int64
}

func (c *sockCore) HandleCommand(ctx context.Context, cmd bot.Command) bot.Response {
	if c.open != nil {
		select {
		case <-c.open:
		case <-ctx.Done():
		}
	}
	return c.Bot.HandleCommand(ctx, cmd)
}

func (c *sockCore) HandleClick(ctx context.Context, cl bot.Click) bot.Response {
	c.clicks.Add(1)
	return c.Bot.HandleClick(ctx, cl)
}

// newSocket starts a Socket Mode adapter on a new fake with set's
// settings and waits for the connection; hold, if set, holds commands.
func newSocket(t testing.TB, set func(*studyslack.Config), hold chan struct{}) *sockRig {
	t.Helper()
	fake := slackfake.New("T0001")
	t.Cleanup(fake.Close)
	fake.Verify(t)
	fake.Join("C1")
	clock := bottest.NewClock(tuesday09.Add(-time.Hour))
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	core := &sockCore{Bot: b, open: hold}
	w := &waits{}
	cfg := studyslack.Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: fake.URL(), PostEvery: time.Millisecond, Now: clock.Now,
		After: w.after, Jitter: func(d time.Duration) time.Duration { return d }, ReconnectMin: 100 * time.Millisecond, ReconnectMax: time.Second}
	if set != nil {
		set(&cfg)
	}
	ad, err := studyslack.New(cfg, core)
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(ad)
	ctx, cancel := context.WithCancel(context.Background())
	r := &sockRig{fake: fake, ad: ad, waits: w, done: make(chan error, 1), clicks: &core.clicks}
	go func() { r.done <- ad.RunSocket(ctx, socketmode.OptionPingInterval(time.Minute)) }()
	t.Cleanup(func() {
		cancel()
		<-r.done
		ad.Close()
		b.Close()
		db.Close()
	})
	bottest.WaitFor(t, "Socket Mode connection", func() bool { return fake.Connected() && ad.State() == "connected" })
	return r
}

// answered sends /memo over the newest connection and returns its ack
// (waiting out reconnections).
func (r *sockRig) answered(t testing.TB, user string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		id, err := r.fake.Send("slash_commands", slackfake.SlashCommand("T0001", "C1", user, "memo", "CodeDeploy"))
		if err != nil {
			time.Sleep(10 * time.Millisecond) // no connection yet
			continue
		}
		if raw, ok := r.fake.WaitAck(id, 3*time.Second); ok {
			return string(raw)
		}
	}
	t.Fatalf("no command answered within 20 s")
	return ""
}

// goroutines returns the goroutine count once idle HTTP connections are
// closed.
func goroutines() int {
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	return runtime.NumGoroutine()
}

// settle waits (bounded) for the goroutine count to come back to at most
// baseline+slack, and fails with the stacks if it does not.
func settle(t *testing.T, baseline, slack int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := goroutines()
		if n <= baseline+slack {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, baseline %d (+%d):\n%s", n, baseline, slack, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSocketModeReconnectStorm: sockets that drop right after hello are
// reopened after a backoff that doubles (one apps.connections.open per
// wait, none in a tight loop); after a connection that held StableAfter
// the next reopening goes at once; goroutines settle.
func TestSocketModeReconnectStorm(t *testing.T) {
	r := newSocket(t, func(c *studyslack.Config) { c.StableAfter = 700 * time.Millisecond }, nil)
	r.answered(t, "WARM")
	base := goroutines()
	opens := r.fake.Opens()
	const storm = 5
	r.fake.DropAfterHello(storm)
	if err := r.fake.Drop(); err != nil {
		t.Fatal(err)
	}
	if got := r.answered(t, "U1"); !strings.Contains(got, "CodeDeploy") {
		t.Fatalf("after the storm: %.200s", got)
	}
	w := r.waits.list()
	// Every reopening waited: even the first, the connection it replaced
	// being younger than StableAfter.
	if n := r.fake.Opens() - opens; n != storm+1 || len(w) != storm+1 {
		t.Errorf("%d apps.connections.open and %d waits for %d drops, want %d of each", n, len(w), storm+1, storm+1)
	}
	for k := range w {
		if want := min(100*time.Millisecond<<k, time.Second); w[k] != want {
			t.Errorf("wait %d = %v, want %v (waits %v)", k, w[k], want, w)
		}
	}
	settle(t, base, 4)

	// A connection that held: the next reopening does not wait.
	last := r.fake.OpenTimes()[r.fake.Opens()-1]
	waitFor(t, "the connection to hold StableAfter", func() bool { return time.Since(last) > time.Second })
	before, opens := len(r.waits.list()), r.fake.Opens()
	if err := r.fake.Drop(); err != nil {
		t.Fatal(err)
	}
	r.answered(t, "U2")
	if n := len(r.waits.list()); n != before || r.fake.Opens() != opens+1 {
		t.Errorf("after a stable connection: %d new waits, %d opens (want 0, 1)", n-before, r.fake.Opens()-opens)
	}
}

// TestSocketModeDisconnectMessages: disconnect messages make slack-go
// reconnect; repeated ones are backed off; the bot answers after.
func TestSocketModeDisconnectMessages(t *testing.T) {
	for _, tc := range []struct {
		reason string
		times  int
	}{{"refresh_requested", 1}, {"link_disabled", 1}, {"warning", 1}, {"refresh_requested", 3}} {
		t.Run(fmt.Sprintf("%s×%d", tc.reason, tc.times), func(t *testing.T) {
			r := newSocket(t, nil, nil)
			for k := 0; k < tc.times; k++ {
				at := r.fake.Attempts()
				if err := r.fake.Disconnect(tc.reason); err != nil {
					t.Fatal(err)
				}
				waitFor(t, "a new connection", func() bool { return r.fake.Attempts() > at && r.fake.Connected() })
			}
			if got := r.answered(t, "U1"); !strings.Contains(got, "CodeDeploy") {
				t.Fatalf("after the disconnects: %.200s", got)
			}
			if w := r.waits.list(); len(w) != tc.times {
				t.Errorf("waits %v for %d reconnections in a row", w, tc.times)
			}
		})
	}
}

// TestSocketModeOpenFailures: apps.connections.open failing on reconnect.
func TestSocketModeOpenFailures(t *testing.T) {
	t.Run("429 Retry-After", func(t *testing.T) {
		r := newSocket(t, nil, nil)
		opens := r.fake.Opens()
		r.fake.FailOpen(1, http.StatusTooManyRequests, 1, "")
		if err := r.fake.Drop(); err != nil {
			t.Fatal(err)
		}
		r.answered(t, "U1")
		ts := r.fake.OpenTimes()[opens:]
		if len(ts) != 2 {
			t.Fatalf("%d apps.connections.open, want 2", len(ts))
		}
		if gap := ts[1].Sub(ts[0]); gap < time.Second {
			t.Errorf("retried %v after a 429 with Retry-After: 1", gap)
		}
	})
	t.Run("500", func(t *testing.T) {
		r := newSocket(t, nil, nil)
		r.fake.FailOpen(2, http.StatusInternalServerError, 0, "")
		if err := r.fake.Drop(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the state to say so", func() bool { return r.ad.State() != "connected" })
		if got := r.answered(t, "U1"); !strings.Contains(got, "CodeDeploy") {
			t.Fatalf("after two 500s: %.200s", got)
		}
		waitFor(t, "connected", func() bool { return r.ad.State() == "connected" })
	})
	t.Run("invalid_auth", func(t *testing.T) {
		r := newSocket(t, nil, nil)
		r.fake.FailOpen(100, 0, 0, "invalid_auth")
		if err := r.fake.Drop(); err != nil {
			t.Fatal(err)
		}
		var err error
		select {
		case err = <-r.done:
		case <-time.After(10 * time.Second):
			t.Fatal("RunSocket did not end on invalid_auth")
		}
		r.done <- err
		if !errors.Is(err, studyslack.ErrFatal) {
			t.Errorf("RunSocket: %v, want ErrFatal", err)
		}
		if st := r.ad.State(); st != "failed" {
			t.Errorf("state %q, want failed", st)
		}
	})
}

// TestSocketModeEnvelopeAbuse: envelopes no Slack sends, redeliveries
// and one past the cap: nothing crashes, redeliveries run once, and the
// bot answers after each.
func TestSocketModeEnvelopeAbuse(t *testing.T) {
	r := newSocket(t, func(c *studyslack.Config) { c.MaxEnvelope = 256 << 10 }, nil)
	r.answered(t, "WARM")
	base := goroutines()

	cmd := r.fake.SlashCommand("T0001", "C1", "U1", "memo", "CodeDeploy")
	first, err := r.fake.Send("slash_commands", cmd)
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := r.fake.WaitAck(first, 3*time.Second)
	if !ok || !strings.Contains(string(raw), "CodeDeploy") {
		t.Fatalf("first delivery: %s", raw)
	}
	again, err := r.fake.Redeliver("slash_commands", cmd, 1)
	if err != nil {
		t.Fatal(err)
	}
	if raw, ok := r.fake.WaitAck(again, 3*time.Second); !ok || strings.Contains(string(raw), "CodeDeploy") {
		t.Errorf("redelivery (retry_attempt 1): acked %v with %.100s; want acked, without the reply", ok, raw)
	}

	click := r.fake.BlockAction("T0001", "C1", "U1", "sb1:a:x:y", "1700000000.000001")
	for k := 0; k < 3; k++ {
		id, err := r.fake.Redeliver("interactive", click, k)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := r.fake.WaitAck(id, 3*time.Second); !ok {
			t.Errorf("click delivery %d not acked", k)
		}
	}
	if n := r.clicks.Load(); n != 1 {
		t.Errorf("a click delivered three times ran %d times", n)
	}

	for _, tc := range []struct {
		name string
		send func() error
	}{
		{"no envelope_id", func() error {
			return r.fake.SendRaw(map[string]any{"type": "slash_commands", "payload": slackfake.SlashCommand("T0001", "C1", "U3", "memo", "x")})
		}},
		{"null envelope", func() error { return r.fake.SendFrame([]byte("null")) }},
		{"not JSON", func() error { return r.fake.SendFrame([]byte("{")) }},
		{"an array", func() error { return r.fake.SendFrame([]byte("[1,2]")) }},
		{"an empty frame", func() error { return r.fake.SendFrame(nil) }},
		{"a second hello", func() error { return r.fake.SendRaw(map[string]any{"type": "hello"}) }},
		{"envelope_id of the wrong type", func() error {
			return r.fake.SendRaw(map[string]any{"envelope_id": 5, "type": "slash_commands", "payload": map[string]any{}})
		}},
		{"payload of the wrong type", func() error {
			return r.fake.SendRaw(map[string]any{"envelope_id": "e", "type": "interactive", "payload": 7})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.send(); err != nil {
				t.Fatal(err)
			}
			if got := r.answered(t, "U2"); !strings.Contains(got, "CodeDeploy") {
				t.Errorf("a command after it: %.200s", got)
			}
		})
	}

	t.Run("past the envelope cap", func(t *testing.T) {
		at := r.fake.Attempts()
		big := slackfake.SlashCommand("T0001", "C1", "U4", "memo", strings.Repeat("x", 1<<20))
		r.fake.Send("slash_commands", big) // the client may hang up mid-write
		waitFor(t, "the connection replaced", func() bool { return r.fake.Attempts() > at })
		if got := r.answered(t, "U2"); !strings.Contains(got, "CodeDeploy") {
			t.Errorf("a command after it: %.200s", got)
		}
	})
	settle(t, base, 4)
}

// TestSocketModeAcksWhileDown: commands answered while the socket is down
// and apps.connections.open keeps failing: their acknowledgements give up
// after AckTimeout, Close returns and goroutines settle.
func TestSocketModeAcksWhileDown(t *testing.T) {
	hold := make(chan struct{})
	r := newSocket(t, nil, hold)
	base := goroutines()
	const n = 40 // more than slack-go's queue of 20 responses
	for k := 0; k < n; k++ {
		if _, err := r.fake.Send("slash_commands", slackfake.SlashCommand("T0001", "C1", fmt.Sprintf("U%d", k), "memo", "CodeDeploy")); err != nil {
			t.Fatal(err)
		}
	}
	r.fake.FailOpen(1<<20, http.StatusInternalServerError, 0, "")
	if err := r.fake.Drop(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the drop seen", func() bool { return r.ad.State() != "connected" })
	close(hold)
	closed := make(chan error, 1)
	go func() { closed <- r.ad.Close() }()
	select {
	case <-closed:
	case <-time.After(2 * studyslack.AckTimeout):
		t.Fatal("Close hangs on acknowledgements no connection will send")
	}
	settle(t, base, 8)
}
