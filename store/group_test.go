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
