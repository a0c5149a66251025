package quiz

import (
	"errors"
	"github.com/studybot/studybot/bot/core"
	"testing"
	"time"

	"github.com/studybot/studybot/store"
)

// TestGate is the invariants' decision table: the announced close first,
// then the minimum interval from the last card's actual time, waiting
// within the grace and skipping beyond it.
func TestGate(t *testing.T) {
	nine := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	open := store.Post{OpenedAt: nine, ClosesAt: nine.Add(8 * time.Hour)}
	closed := store.Post{OpenedAt: nine, ClosesAt: nine.Add(30 * time.Minute), Closed: true}
	late := store.Post{OpenedAt: nine.Add(20 * time.Second), ClosesAt: nine.Add(59 * time.Minute)}
	tests := []struct {
		name      string
		prev      store.Post
		has       bool
		slot, now time.Time
		grace     time.Duration
		want      gateVerdict
		at        time.Time
		err       error
	}{
		{"first post", store.Post{}, false, nine, nine, time.Hour, gatePost, time.Time{}, nil},
		{"slot before the announced close", open, true, nine.Add(time.Minute), nine.Add(time.Minute), 6 * time.Hour, gateSkip, open.ClosesAt, core.ErrQuestionOpen},
		{"slot at the announced close", open, true, open.ClosesAt, open.ClosesAt, 6 * time.Hour, gatePost, time.Time{}, nil},
		{"closed early (given up), within the hour, grace allows the wait", closed, true, nine.Add(40 * time.Minute), nine.Add(40 * time.Minute), 6 * time.Hour, gateWait, nine.Add(time.Hour), nil},
		{"closed early, within the hour, beyond the grace", closed, true, nine.Add(40 * time.Minute), nine.Add(40 * time.Minute), 10 * time.Minute, gateSkip, nine.Add(time.Hour), core.ErrTooSoon},
		{"post-now within the hour", closed, true, nine.Add(40 * time.Minute), nine.Add(40 * time.Minute), -1, gateSkip, nine.Add(time.Hour), core.ErrTooSoon},
		{"hourly, last card 20s late", late, true, nine.Add(time.Hour), nine.Add(time.Hour), 6 * time.Hour, gateWait, nine.Add(time.Hour + 20*time.Second), nil},
		{"hourly, the wait over", late, true, nine.Add(time.Hour), nine.Add(time.Hour + 20*time.Second), 6 * time.Hour, gatePost, time.Time{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, at, err := gate(tt.prev, tt.has, tt.slot, tt.now, tt.grace)
			if v != tt.want || !at.Equal(tt.at) || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Errorf("got %v %v %v, want %v %v %v", v, at, err, tt.want, tt.at, tt.err)
			}
		})
	}
}
