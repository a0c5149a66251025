package pace

import "time"

// Backoff is a jittered exponential backoff for reconnecting to a
// platform: Min doubling up to Max, each wait passed through Jitter. The
// adapters' gateway (Discord) and Socket Mode (Slack) reconnections use it;
// it is not safe for concurrent use.
type Backoff struct {
	// Min is the first wait; Max bounds every wait.
	Min, Max time.Duration
	// Jitter spreads a wait (nil: none).
	Jitter func(time.Duration) time.Duration
	n      int
}

// Next returns the wait before the next attempt and grows the one after.
func (b *Backoff) Next() time.Duration {
	d := b.Min << min(b.n, 30)
	if d > b.Max || d <= 0 {
		d = b.Max
	} else {
		b.n++
	}
	if b.Jitter != nil {
		d = b.Jitter(d)
	}
	return d
}

// Reset starts over at Min (after a connection that held).
func (b *Backoff) Reset() { b.n = 0 }
