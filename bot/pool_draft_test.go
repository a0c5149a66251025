package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/questions"
)

// draftedBank is the bundled bank with two made-up drafted questions in
// domain 4: one plain, one whose model doubted its memo line.
func draftedBank(t *testing.T) (bank *questions.Bank, plain, doubted string) {
	t.Helper()
	bank, err := questions.Default()
	if err != nil {
		t.Fatal(err)
	}
	addMadeUp(t, bank, 4, 2)
	ds := []questions.Authored{
		{Domain: 4, Stem: "架空のツールゴルフの主な用途はどれですか？", Options: []string{"監視", "暗号化", "配布", "集計"}, Answer: 1,
			Explanation: "架空の練習問題です。", Draft: &questions.Provenance{ID: "d1", Backend: "batch"}},
		{Domain: 4, Stem: "架空のツールホテルの主な用途はどれですか？", Options: []string{"監視", "暗号化", "配布", "集計"}, Answer: 2,
			Explanation: "架空の練習問題です。", Draft: &questions.Provenance{ID: "d2", Backend: "batch", Doubt: "the memo line looks out of date"}},
	}
	if errs := bank.AddAuthored(ds); len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, q := range bank.ByDomain(4) {
		switch {
		case q.Draft && q.Doubt == "":
			plain = q.ID
		case q.Draft:
			doubted = q.ID
		}
	}
	if plain == "" || doubted == "" {
		t.Fatalf("drafts not in the bank: %q %q", plain, doubted)
	}
	return bank, plain, doubted
}

// TestPoolDrafts: a plain draft is posted under approved-first and all like
// a hand-written question and needs approval under approved; a draft with
// a doubt is posted under no pool until a person approves it.
func TestPoolDrafts(t *testing.T) {
	for _, tc := range []struct {
		pool           string
		approve        bool
		plain, doubted bool // posted within one pass over the domain
	}{
		{pool: bot.PoolApprovedFirst, plain: true},
		{pool: bot.PoolAll, plain: true},
		{pool: bot.PoolApproved},
		{pool: bot.PoolApprovedFirst, approve: true, plain: true, doubted: true},
		{pool: bot.PoolAll, approve: true, plain: true, doubted: true},
		{pool: bot.PoolApproved, approve: true, doubted: true},
	} {
		name := tc.pool
		if tc.approve {
			name += "/doubt approved"
		}
		t.Run(name, func(t *testing.T) {
			bank, plain, doubted := draftedBank(t)
			var ds []questions.Decision
			for _, q := range bank.ByDomain(4) {
				if !q.Draft { // something for the approved pool to post
					ds = append(ds, questions.Decision{ID: q.ID, Verdict: questions.Approved})
					break
				}
			}
			if tc.approve {
				ds = append(ds, questions.Decision{ID: doubted, Verdict: questions.Approved})
			}
			if errs := bank.ApplyReview(ds); len(errs) > 0 {
				t.Fatal(errs)
			}
			n := len(bank.ByDomain(4))
			h := bottest.New(t, monday, bot.Config{Bank: bank, Seed: 7})
			next := postHourly(t, h)
			if r := h.Command("adm", "general", true, "studybot", "pool", tc.pool); r.Messages[0].Kind == bot.KindError {
				t.Fatalf("pool %s: %+v", tc.pool, r.Messages[0])
			}
			seen := map[string]bool{}
			for range n {
				seen[next()] = true
			}
			if seen[plain] != tc.plain {
				t.Errorf("plain draft posted: %v, want %v", seen[plain], tc.plain)
			}
			if seen[doubted] != tc.doubted {
				t.Errorf("draft with a doubt posted: %v, want %v", seen[doubted], tc.doubted)
			}
			for i := range 8 {
				h.Clock.Set(monday.Add(40*time.Hour + time.Duration(i)*time.Second))
				if id := quizID(h.Command("ann", "general", false, "quiz").Messages[0]); id == doubted && !tc.doubted {
					t.Fatalf("/quiz %d: the draft with a doubt", i)
				}
			}
		})
	}
}

// TestReviewShowsDoubt: /studybot review shows a draft's doubt, so the
// admin who approves it knows what to check.
func TestReviewShowsDoubt(t *testing.T) {
	bank, _, doubted := draftedBank(t)
	var ds []questions.Decision
	for _, q := range bank.Questions {
		if q.ID != doubted {
			ds = append(ds, questions.Decision{ID: q.ID, Verdict: questions.Approved})
		}
	}
	if errs := bank.ApplyReview(ds); len(errs) > 0 {
		t.Fatal(errs)
	}
	h := bottest.New(t, monday, bot.Config{Bank: bank, Seed: 7})
	h.Bot.EnsureChannel(h.Space, "general")
	m := h.Command("adm", "general", true, "studybot", "review").Messages[0]
	if !strings.Contains(m.Body, doubted) || !strings.Contains(m.Body, "the memo line looks out of date") {
		t.Errorf("review card:\n%s", m.Body)
	}
}
