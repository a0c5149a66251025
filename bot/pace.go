package bot

import (
	"context"
	"sync"
	"time"
	"unicode/utf8"
)

// Pacer spaces the posts an adapter makes in each channel (Slack allows
// about one message a second per channel; Discord has per-route buckets).
// It is safe for concurrent use.
type Pacer struct {
	every time.Duration
	mu    sync.Mutex
	next  map[string]time.Time
}

// NewPacer returns a pacer allowing one post per channel every interval.
func NewPacer(every time.Duration) *Pacer { return &Pacer{every: every, next: map[string]time.Time{}} }

// Wait blocks until channel may be posted to (or ctx ends) and books the slot.
func (p *Pacer) Wait(ctx context.Context, channel string) error {
	p.mu.Lock()
	now := time.Now()
	at := p.next[channel]
	if at.Before(now) {
		at = now
	}
	p.next[channel] = at.Add(p.every)
	p.mu.Unlock()
	if d := time.Until(at); d > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	return nil
}

// Truncate cuts s to at most n runes, ending with "…" when it cut; adapters
// use it to stay within their platform's field limits.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
