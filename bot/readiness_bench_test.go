package bot

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// benchState is a user with 2,000 live items across six domains, all
// answered at some time over the last year.
func benchState(now time.Time) *learnState {
	st := &learnState{byID: map[string]*learnItem{}}
	for i := 0; i < 2000; i++ {
		c := &store.Card{}
		at := now.Add(-time.Duration(i%365) * 24 * time.Hour)
		reviewCard(c, false, "q", i%6+1, i%3 != 0, at)
		it := &learnItem{id: fmt.Sprint("item", i), domain: i%6 + 1, qs: []*questions.Question{{ID: fmt.Sprint("q", i)}}, card: c}
		st.items = append(st.items, it)
		st.byID[it.id] = it
	}
	return st
}

// BenchmarkReviewNext is /review's choice of the next item for a user
// with 2,000 cards (the store read is in BenchmarkReviewCommand).
func BenchmarkReviewNext(b *testing.B) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	st := benchState(now)
	b.ReportAllocs()
	for b.Loop() {
		if p := st.pickReview(now, time.UTC, 10); p.item == nil {
			b.Fatal("nothing picked")
		}
	}
}

// BenchmarkStatsReadiness is /stats' readiness for a user with 2,000
// cards.
func BenchmarkStatsReadiness(b *testing.B) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	st := benchState(now)
	w := map[int]float64{1: 22, 2: 17, 3: 18, 4: 12, 5: 16, 6: 15}
	b.ReportAllocs()
	for b.Loop() {
		if r := st.readiness(now, w); len(r.focus) != 3 {
			b.Fatal("no focus")
		}
	}
}

// BenchmarkReviewCommand is the whole /review and /stats commands, store
// read included, for a user with 2,000 cards in the database.
func BenchmarkReviewCommand(b *testing.B) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	db, err := store.Open(filepath.Join(b.TempDir(), "b.db"), &store.Options{Now: func() time.Time { return now }, NoSync: true, BatchDelay: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bank, err := questions.Default()
	if err != nil {
		b.Fatal(err)
	}
	bt, err := New(Config{Bank: bank, Store: db, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	sp := store.SpaceRef{Platform: "test", ID: "T1"}
	if _, err := db.EnsureSpace(sp, "Asia/Tokyo"); err != nil {
		b.Fatal(err)
	}
	items := map[string]bool{}
	for _, q := range bank.Questions {
		items[q.Item] = true
	}
	names := make([]string, 0, 2000)
	for it := range items {
		names = append(names, it)
	}
	for i := len(names); i < 2000; i++ {
		names = append(names, fmt.Sprint("retired", i))
	}
	for i, it := range names {
		if _, err := db.UpdateCard(sp, "U1", it, func(c *store.Card, found bool) error {
			reviewCard(c, found, "q", i%6+1, i%3 != 0, now.Add(-time.Duration(i%365)*24*time.Hour))
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	c := Command{Space: sp, Channel: "C1", User: "U1", Name: "review"}
	for _, name := range []string{"review", "stats"} {
		b.Run(name, func(b *testing.B) {
			c.Name = name
			b.ReportAllocs()
			for b.Loop() {
				if r := bt.HandleCommand(b.Context(), c); len(r.Messages) == 0 {
					b.Fatal("no reply")
				}
			}
		})
	}
}
