package pace

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestTaskQueueOrdersEachChannel: the tasks of one channel run one at a
// time in the order given, even while the first waits out a rate limit;
// another channel's task does not wait for them; and the tasks still
// queued when the context ends are reported dropped.
func TestTaskQueueOrdersEachChannel(t *testing.T) {
	clock := Clock{Now: time.Now, NewTimer: WallTimer}
	x, y := "x", "y"
	var mu sync.Mutex
	var ran []string
	record := func(s string) {
		mu.Lock()
		ran = append(ran, s)
		mu.Unlock()
	}
	first := true
	tasks := []Task[string]{
		{Key: x, Run: func(context.Context) time.Duration {
			if first {
				first = false
				record("x1 limited")
				return time.Millisecond
			}
			record("x1")
			return 0
		}},
		{Key: x, Run: func(context.Context) time.Duration { record("x2"); return 0 }},
		{Key: y, Run: func(context.Context) time.Duration { record("y1"); return 0 }},
	}
	Run(t.Context(), clock, 32, tasks)
	mu.Lock()
	got := fmt.Sprint(ran)
	mu.Unlock()
	if got != "[x1 limited y1 x1 x2]" && got != "[y1 x1 limited x1 x2]" {
		t.Errorf("ran %s; want x2 after x1, y1 not behind x1", got)
	}

	ctx, cancel := context.WithCancel(t.Context())
	limited := make(chan struct{})
	var dropped []string
	tasks = []Task[string]{
		{Key: x, Run: func(context.Context) time.Duration { close(limited); return time.Hour },
			Dropped: func() { dropped = append(dropped, "x1") }},
		{Key: x, Run: func(context.Context) time.Duration { t.Error("x2 ran before x1 was done"); return 0 },
			Dropped: func() { dropped = append(dropped, "x2") }},
	}
	go func() { <-limited; cancel() }()
	Run(ctx, clock, 32, tasks)
	if fmt.Sprint(dropped) != "[x2 x1]" && fmt.Sprint(dropped) != "[x1 x2]" {
		t.Errorf("dropped %v, want both", dropped)
	}
}
