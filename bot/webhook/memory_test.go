package webhook_test

import (
	"errors"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/webhook"
)

type failingStore struct{ calls int }

func (f *failingStore) FirstRequest(string, time.Duration) (bool, error) {
	f.calls++
	return false, errors.New("disk on fire")
}

// TestMemory: without a store (or when it fails), keys are remembered in
// memory for the window and forgotten after it.
func TestMemory(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store webhook.Store
	}{{"in memory", nil}, {"failing store", &failingStore{}}} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			m := webhook.NewMemory(tc.store, 10*time.Minute, func() time.Time { return now }, nil)
			if !m.First("k") || m.First("k") {
				t.Fatal("a key is new once")
			}
			now = now.Add(9 * time.Minute)
			if m.First("k") {
				t.Error("forgotten within the window")
			}
			now = now.Add(2 * time.Minute)
			if !m.First("k") {
				t.Error("remembered past the window")
			}
			if !m.First("") || !m.First("") {
				t.Error("an empty key is always new")
			}
		})
	}
}
