package slackfake

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Limits are the rate limits the fake enforces, as Slack does: on
// chat.postMessage about one message a second per channel with short
// bursts allowed, and a workspace-wide cap; on chat.update its tier, Tier
// 3 ("50+ per minute" per app and workspace, "sporadic bursts are
// welcome"). A call over a limit gets 429 with Retry-After (whole
// seconds) and {"ok":false,"error":"ratelimited"}.
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
	// UpdatesPerMinute is chat.update's sustained rate across the
	// workspace (50, Tier 3's figure); 0 turns it off.
	UpdatesPerMinute float64
	// UpdateBurst is how many updates the workspace takes at once after a
	// quiet spell (10).
	UpdateBurst int
}

// DefaultLimits are the limits a new fake enforces.
var DefaultLimits = Limits{ChannelEvery: time.Second, ChannelBurst: 3, WorkspaceRate: 10, WorkspaceBurst: 10,
	UpdatesPerMinute: 50, UpdateBurst: 10}

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
	upd      time.Time // chat.update's theoretical arrival time
	updRef   int       // updates refused
	updated  int       // updates let through
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

// UpdatesRateLimited returns how many chat.update calls the limits
// refused with a 429 (not counting the ones RateLimit forced).
func (s *Server) UpdatesRateLimited() int {
	s.rl.mu.Lock()
	defer s.rl.mu.Unlock()
	return s.rl.updRef
}

// Updated returns how many chat.update calls the limits let through.
func (s *Server) Updated() int {
	s.rl.mu.Lock()
	defer s.rl.mu.Unlock()
	return s.rl.updated
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
		refuse(w, wait)
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

// admitUpdate applies chat.update's limit and, when it refuses the call,
// answers 429 and reports false.
func (s *Server) admitUpdate(w http.ResponseWriter) bool {
	l := s.rl
	l.mu.Lock()
	r := l.limits.UpdatesPerMinute
	if r <= 0 {
		l.updated++
		l.mu.Unlock()
		return true
	}
	wait, tat := gcra(l.upd, l.now(), time.Duration(float64(time.Minute)/r), l.limits.UpdateBurst)
	if wait > 0 {
		l.updRef++
		l.mu.Unlock()
		refuse(w, wait)
		return false
	}
	l.upd = tat
	l.updated++
	l.mu.Unlock()
	return true
}

// refuse answers a call over a limit: 429, Retry-After in whole seconds
// (at least 1), ratelimited.
func refuse(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(int(math.Ceil(wait.Seconds())), 1)))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
}
