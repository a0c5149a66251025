package discordfake

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits are the rate limits the fake enforces, as Discord does: a global
// limit on the bot's requests (interaction responses and follow-ups
// exempt), and a bucket per route and major parameter (the channel or
// guild) whose state every response reports in X-RateLimit-Limit,
// -Remaining, -Reset, -Reset-After and -Bucket. A request over a route's
// bucket gets 429 with X-RateLimit-Scope: user and {"retry_after": s,
// "global": false}; one over the global limit gets 429 with
// X-RateLimit-Global: true, X-RateLimit-Scope: global and "global": true.
type Limits struct {
	// Global is the bot's requests a second (50); 0 turns it off.
	Global int
	// Messages is how many messages may be created or edited in a channel
	// per MessageWindow (5 per 5s).
	Messages      int
	MessageWindow time.Duration
	// Other is how many requests any other route takes per OtherWindow
	// (50 per second).
	Other       int
	OtherWindow time.Duration
}

// DefaultLimits are the limits a new fake enforces.
var DefaultLimits = Limits{Global: 50, Messages: 5, MessageWindow: 5 * time.Second, Other: 50, OtherWindow: time.Second}

// limiter is the fake's rate limit state.
type limiter struct {
	mu      sync.Mutex
	limits  Limits
	now     func() time.Time
	latency time.Duration
	global  time.Time          // theoretical arrival time of the global bucket (GCRA)
	windows map[string]*window // bucket hash + major parameter → its window
	refused map[string]int     // "route" or "global" → 429s answered
}

// window is one route bucket's current window.
type window struct {
	reset time.Time
	used  int
}

func newLimiter() *limiter {
	return &limiter{limits: DefaultLimits, now: time.Now, windows: map[string]*window{}, refused: map[string]int{}}
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

// SetLatency makes every REST request take d more before it is answered:
// a simulated round trip to Discord.
func (s *Server) SetLatency(d time.Duration) {
	s.rl.mu.Lock()
	s.rl.latency = d
	s.rl.mu.Unlock()
}

// RateLimited returns how many requests the limits refused: scope "route"
// or "global" (not counting the ones RateLimit forced).
func (s *Server) RateLimited(scope string) int {
	s.rl.mu.Lock()
	defer s.rl.mu.Unlock()
	return s.rl.refused[scope]
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

// bucketOf names the route bucket of a request: its hash (shared by the
// routes Discord groups) and its major parameter.
func bucketOf(method, path string) (hash, major string, messages bool) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(path, "/api/v9"), "/"), "/")
	for i, p := range parts {
		// the ID after channels/ or guilds/ is the major parameter whatever
		// it looks like (tests name channels "C1"; Discord's are snowflakes)
		isMajor := i > 0 && (parts[i-1] == "channels" || parts[i-1] == "guilds")
		if isMajor || p != "" && p[0] >= '0' && p[0] <= '9' || i >= 2 && (parts[0] == "interactions" || parts[0] == "webhooks") {
			if isMajor && major == "" {
				major = p
			}
			parts[i] = "*"
		}
	}
	tmpl := method + " " + strings.Join(parts, "/")
	if len(parts) >= 3 && parts[0] == "channels" && parts[2] == "messages" && method != http.MethodGet {
		return "msg", major, true // creating and editing messages share a bucket per channel
	}
	return fmt.Sprintf("%x", hashString(tmpl)), major, false
}

func hashString(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// secs formats a duration as Discord does (seconds, three decimals).
func secs(d time.Duration) string { return strconv.FormatFloat(max(d, 0).Seconds(), 'f', 3, 64) }

// admit applies the limits to a request, sets its bucket headers and,
// when the limits refuse it, answers 429 and reports false.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	l := s.rl
	hash, major, messages := bucketOf(r.Method, r.URL.Path)
	exempt := strings.HasPrefix(r.URL.Path, "/api/v9/interactions/") || strings.HasPrefix(r.URL.Path, "/api/v9/webhooks/")
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if g := l.limits.Global; g > 0 && !exempt {
		every := time.Second / time.Duration(g)
		tat := l.global
		if tat.Before(now) {
			tat = now
		}
		if wait := tat.Add(-time.Duration(g-1) * every).Sub(now); wait > 0 {
			l.refused["global"]++
			refuse(w, wait, true)
			return false
		}
		l.global = tat.Add(every) // every request counts, a refused one too
	}
	limit, span := l.limits.Other, l.limits.OtherWindow
	if messages {
		limit, span = l.limits.Messages, l.limits.MessageWindow
	}
	if limit <= 0 || span <= 0 {
		return true
	}
	key := hash + ":" + major
	win := l.windows[key]
	if win == nil || !now.Before(win.reset) {
		win = &window{reset: now.Add(span)}
		l.windows[key] = win
	}
	h := w.Header()
	h.Set("X-RateLimit-Bucket", hash)
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(win.reset.UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", secs(win.reset.Sub(now)))
	if win.used >= limit {
		h.Set("X-RateLimit-Remaining", "0")
		l.refused["route"]++
		refuse(w, win.reset.Sub(now), false)
		return false
	}
	win.used++
	h.Set("X-RateLimit-Remaining", strconv.Itoa(limit-win.used))
	return true
}

// refuse answers 429 for wait, global or for the route.
func refuse(w http.ResponseWriter, wait time.Duration, global bool) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	scope := "user"
	if global {
		h.Set("X-RateLimit-Global", "true")
		scope = "global"
	}
	h.Set("X-RateLimit-Scope", scope)
	w.WriteHeader(http.StatusTooManyRequests)
	fmt.Fprintf(w, `{"message":"You are being rate limited.","retry_after":%s,"global":%t}`, secs(wait), global)
}

// PooledClient is Client with a connection pool of conns idle
// connections, for benchmarks that keep many requests in flight.
func (s *Server) PooledClient(conns int) *http.Client {
	c := s.Client()
	rw := c.Transport.(rewrite)
	rw.next = &http.Transport{MaxIdleConnsPerHost: conns}
	c.Transport = rw
	return c
}
