package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/web"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// benchBank1000 is the bundled bank topped up with made-up hand-written
// questions to 1,000 questions.
func benchBank1000(tb testing.TB) *questions.Bank {
	tb.Helper()
	b, err := questions.Default()
	if err != nil {
		tb.Fatal(err)
	}
	var qs []questions.Authored
	for i := 0; len(b.Questions)+len(qs) < 1000; i++ {
		name := string([]rune{'ア' + rune(i%40), 'カ' + rune(i/40%40), 'サ' + rune(i/1600)})
		qs = append(qs, questions.Authored{Domain: i%6 + 1, Stem: "架空のサービス" + name + "の役割として正しいものはどれですか？",
			Options: []string{"監視", "暗号化", "配布", "集計"}, Answer: i % 4, Explanation: "架空の練習問題です。"})
	}
	if errs := b.AddAuthored(qs); len(errs) > 0 {
		tb.Fatalf("%d made-up questions refused, first: %v", len(errs), errs[0])
	}
	if len(b.Questions) != 1000 {
		tb.Fatalf("bank of %d questions", len(b.Questions))
	}
	return b
}

// benchStore posts every question of bank once in one channel and has
// 100 users answer each: 100,000 answers.
func benchStore(tb testing.TB, bank *questions.Bank, now func() time.Time) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "bench.db"), &store.Options{Now: now, NoSync: true, BatchDelay: -1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	sp := store.SpaceRef{Platform: "test", ID: "team"}
	if _, err := db.EnsureSpace(sp, "Asia/Tokyo"); err != nil {
		tb.Fatal(err)
	}
	if err := db.PutChannel(store.Channel{Space: sp, ID: "general", Cron: "0 9 * * *", TZ: "Asia/Tokyo"}); err != nil {
		tb.Fatal(err)
	}
	start := now()
	for i, q := range bank.Top(0) {
		snap := store.Snapshot{QuestionID: q.ID, Domain: q.Domain, DomainTitle: q.DomainTitle, Type: string(q.Type), Stem: q.Stem,
			AnswerID: q.Options[q.Answer].ID, MemoHash: "h"}
		for _, o := range q.Options {
			snap.Options = append(snap.Options, store.SnapOption{ID: o.ID, Text: o.Text})
		}
		slot := start.Add(-time.Duration(1000-i) * time.Minute)
		p, err := db.CreatePost(store.Post{Space: sp, Channel: "general", Slot: slot, Question: snap, OpenedAt: slot, ClosesAt: start.Add(time.Hour)})
		if err != nil {
			tb.Fatal(err)
		}
		for u := range 100 {
			o := q.Options[(u*7+i*3)%len(q.Options)]
			if _, err := db.RecordAnswer(p.ID, fmt.Sprintf("user%03d", u), o.ID); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return db
}

// BenchmarkBankPage renders GET /admin/?sort=correct (every row's status
// and figures computed and sorted, the first 100 of 1,000 questions shown,
// 100,000 answers in the store): "cached" with the answers' figures fresh
// (Deps.StatsFresh), "stale-refreshing" with them always stale, so that
// each request is served while a background read replaces them (the
// refresh running beside the requests), "first-request" a space's first
// request, which reads them from the store; "store-ItemStats-alone" is
// that read by itself.
func BenchmarkBankPage(b *testing.B) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	bank := benchBank1000(b)
	db := benchStore(b, bank, clock)
	bt, err := bot.New(bot.Config{Bank: bank, Store: db, Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	defer bt.Close()
	sp := bot.Space{Platform: "test", ID: "team"}
	sess := &web.Session{ID: "s", Space: sp, User: "adm", Lang: "ja", CSRF: "t"}
	serve := func(b *testing.B, p *web.Pages) {
		r := httptest.NewRequest(http.MethodGet, "/admin/?sort=correct", nil)
		r = r.WithContext(web.WithSession(r.Context(), sess))
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	pages := func(b *testing.B, fresh time.Duration, now func() time.Time) *web.Pages {
		p, err := web.NewPages(web.Deps{Bank: bt, Review: bt, Stats: db, Team: bt, Now: now, StatsFresh: fresh})
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	b.Run("store-ItemStats-alone", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.ItemStats(store.ItemQuery{Space: sp}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct {
		name  string
		fresh time.Duration
		now   func() time.Time
	}{{"cached", web.DefaultStatsFresh, clock}, {"stale-refreshing", time.Nanosecond, time.Now}} {
		b.Run(c.name, func(b *testing.B) {
			p := pages(b, c.fresh, c.now)
			defer p.Close()
			serve(b, p) // the space's first request
			for b.Loop() {
				serve(b, p)
			}
		})
	}
	b.Run("first-request", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			p := pages(b, web.DefaultStatsFresh, clock)
			b.StartTimer()
			serve(b, p)
		}
	})
}
