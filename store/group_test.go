package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestGroupCommit writes channels from many goroutines at once through the
// group commit, with some updates failing on purpose: every write that
// succeeded is stored, every failure is its own error, and the failed
// updates changed nothing.
func TestGroupCommit(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	db := mustOpen(t, c)
	if _, err := db.EnsureSpace(testSpace, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	const n = 200
	errBoom := errors.New("boom")
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("c%03d", i)
			if err := db.PutChannel(Channel{Space: testSpace, ID: id, Cron: "0 9 * * *", TZ: "Asia/Tokyo"}); err != nil {
				t.Error(err)
				return
			}
			_, err := db.UpdateChannel(testSpace, id, func(ch *Channel) error {
				if i%7 == 0 {
					ch.Lang = "xx"
					return errBoom
				}
				ch.Lang = "en"
				return nil
			})
			if want := i%7 == 0; errors.Is(err, errBoom) != want || (!want && err != nil) {
				t.Errorf("update %s: %v", id, err)
			}
		}()
	}
	wg.Wait()
	chans, err := db.Channels()
	if err != nil {
		t.Fatal(err)
	}
	if len(chans) != n {
		t.Fatalf("%d channels stored, want %d", len(chans), n)
	}
	for _, ch := range chans {
		var i int
		fmt.Sscanf(ch.ID, "c%03d", &i)
		want := "en"
		if i%7 == 0 {
			want = ""
		}
		if ch.Lang != want {
			t.Errorf("%s: lang %q, want %q", ch.ID, ch.Lang, want)
		}
	}
}

// TestCreateScheduledPost moves the channel's LastFired with the post, in
// one commit, and also when the slot was already taken.
func TestCreateScheduledPost(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "Asia/Tokyo")
	if err := db.PutChannel(Channel{Space: testSpace, ID: "general", Cron: "0 9 * * *", TZ: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	slot := c.Now()
	mk := func(s time.Time) (Post, error) {
		return db.CreateScheduledPost(Post{Space: testSpace, Channel: "general", Slot: s, Question: snapshot("q1", 1), OpenedAt: s, ClosesAt: s.Add(time.Hour)})
	}
	p, err := mk(slot)
	if err != nil {
		t.Fatal(err)
	}
	if ch, _ := db.GetChannel(testSpace, "general"); !ch.LastFired.Equal(slot) {
		t.Errorf("last fired %v, want %v", ch.LastFired, slot)
	}
	// the slot taken by a post-now: LastFired still moves to the later slot
	later := slot.Add(24 * time.Hour)
	if _, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: later, Question: snapshot("q2", 1), OpenedAt: later, ClosesAt: later.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got, err := mk(later); !errors.Is(err, ErrSlotTaken) || got.ID == p.ID || got.Question.QuestionID != "q2" {
		t.Fatalf("taken slot: %+v %v", got, err)
	}
	if ch, _ := db.GetChannel(testSpace, "general"); !ch.LastFired.Equal(later) {
		t.Errorf("last fired %v after a taken slot, want %v", ch.LastFired, later)
	}
}
