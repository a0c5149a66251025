package pace_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/pace"
)

// monday is 2026-11-30, a Monday, 08:00 in Tokyo (as in the bot tests).
var monday = time.Date(2026, 11, 30, 8, 0, 0, 0, time.FixedZone("JST", 9*60*60))

// TestLimiter: bookings follow each bucket's rate and burst, a learned
// window and a park; a park voids the bookings made before it; thousands
// of channels' buckets are pruned without losing a booking.
func TestLimiter(t *testing.T) {
	clock := bottest.NewClock(monday)
	newLim := func() *pace.Limiter {
		l := pace.NewLimiter(clock.Now, clock.NewTimer)
		l.SetRate("ch:", pace.Rate{Every: time.Second, Burst: 1})
		l.SetRate("ws", pace.Rate{Every: 100 * time.Millisecond, Burst: 3})
		return l
	}
	t.Run("rates and bursts", func(t *testing.T) {
		l := newLim()
		var got []time.Duration
		for i := range 5 {
			got = append(got, l.Reserve(fmt.Sprintf("o%d", i), "ws", fmt.Sprintf("ch:%d", i)))
		}
		want := []time.Duration{0, 0, 0, 100 * time.Millisecond, 200 * time.Millisecond} // burst of 3, then 10 a second
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("workspace bookings %v, want %v", got, want)
		}
		if d := l.Reserve("again", "ch:0"); d != time.Second {
			t.Errorf("a channel's second post in %v, want 1s", d)
		}
	})
	t.Run("learned window", func(t *testing.T) {
		l := newLim()
		l.Learn("route", 5, 0, 3*time.Second)
		if d := l.Reserve("a", "route"); d != 3*time.Second {
			t.Errorf("an empty window books at its reset: %v", d)
		}
	})
	t.Run("park voids bookings and holds up only its key; early calls keep theirs", func(t *testing.T) {
		l := newLim()
		if d := l.Reserve("c1", "ch:1"); d != 0 {
			t.Fatalf("first booking %v", d)
		}
		l.Park("ch:1", 30*time.Second)
		booked, err := l.Acquire(t.Context(), "c1", "ch:1")
		var rl *pace.RateLimitError
		if !booked || !errors.As(err, &rl) || rl.RetryAfter != 30*time.Second {
			t.Fatalf("booked call after a park: booked %v, err %v", booked, err)
		}
		// within the park nothing is booked: a booking at its end would
		// take the shared workspace rate's tokens then, ahead of everyone
		if d := l.Reserve("c1", "ch:1", "ws"); d != 30*time.Second {
			t.Errorf("booking within the park: %v, want its end (30s)", d)
		}
		if d := l.Reserve("c2", "ch:2", "ws"); d != 0 {
			t.Errorf("another channel waits %v behind the parked one", d)
		}
		clock.Add(30 * time.Second)
		if d := l.Reserve("c1", "ch:1", "ws"); d != 0 {
			t.Errorf("after the park: %v", d)
		}
		if d := l.Reserve("c1b", "ch:1", "ws"); d != time.Second {
			t.Fatalf("the channel's next call in %v, want 1s", d)
		}
		clock.Add(400 * time.Millisecond)
		if booked, err := l.Acquire(t.Context(), "c1b", "ch:1", "ws"); !booked || !errors.As(err, &rl) || rl.RetryAfter != 600*time.Millisecond {
			t.Errorf("a booked call 600ms early: booked %v, err %v", booked, err)
		}
		if d := l.Reserve("c1b", "ch:1", "ws"); d != 600*time.Millisecond {
			t.Errorf("the early call lost its booking: a new one in %v, want the same (600ms)", d)
		}
		clock.Add(600 * time.Millisecond)
		for _, o := range []string{"c1", "c1b"} {
			if booked, err := l.Acquire(t.Context(), o, "ch:1", "ws"); !booked || err != nil {
				t.Errorf("%s: a good booking: %v %v", o, booked, err)
			}
		}
	})
	t.Run("try books only what may go now", func(t *testing.T) {
		l := newLim()
		if d := l.TryReserve("a", "ch:5"); d != 0 {
			t.Fatalf("a fresh channel: %v", d)
		}
		if d := l.TryReserve("b", "ch:5"); d != time.Second {
			t.Errorf("the channel's second call: %v, want 1s", d)
		}
		if d := l.TryReserve("b", "ch:5"); d != time.Second {
			t.Errorf("a refused try booked something: the next is in %v, want still 1s", d)
		}
		if booked, err := l.Acquire(t.Context(), "a", "ch:5"); !booked || err != nil {
			t.Errorf("the try's booking: %v %v", booked, err)
		}
		clock.Add(time.Second)
		if d := l.TryReserve("b", "ch:5"); d != 0 {
			t.Errorf("a second later: %v", d)
		}
	})
	t.Run("unbooked calls wait on the clock", func(t *testing.T) {
		l := newLim()
		l.Reserve("x", "ch:9")
		done := make(chan error, 1)
		go func() { _, err := l.Acquire(context.Background(), "", "ch:9"); done <- err }()
		bottest.WaitFor(t, "the wait's timer", func() bool { w, _ := clock.Timers(); return w > 0 })
		select {
		case <-done:
			t.Fatal("returned before its turn")
		default:
		}
		clock.Add(time.Second)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("many channels", func(t *testing.T) {
		l := newLim()
		for i := range 10000 {
			l.Reserve(fmt.Sprintf("c%d", i), fmt.Sprintf("ch:%d", i), "route")
			if i%100 == 0 {
				clock.Add(2 * time.Second)
			}
		}
		for i := range 10000 {
			if booked, err := l.Acquire(t.Context(), fmt.Sprintf("c%d", i), fmt.Sprintf("ch:%d", i), "route"); !booked || err != nil {
				t.Fatalf("c%d: %v %v", i, booked, err)
			}
		}
	})
}
