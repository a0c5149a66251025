package slack

import (
	"context"
	"github.com/studybot/studybot/bot/pace"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack/socketmode"
)

// Socket Mode reconnection. slack-go backs off only while
// apps.connections.open or the dial fails: a socket that opens and then
// drops (a flaky network, a proxy that kills websockets, repeated
// disconnect messages) is reopened at once, every time, calling
// apps.connections.open (a Tier 1 method) in a tight loop. The adapter
// gates apps.connections.open in its HTTP client: a call within
// StableAfter of the previous one waits a jittered exponential backoff
// (ReconnectMin doubling to ReconnectMax); one after a connection that
// held for StableAfter goes at once. slack-go's own backoff and Slack's
// Retry-After still apply on top.
//
// Acknowledgements go through a queue that only a live connection drains:
// they wait at most AckTimeout (Slack wants them within 3 s anyway) and
// end with the adapter, so a reconnection that never comes cannot hold
// Close or grow goroutines.

// Socket Mode defaults (Config fields of the same names).
const (
	DefaultReconnectMin = time.Second
	DefaultReconnectMax = 2 * time.Minute
	DefaultStableAfter  = time.Minute
	// DefaultMaxEnvelope caps one Socket Mode message: Slack's envelopes
	// are a few KB to a few hundred KB; a bigger one closes the
	// connection (slack-go reconnects) instead of taking the memory.
	DefaultMaxEnvelope = 4 << 20
	// AckTimeout bounds one acknowledgement's wait for the connection.
	AckTimeout = 3 * time.Second
)

// socketDefaults fills the Socket Mode settings left zero.
func (c *Config) socketDefaults() {
	if c.ReconnectMin <= 0 {
		c.ReconnectMin = DefaultReconnectMin
	}
	if c.ReconnectMax < c.ReconnectMin {
		c.ReconnectMax = max(DefaultReconnectMax, c.ReconnectMin)
	}
	if c.StableAfter <= 0 {
		c.StableAfter = DefaultStableAfter
	}
	if c.MaxEnvelope <= 0 {
		c.MaxEnvelope = DefaultMaxEnvelope
	}
	if c.After == nil {
		c.After = time.After
	}
	if c.Jitter == nil {
		c.Jitter = func(d time.Duration) time.Duration { return d/2 + rand.N(d/2+1) }
	}
}

// doer is slack-go's HTTP client.
type doer interface {
	Do(*http.Request) (*http.Response, error)
}

// openGate is the adapter's HTTP client for the Web API: it passes every
// call on, holding apps.connections.open back by the backoff.
type openGate struct {
	next        doer
	backoff     pace.Backoff // guarded by mu
	stable      time.Duration
	after       func(time.Duration) <-chan time.Time
	wall        func() time.Time // when calls happen (the wall clock: real intervals)
	mu          sync.Mutex
	last        time.Time // the previous apps.connections.open
	waits       atomic.Int64
	totalWaited atomic.Int64 // nanoseconds
}

func newOpenGate(cfg Config, next doer) *openGate {
	return &openGate{next: next, backoff: pace.Backoff{Min: cfg.ReconnectMin, Max: cfg.ReconnectMax, Jitter: cfg.Jitter},
		stable: cfg.StableAfter, after: cfg.After, wall: time.Now}
}

// Do implements slack-go's HTTP client.
func (g *openGate) Do(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/apps.connections.open") {
		if err := g.wait(req.Context()); err != nil {
			return nil, err
		}
	}
	return g.next.Do(req)
}

// delay returns how long this apps.connections.open waits.
func (g *openGate) delay() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.wall()
	if g.last.IsZero() || now.Sub(g.last) >= g.stable {
		g.backoff.Reset()
		g.last = now
		return 0
	}
	d := g.backoff.Next()
	g.last = now.Add(d)
	return d
}

// wait holds an apps.connections.open back by the backoff.
func (g *openGate) wait(ctx context.Context) error {
	d := g.delay()
	if d <= 0 {
		return nil
	}
	g.waits.Add(1)
	g.totalWaited.Add(int64(d))
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-g.after(d):
	}
	g.mu.Lock()
	g.last = g.wall()
	g.mu.Unlock()
	return nil
}

// Reconnects returns how many times apps.connections.open was held back
// by the backoff.
func (a *Adapter) Reconnects() int64 {
	if a.gate == nil {
		return 0
	}
	return a.gate.waits.Load()
}

// ack acknowledges an envelope, waiting at most AckTimeout for the
// connection and not past Close.
func (a *Adapter) ack(sm *socketmode.Client, req socketmode.Request, payload any) error {
	ctx, cancel := context.WithTimeout(a.ctx, AckTimeout)
	defer cancel()
	return sm.AckCtx(ctx, req.EnvelopeID, payload)
}
