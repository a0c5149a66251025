package pace

import (
	"context"
	"sync"
	"time"
)

// Debouncer coalesces bursts of work per key: the first Touch of a quiet
// key schedules one call of its function Every later, and every Touch of
// that key until then joins it. Calls of one key are thus at least Every
// apart, however many touches arrive (Slack's Home tab, refreshed after a
// user's answers). Run is its one goroutine; its owner runs it and ends
// it by cancelling the context.
type Debouncer struct {
	every    time.Duration
	now      func() time.Time
	newTimer func(time.Duration) (<-chan time.Time, func())
	fire     func(ctx context.Context, key string)

	mu   sync.Mutex
	due  map[string]time.Time
	wake chan struct{}
	runs int // calls of fire so far
}

// NewDebouncer returns a Debouncer that calls fire(ctx, key) every after
// the first Touch of a burst, on the clock now and its timers newTimer
// (WallTimer in production, a test clock's in tests).
func NewDebouncer(every time.Duration, now func() time.Time, newTimer func(time.Duration) (<-chan time.Time, func()), fire func(ctx context.Context, key string)) *Debouncer {
	return &Debouncer{every: every, now: now, newTimer: newTimer, fire: fire, due: map[string]time.Time{}, wake: make(chan struct{}, 1)}
}

// Touch asks for a call of key: in Every, or with the call already
// pending.
func (d *Debouncer) Touch(key string) {
	d.mu.Lock()
	_, pending := d.due[key]
	if !pending {
		d.due[key] = d.now().Add(d.every)
	}
	d.mu.Unlock()
	if !pending {
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
}

// Pending returns how many keys wait for their call.
func (d *Debouncer) Pending() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.due)
}

// Runs returns how many calls were made.
func (d *Debouncer) Runs() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.runs
}

// Run makes the calls as they fall due, one at a time, until ctx is
// done; the keys still pending then are dropped.
func (d *Debouncer) Run(ctx context.Context) {
	for {
		d.mu.Lock()
		now := d.now()
		var next time.Time
		var ready []string
		for k, t := range d.due {
			switch {
			case !t.After(now):
				ready = append(ready, k)
				delete(d.due, k)
			case next.IsZero() || t.Before(next):
				next = t
			}
		}
		d.runs += len(ready)
		d.mu.Unlock()
		for _, k := range ready {
			if ctx.Err() != nil {
				return
			}
			d.fire(ctx, k)
		}
		if len(ready) > 0 {
			continue
		}
		var tick <-chan time.Time
		stop := func() {}
		if !next.IsZero() {
			tick, stop = d.newTimer(next.Sub(now))
		}
		select {
		case <-ctx.Done():
			stop()
			return
		case <-d.wake:
		case <-tick:
		}
		stop()
	}
}
