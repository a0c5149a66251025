package pace_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/pace"
)

// manualClock is a clock whose timers fire when Add passes them.
type manualClock struct {
	mu     sync.Mutex
	t      time.Time
	timers []manualTimer
}

type manualTimer struct {
	at time.Time
	c  chan time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) NewTimer(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, manualTimer{c.t.Add(d), ch})
	return ch, func() {}
}

func (c *manualClock) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if !tm.at.After(c.t) {
			tm.c <- c.t
			continue
		}
		kept = append(kept, tm)
	}
	c.timers = kept
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestDebouncerCoalesces: a burst of touches of one key makes one call,
// Every after the first touch; another key has its own; a touch after a
// call starts a new burst; cancelling ends Run.
func TestDebouncerCoalesces(t *testing.T) {
	clock := &manualClock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	calls := map[string][]time.Time{}
	d := pace.NewDebouncer(10*time.Second, clock.Now, clock.NewTimer, func(_ context.Context, k string) {
		mu.Lock()
		calls[k] = append(calls[k], clock.Now())
		mu.Unlock()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()

	for range 5 {
		d.Touch("alice")
	}
	waitFor(t, "the timer", func() bool { return clock.waiting() > 0 })
	clock.Add(4 * time.Second)
	d.Touch("alice")
	d.Touch("bob")
	if d.Runs() != 0 || d.Pending() != 2 {
		t.Fatalf("runs %d pending %d before the time", d.Runs(), d.Pending())
	}
	clock.Add(6 * time.Second)
	waitFor(t, "alice's call", func() bool { return d.Runs() == 1 })
	if d.Pending() != 1 {
		t.Fatalf("pending %d after alice's call", d.Pending())
	}
	waitFor(t, "bob's timer", func() bool { return clock.waiting() > 0 })
	clock.Add(4 * time.Second)
	waitFor(t, "bob's call", func() bool { return d.Runs() == 2 })
	d.Touch("alice")
	waitFor(t, "alice's second timer", func() bool { return clock.waiting() > 0 })
	clock.Add(10 * time.Second)
	waitFor(t, "alice's second call", func() bool { return d.Runs() == 3 })
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(calls["alice"]) != 2 || len(calls["bob"]) != 1 {
		t.Fatalf("calls %v", calls)
	}
	if gap := calls["alice"][1].Sub(calls["alice"][0]); gap < 10*time.Second {
		t.Errorf("alice's calls %v apart", gap)
	}
}
