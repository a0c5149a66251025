package console

import (
	"sync"
	"time"
)

// Clock is the console's simulated clock. Frozen, it shows the same time
// until /tick moves it (for reproducible sessions); otherwise it runs with
// the wall clock from its start, plus whatever /tick skipped.
type Clock struct {
	mu     sync.Mutex
	start  time.Time
	wall   func() time.Time
	began  time.Time
	offset time.Duration
	frozen bool
}

// NewClock returns a clock. With frozen, it stands at start until Set.
func NewClock(start time.Time, frozen bool, wall func() time.Time) *Clock {
	if wall == nil {
		wall = time.Now
	}
	return &Clock{start: start, wall: wall, began: wall(), frozen: frozen}
}

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.start.Add(c.offset)
	}
	return c.start.Add(c.wall().Sub(c.began) + c.offset)
}

// Set moves the clock to t (never backwards).
func (c *Clock) Set(t time.Time) {
	now := c.Now()
	if !t.After(now) {
		return
	}
	c.mu.Lock()
	c.offset += t.Sub(now)
	c.mu.Unlock()
}
