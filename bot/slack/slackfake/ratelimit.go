package slackfake

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Limits are the rate limits the fake enforces on chat.postMessage, as
// Slack does: about one message a second per channel with short bursts
// allowed, and a workspace-wide cap. A post over either gets 429 with
// Retry-After (whole seconds) and {"ok":false,"error":"ratelimited"}.
type Limits struct {
	// ChannelEvery is the sustained spacing of posts in one channel (1s);
	// 0 turns the channel limit off.
	ChannelEvery time.Duration
	// ChannelBurst is how many posts a quiet channel takes at once (3).
	ChannelBurst int
	// WorkspaceRate is the cap in posts a second across the workspace
	// (10, i.e. 600 a minute: Slack says "several hundred messages per
	// minute"); 0 turns it off.
	WorkspaceRate float64
	// WorkspaceBurst is how many posts the workspace takes at once (10).
	WorkspaceBurst int
}

// DefaultLimits are the limits a new fake enforces.
var DefaultLimits = Limits{ChannelEvery: time.Second, ChannelBurst: 3, WorkspaceRate: 10, WorkspaceBurst: 10}

// limiter is the fake's rate limit state (guarded by its own lock).
type limiter struct {
	mu       sync.Mutex
	limits   Limits
	now      func() time.Time
	latency  time.Duration
	channels map[string]time.Time // channel → theoretical arrival time (GCRA)
	ws       time.Time
	refused  int
	posted   int
}

func newLimiter() *limiter {
	return &limiter{limits: DefaultLimits, now: time.Now, channels: map[string]time.Time{}}
}

// SetLimits replaces the limits the fake enforces (Limits{} turns them off).
func (s *Server) SetLimits(l Limits) {
	s.rl.mu.Lock()
	s.rl.limits = l
	s.rl.mu.Unlock()
}

// SetClock makes the fake judge rate limits on now (default time.Now).
func (s *Server) SetClock(now func() time.Time) {
	s.rl.mu.Lock()
	s.rl.now = now
	s.rl.mu.Unlock()
}

// SetLatency makes every Web API call take d more before it is answered:
// a simulated round trip to Slack.
func (s *Server) SetLatency(d time.Duration) {
	s.rl.mu.Lock()
	s.rl.latency = d
	s.rl.mu.Unlock()
}

// RateLimited returns how many posts the limits refused with a 429 (not
// counting the ones RateLimit forced).
func (s *Server) RateLimited() int {
	s.rl.mu.Lock()
	defer s.rl.mu.Unlock()
	return s.rl.refused
}

// Posted returns how many chat.postMessage calls the limits let through.
func (s *Server) Posted() int {
	s.rl.mu.Lock()
	defer s.rl.mu.Unlock()
	return s.rl.posted
}

// delay waits out the simulated round trip (or the request's end).
func (s *Server) delay(r *http.Request) {
	s.rl.mu.Lock()
	d := s.rl.latency
	s.rl.mu.Unlock()
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// gcra reports when a call may go on a bucket with theoretical arrival
// time tat, spacing every and burst, as of now: zero and the new tat when
// it may go now, else the wait.
func gcra(tat, now time.Time, every time.Duration, burst int) (time.Duration, time.Time) {
	if tat.Before(now) {
		tat = now
	}
	tau := time.Duration(max(burst, 1)-1) * every
	if wait := tat.Add(-tau).Sub(now); wait > 0 {
		return wait, tat
	}
	return 0, tat.Add(every)
}

// admitPost applies the limits to a chat.postMessage in channel and, when
// they refuse it, answers 429 and reports false.
func (s *Server) admitPost(w http.ResponseWriter, channel string) bool {
	l := s.rl
	l.mu.Lock()
	now := l.now()
	var wait time.Duration
	var chTat, wsTat time.Time
	if e := l.limits.ChannelEvery; e > 0 {
		var d time.Duration
		d, chTat = gcra(l.channels[channel], now, e, l.limits.ChannelBurst)
		wait = max(wait, d)
	}
	if r := l.limits.WorkspaceRate; r > 0 {
		var d time.Duration
		d, wsTat = gcra(l.ws, now, time.Duration(float64(time.Second)/r), l.limits.WorkspaceBurst)
		wait = max(wait, d)
	}
	if wait > 0 {
		l.refused++
		l.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
		return false
	}
	if l.limits.ChannelEvery > 0 {
		l.channels[channel] = chTat
	}
	if l.limits.WorkspaceRate > 0 {
		l.ws = wsTat
	}
	l.posted++
	l.mu.Unlock()
	return true
}
