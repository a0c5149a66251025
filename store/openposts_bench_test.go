package store

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var (
	postsOnce sync.Once
	postsDB   *DB
)

// loadPosts stores 100,000 daily posts (1,000 channels × 100 days) through
// CreatePost and closes all but the last of 10 channels, without fsync (a
// fixture): the history the close check must not read.
func loadPosts(b *testing.B) *DB {
	postsOnce.Do(func() {
		c := newClock(time.Date(2026, 1, 1, 9, 0, 0, 0, tokyo))
		db, err := Open(filepath.Join(b.TempDir(), "posts.db"), &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
		if err != nil {
			b.Fatal(err)
		}
		db.EnsureSpace(testSpace, "Asia/Tokyo")
		const channels, days = 1000, 100
		for d := 0; d < days; d++ {
			slot := c.Now().AddDate(0, 0, d)
			for ch := 0; ch < channels; ch++ {
				p, err := db.CreatePost(Post{Space: testSpace, Channel: fmt.Sprintf("c%04d", ch), Slot: slot,
					Question: snapshot(fmt.Sprintf("q%d", d), 1+d%6), OpenedAt: slot, ClosesAt: slot.Add(8 * time.Hour)})
				if err != nil {
					b.Fatal(err)
				}
				if d < days-1 || ch >= 10 {
					if _, _, err := db.ClosePost(p.ID); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		postsDB = db
	})
	return postsDB
}

// BenchmarkOpenPosts is the due-loop's close check: the open posts among
// 100,000 stored posts (10 open).
func BenchmarkOpenPosts(b *testing.B) {
	db := loadPosts(b)
	b.ResetTimer()
	for b.Loop() {
		open, err := db.OpenPosts()
		if err != nil || len(open) != 10 {
			b.Fatalf("%d open: %v", len(open), err)
		}
	}
}
