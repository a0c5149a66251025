package discord_test

// The gateway under abuse (issue 21), with the real discordgo client
// against discordfake. Cases tried:
//   - malformed dispatches: INTERACTION_CREATE null, a number, a string,
//     wrong-typed fields (type "x", member "x"), a command without data or
//     with null data, a click with command data, no user, no ID, an unknown
//     custom_id, 20,000 options, a 1 MiB option value, options of the
//     wrong types, GUILD_DELETE null, GUILD_CREATE with a numeric ID,
//     READY null, a frame that is not JSON, unknown opcodes and events;
//   - a replayed interaction ID (the same interaction delivered twice);
//   - a flood of interactions with a stuck core (bounded in flight);
//   - reconnect storms: sessions closed with 4000, 4007 and 4009 right
//     after READY/RESUMED, RECONNECT (op 7), INVALID_SESSION (op 9) with
//     d=false and d=true, 4004 "Authentication failed" (fatal: Run ends);
//   - a gateway that drops mid-RESUME, one that goes silent mid-RESUME
//     (handshake deadline; Close does not hang), an interaction missed
//     while away and replayed on RESUME;
//   - at start, 401 on the gateway URL (Run ends) and 500 (retried);
//   - heartbeats never ACKed (a zombie connection): State reports it and
//     the connection is replaced.
// Every case checks that the process survives, that an interaction is
// answered at most once (discordfake flags a second answer), and the
// storms that goroutines settle back to their baseline.
// Left: GUILD_CREATE and GUILD_UPDATE with a null payload still panic
// inside discordgo's read loop (event.go setGuildIds), before any
// handler of ours runs.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studydiscord "github.com/studybot/studybot/bot/discord"
	"github.com/studybot/studybot/bot/discord/discordfake"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// gwRig is a gateway-only adapter over discordfake, its Run in the
// background.
type gwRig struct {
	fake  *discordfake.Server
	ad    *studydiscord.Adapter
	waits *waits
	done  chan error
	stop  context.CancelFunc
}

// waits records the adapter's reconnection waits and returns at once
// (the injected After): the test sees the backoff without waiting it.
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

// gateCore holds commands until open is closed.
type gateCore struct {
	*bot.Bot
	open chan struct{}
}

func (c *gateCore) HandleCommand(ctx context.Context, cmd bot.Command) bot.Response {
	select {
	case <-c.open:
	case <-ctx.Done():
	}
	return c.Bot.HandleCommand(ctx, cmd)
}

// gwCore is what the adapter needs of the core.
type gwCore interface {
	HandleCommand(context.Context, bot.Command) bot.Response
	HandleClick(context.Context, bot.Click) bot.Response
	Bank() *questions.Bank
}

// newGateway starts an adapter on fake with set's settings (wrap, if
// set, replaces the core) and waits for its first READY.
func newGateway(t testing.TB, fake *discordfake.Server, set func(*studydiscord.Config), wrap func(*bot.Bot) gwCore) *gwRig {
	t.Helper()
	clock := bottest.NewClock(tuesday09.Add(-time.Hour))
	db, err := store.Open(filepath.Join(t.TempDir(), "d.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var core gwCore = b
	if wrap != nil {
		core = wrap(b)
	}
	w := &waits{}
	cfg := studydiscord.Config{Token: "fake-token", AppID: "APP", GuildID: "G1", HTTPClient: fake.Client(), PostEvery: time.Millisecond,
		After: w.after, Jitter: func(d time.Duration) time.Duration { return d }, ReconnectMin: 100 * time.Millisecond, ReconnectMax: time.Second}
	if set != nil {
		set(&cfg)
	}
	ad, err := studydiscord.New(cfg, core)
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(ad)
	ctx, cancel := context.WithCancel(context.Background())
	r := &gwRig{fake: fake, ad: ad, waits: w, done: make(chan error, 1), stop: cancel}
	go func() { r.done <- ad.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-r.done
		ad.Close()
		b.Close()
		db.Close()
	})
	bottest.WaitFor(t, "READY", func() bool { return fake.Ready() && ad.State() == "connected" })
	return r
}

// answered sends a command over the gateway and returns its callback.
func (r *gwRig) answered(t testing.TB, user string) string {
	t.Helper()
	i := discordfake.Command("G1", "C1", user, 0, "memo", map[string]any{"query": "CodeDeploy"})
	// On a live connection: one sent meanwhile waits for a RESUME, and a
	// new session (after INVALID_SESSION) never gets it.
	waitLong(t, "a gateway connection for the command", r.fake.Ready)
	if err := r.fake.Interact(i); err != nil {
		t.Fatal(err)
	}
	id := i["id"].(string)
	var got string
	waitLong(t, "the answer to "+id, func() bool {
		cs := r.fake.Calls(http.MethodPost, "/api/v9/interactions/"+id+"/")
		if len(cs) > 0 {
			b, _ := json.Marshal(cs[0].Body)
			got = string(b)
		}
		return got != ""
	})
	return got
}

// waitLong is waitFor with room for a reconnect storm: discordgo spends
// a second closing each connection.
func waitLong(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
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

func TestGatewayMalformedDispatches(t *testing.T) {
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.Verify(t)
	r := newGateway(t, fake, nil, nil)
	r.answered(t, "WARM")
	base := goroutines()

	cmd := func(mut func(map[string]any)) map[string]any {
		i := discordfake.Command("G1", "C1", "U1", 0, "memo", map[string]any{"query": "CodeDeploy"})
		mut(i)
		return i
	}
	many := make([]any, 20000)
	for k := range many {
		many[k] = map[string]any{"name": fmt.Sprintf("o%d", k), "type": 3, "value": "x"}
	}
	for _, tc := range []struct {
		name      string
		t         string
		d         any
		malformed bool // dropped as malformed (counted)
	}{
		{"interaction null", "INTERACTION_CREATE", json.RawMessage("null"), true},
		{"interaction a number", "INTERACTION_CREATE", json.RawMessage("5"), true},
		{"interaction a string", "INTERACTION_CREATE", "x", true},
		{"type of the wrong type", "INTERACTION_CREATE", cmd(func(i map[string]any) { i["type"] = "x" }), true},
		{"member of the wrong type", "INTERACTION_CREATE", cmd(func(i map[string]any) { i["member"] = "x" }), true},
		{"command without data", "INTERACTION_CREATE", cmd(func(i map[string]any) { delete(i, "data") }), true},
		{"command with null data", "INTERACTION_CREATE", cmd(func(i map[string]any) { i["data"] = nil }), false},
		{"click with command data", "INTERACTION_CREATE", cmd(func(i map[string]any) { i["type"] = 3 }), false},
		{"no user", "INTERACTION_CREATE", cmd(func(i map[string]any) { delete(i, "member") }), true},
		{"no ID", "INTERACTION_CREATE", cmd(func(i map[string]any) { delete(i, "id") }), true},
		{"unknown custom_id", "INTERACTION_CREATE", discordfake.Click("G1", "C1", "U1", "no:such:button", "M1"), false},
		{"20,000 options", "INTERACTION_CREATE", cmd(func(i map[string]any) { i["data"].(map[string]any)["options"] = many }), false},
		{"a 1 MiB option", "INTERACTION_CREATE", cmd(func(i map[string]any) {
			i["data"].(map[string]any)["options"] = []any{map[string]any{"name": "query", "type": 3, "value": strings.Repeat("あ", 1<<18)}}
		}), false},
		{"options of the wrong types", "INTERACTION_CREATE", cmd(func(i map[string]any) {
			i["data"].(map[string]any)["options"] = []any{nil, 3, map[string]any{"name": "query", "value": map[string]any{"x": 1}}}
		}), true},
		{"GUILD_DELETE null", "GUILD_DELETE", json.RawMessage("null"), false},
		{"GUILD_CREATE with a numeric ID", "GUILD_CREATE", map[string]any{"id": 5}, false},
		{"READY null", "READY", json.RawMessage("null"), false},
		{"unknown event", "NO_SUCH_EVENT", map[string]any{"x": 1}, false},
		{"unknown interaction type", "INTERACTION_CREATE", cmd(func(i map[string]any) { i["type"] = 99 }), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := r.ad.Malformed()
			if err := fake.Dispatch(tc.t, tc.d); err != nil {
				t.Fatal(err)
			}
			if tc.malformed {
				waitFor(t, "the interaction dropped as malformed", func() bool { return r.ad.Malformed() > before })
			}
			// Still serving: a well-formed command is answered.
			if got := r.answered(t, "U2"); !strings.Contains(got, "CodeDeploy") {
				t.Errorf("a command after it: %.200s", got)
			}
		})
	}
	for _, frame := range []string{"{", `{"op":42,"d":{}}`, `{"op":0,"t":"INTERACTION_CREATE","s":"x","d":{}}`} {
		if err := fake.SendRaw([]byte(frame)); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.answered(t, "U3"); !strings.Contains(got, "CodeDeploy") {
		t.Errorf("a command after raw frames: %.200s", got)
	}
	settle(t, base, 4)
}

// TestGatewayReplayedInteraction: the same interaction delivered twice is
// answered once (discordfake would flag a second answer).
func TestGatewayReplayedInteraction(t *testing.T) {
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.Verify(t)
	r := newGateway(t, fake, nil, nil)
	for _, i := range []map[string]any{
		discordfake.Command("G1", "C1", "U1", 0, "memo", map[string]any{"query": "CodeDeploy"}),
		discordfake.Click("G1", "C1", "U1", "no:such:button", "M1"),
	} {
		before := r.ad.Duplicates()
		for k := 0; k < 3; k++ {
			if err := fake.Interact(i); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, "two redeliveries dropped", func() bool { return r.ad.Duplicates() == before+2 })
		id := i["id"].(string)
		waitFor(t, "the answer", func() bool { return fake.Callbacks(id) > 0 })
		if n := fake.Callbacks(id); n != 1 {
			t.Errorf("interaction %s answered %d times", id, n)
		}
	}
}

// TestGatewayFlood: with the core stuck, a flood of interactions keeps at
// most MaxInFlight in flight; the excess is dropped unanswered, and once
// the core moves the admitted ones are answered and goroutines settle.
func TestGatewayFlood(t *testing.T) {
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.Verify(t)
	gate := make(chan struct{})
	const max, flood = 8, 400
	r := newGateway(t, fake, func(c *studydiscord.Config) { c.MaxInFlight = max; c.Deadline = 5 * time.Second },
		func(b *bot.Bot) gwCore { return &gateCore{Bot: b, open: gate} })
	base := goroutines()
	ids := make([]string, flood)
	for k := range ids {
		i := discordfake.Command("G1", "C1", fmt.Sprintf("U%d", k), 0, "memo", map[string]any{"query": "CodeDeploy"})
		ids[k] = i["id"].(string)
		if err := fake.Interact(i); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the excess shed", func() bool { return r.ad.Shed() == flood-max })
	if n := runtime.NumGoroutine(); n > base+4*max+20 {
		t.Errorf("%d goroutines during the flood, baseline %d", n, base)
	}
	close(gate)
	waitFor(t, "the admitted answered", func() bool {
		n := 0
		for _, id := range ids {
			n += fake.Callbacks(id)
		}
		return n == max
	})
	settle(t, base, 4)
}

// TestGatewayReconnectStorm: sessions closed right after READY/RESUMED
// (4000, 4007, 4009), RECONNECT and INVALID_SESSION: the adapter
// reconnects with a backoff that grows across the storm (a connection that
// drops at once does not reset it), answers afterwards, and its goroutines
// settle.
func TestGatewayReconnectStorm(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cause func(f *discordfake.Server) error
		storm int // sessions closed after the first drop
		code  int
	}{
		{"4000 storm", func(f *discordfake.Server) error { return f.Kick(4000, "Unknown error") }, 3, 4000},
		{"4007 invalid seq", func(f *discordfake.Server) error { return f.Kick(4007, "Invalid seq") }, 1, 4007},
		{"4009 session timed out", func(f *discordfake.Server) error { return f.Kick(4009, "Session timed out") }, 1, 4009},
		{"op 7 reconnect", func(f *discordfake.Server) error { return f.SendOp(7, nil) }, 0, 0},
		{"op 9 not resumable", func(f *discordfake.Server) error { return f.SendOp(9, false) }, 0, 0},
		{"op 9 resumable", func(f *discordfake.Server) error { return f.SendOp(9, true) }, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := discordfake.New()
			t.Cleanup(fake.Close)
			fake.Verify(t)
			r := newGateway(t, fake, nil, nil)
			r.answered(t, "WARM")
			base := goroutines()
			attempts := fake.Attempts()
			sessions := fake.Identifies() + fake.Resumes()
			fake.Storm(tc.storm, tc.code)
			if err := tc.cause(fake); err != nil {
				t.Fatal(err)
			}
			waitLong(t, "the storm over", func() bool { return fake.Attempts()-attempts >= tc.storm+1 || tc.storm+tc.code == 0 })
			if got := r.answered(t, "U1"); !strings.Contains(got, "CodeDeploy") {
				t.Fatalf("after the storm: %.200s", got)
			}
			if tc.cause != nil && tc.storm == 0 && strings.HasPrefix(tc.name, "op 9") {
				// INVALID_SESSION is answered on the same connection.
				if n := fake.Identifies() + fake.Resumes(); n <= sessions {
					t.Errorf("no new session after op 9")
				}
				return
			}
			waitFor(t, "connected again", func() bool { return r.ad.State() == "connected" })
			// No connection without its backoff wait.
			w := r.waits.list()
			if got := fake.Attempts() - attempts; got > len(w) || got < tc.storm+1 {
				t.Errorf("%d connections and %d waits, want at least %d connections, each after a wait", got, len(w), tc.storm+1)
			}
			for k := range w {
				if want := 100 * time.Millisecond << k; w[k] != min(want, time.Second) {
					t.Errorf("wait %d = %v, want %v (waits %v)", k, w[k], want, w)
				}
			}
			settle(t, base, 4)
		})
	}
}

// TestGatewayFatalClose: a gateway that refuses the bot for good (4004
// "Authentication failed") ends Run with the code and State says failed;
// a flaky one (4000 on every session for a while) does not.
func TestGatewayFatalClose(t *testing.T) {
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	r := newGateway(t, fake, nil, nil)
	fake.RefuseSessions(100, 4004)
	if err := fake.Kick(4000, "Unknown error"); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-r.done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end on 4004")
	}
	r.done <- err // for the cleanup
	if err == nil || !strings.Contains(err.Error(), "4004") {
		t.Errorf("Run: %v, want the 4004", err)
	}
	if st := r.ad.State(); st != "failed" {
		t.Errorf("state %q, want failed", st)
	}
	if n := fake.Attempts(); n != 2 {
		t.Errorf("%d connections, want 2 (no retry after 4004)", n)
	}
}

// TestGatewayStartFailures: at start, a refused token (401 on the
// gateway URL) ends Run at once with State failed; an outage (500) is
// retried with backoff until the gateway is back.
func TestGatewayStartFailures(t *testing.T) {
	t.Run("401", func(t *testing.T) {
		fake := discordfake.New()
		t.Cleanup(fake.Close)
		fake.FailGateway(100, http.StatusUnauthorized)
		ad, err := studydiscord.New(studydiscord.Config{Token: "bad", AppID: "APP", HTTPClient: fake.Client(), After: (&waits{}).after}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ad.Close()
		if err := ad.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("Run: %v, want the 401", err)
		}
		if st := ad.State(); st != "failed" {
			t.Errorf("state %q", st)
		}
	})
	t.Run("500 twice", func(t *testing.T) {
		fake := discordfake.New()
		t.Cleanup(fake.Close)
		fake.Verify(t)
		fake.FailGateway(2, http.StatusInternalServerError)
		r := newGateway(t, fake, nil, nil)
		if w := r.waits.list(); len(w) != 2 || w[1] != 2*w[0] {
			t.Errorf("waits %v, want two, doubling", w)
		}
		if got := r.answered(t, "U1"); !strings.Contains(got, "CodeDeploy") {
			t.Errorf("after the outage: %.200s", got)
		}
	})
}

// TestGatewayResumeFaults: a gateway that drops mid-RESUME (twice) and one
// that goes silent mid-RESUME (past the handshake deadline): the adapter
// retries with backoff and answers afterwards; Close does not hang on a
// silent handshake.
func TestGatewayResumeFaults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(f *discordfake.Server)
		fails int
	}{
		{"dropped twice", func(f *discordfake.Server) { f.DropResumes(2) }, 2},
		{"silent once", func(f *discordfake.Server) { f.StallResumes(1) }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := discordfake.New()
			t.Cleanup(fake.Close)
			fake.Verify(t)
			r := newGateway(t, fake, func(c *studydiscord.Config) { c.HandshakeTimeout = 300 * time.Millisecond }, nil)
			r.answered(t, "WARM")
			tc.fault(fake)
			if err := fake.Kick(4000, "Unknown error"); err != nil {
				t.Fatal(err)
			}
			if got := r.answered(t, "U1"); !strings.Contains(got, "CodeDeploy") {
				t.Fatalf("after the resume faults: %.200s", got)
			}
			if n := fake.Resumes(); n != 1 {
				t.Errorf("%d RESUMEs answered, want 1", n)
			}
			if w := r.waits.list(); len(w) != tc.fails+1 {
				t.Errorf("waits %v, want %d", w, tc.fails+1)
			}
		})
	}
	t.Run("close during a silent handshake", func(t *testing.T) {
		fake := discordfake.New()
		t.Cleanup(fake.Close)
		r := newGateway(t, fake, func(c *studydiscord.Config) { c.HandshakeTimeout = time.Hour }, nil)
		fake.StallResumes(1)
		at := fake.Attempts()
		if err := fake.Kick(4000, "Unknown error"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the reconnection", func() bool { return fake.Attempts() > at })
		closed := make(chan error, 1)
		go func() { closed <- r.ad.Close() }()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatal("Close hangs on a silent handshake")
		}
	})
}

// TestGatewayResumeReplaysMissed: an interaction dispatched while the
// bot is away is replayed on RESUME (as Discord does) and answered once;
// the one answered before the drop is not answered again.
func TestGatewayResumeReplaysMissed(t *testing.T) {
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.Verify(t)
	r := newGateway(t, fake, nil, nil)
	r.answered(t, "WARM")
	resumes := fake.Resumes()
	if err := fake.Kick(4000, "Unknown error"); err != nil {
		t.Fatal(err)
	}
	i := discordfake.Command("G1", "C1", "U1", 0, "memo", map[string]any{"query": "CodeDeploy"})
	if err := fake.Interact(i); err != nil {
		t.Fatal(err)
	}
	id := i["id"].(string)
	waitLong(t, "the missed interaction answered", func() bool { return fake.Callbacks(id) > 0 })
	if n := fake.Callbacks(id); n != 1 || fake.Resumes() != resumes+1 {
		t.Errorf("answered %d times over %d RESUMEs, want once over one", n, fake.Resumes()-resumes)
	}
}

// TestGatewayZombie: heartbeats never ACKed: State stops saying connected
// within ZombieAfter (so /readyz sees it), the connection is replaced, and
// with ACKs back the adapter is connected and answers.
func TestGatewayZombie(t *testing.T) {
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.Verify(t)
	fake.SetHeartbeat(100, false)
	r := newGateway(t, fake, func(c *studydiscord.Config) { c.ZombieAfter = 250 * time.Millisecond }, nil)
	waitFor(t, "the zombie reported", func() bool { return r.ad.State() != "connected" })
	at := fake.Attempts()
	waitFor(t, "the zombie replaced", func() bool { return fake.Attempts() > at })
	fake.SetHeartbeat(100, true)
	waitFor(t, "a live connection", func() bool {
		return fake.Attempts() > at+1 || r.ad.State() == "connected"
	})
	if got := r.answered(t, "U1"); !strings.Contains(got, "CodeDeploy") {
		t.Fatalf("after the zombie: %.200s", got)
	}
	waitFor(t, "connected", func() bool { return r.ad.State() == "connected" })
}

var _ = errors.New
