package learn

import (
	"log/slog"

	"fmt"
	"github.com/studybot/studybot/bot/core"
	"path/filepath"
	"syscall"
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

// benchBank2000 is the bundled bank plus 2,000 hand-written questions
// about made-up services (each its own memo item, across the six
// domains), so a user can hold 2,000 cards of live items.
func benchBank2000() (*questions.Bank, error) {
	bank, err := questions.Default()
	if err != nil {
		return nil, err
	}
	var qs []questions.Authored
	for i := 0; i < 2000; i++ {
		name := string([]rune{'ア' + rune(i%40), 'カ' + rune(i/40%40), 'サ' + rune(i/1600)})
		qs = append(qs, questions.Authored{Domain: i%6 + 1, Stem: "架空のサービス" + name + "の役割として正しいものはどれですか？",
			Options: []string{"監視", "暗号化", "配布", "集計"}, Answer: i % 4, Explanation: "架空の練習問題です。"})
	}
	if errs := bank.AddAuthored(qs); len(errs) > 0 {
		return nil, fmt.Errorf("%d made-up questions refused, first: %w", len(errs), errs[0])
	}
	return bank, nil
}

// BenchmarkReviewCommand is the whole /review and /stats commands, store
// read included, for a user with 2,000 cards of live items in the
// database.
func BenchmarkReviewCommand(b *testing.B) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	db, err := store.Open(filepath.Join(b.TempDir(), "b.db"), &store.Options{Now: func() time.Time { return now }, NoSync: true, BatchDelay: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bank, err := benchBank2000()
	if err != nil {
		b.Fatal(err)
	}
	cr, err := core.New(core.Settings{Lang: "ja", TZ: "Asia/Tokyo"}, db, bank, func() time.Time { return now }, slog.New(slog.DiscardHandler), core.NopMetrics{})
	if err != nil {
		b.Fatal(err)
	}
	bt := New(cr).Handlers().Commands // what bot.HandleCommand runs
	sp := store.SpaceRef{Platform: "test", ID: "T1"}
	if _, err := db.EnsureSpace(sp, "Asia/Tokyo"); err != nil {
		b.Fatal(err)
	}
	items := map[string]bool{}
	for _, q := range bank.Questions {
		items[q.Item] = true
	}
	names := make([]string, 0, len(items))
	for it := range items {
		names = append(names, it)
	}
	if len(names) < 2000 {
		b.Fatalf("%d live items, want 2,000", len(names))
	}
	names = names[:2000]
	for i, it := range names {
		if _, err := db.UpdateCard(sp, "U1", it, func(c *store.Card, found bool) error {
			reviewCard(c, found, "q", i%6+1, i%3 != 0, now.Add(-time.Duration(i%365)*24*time.Hour))
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	c := core.Command{Space: sp, Channel: "C1", User: "U1", Name: "review"}
	for _, name := range []string{"review", "stats"} {
		b.Run(name, func(b *testing.B) {
			c.Name = name
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				if r := bt[name](b.Context(), c, "ja"); len(r.Messages) == 0 {
					b.Fatal("no reply")
				}
			}
			// CPU time per op: on a shared machine wall time includes
			// waiting for a core, this does not
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU is the process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
