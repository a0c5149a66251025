package pace

import (
	"testing"
	"time"
)

// TestBackoff: Min doubling to Max, through the jitter, and Reset starts over.
func TestBackoff(t *testing.T) {
	b := &Backoff{Min: time.Second, Max: 5 * time.Second}
	var got []time.Duration
	for range 5 {
		got = append(got, b.Next())
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits %v, want %v", got, want)
		}
	}
	b.Reset()
	if d := b.Next(); d != time.Second {
		t.Errorf("after Reset: %v, want 1s", d)
	}
	half := &Backoff{Min: time.Second, Max: time.Minute, Jitter: func(d time.Duration) time.Duration { return d / 2 }}
	if d := half.Next(); d != 500*time.Millisecond {
		t.Errorf("jittered: %v, want 500ms", d)
	}
}
