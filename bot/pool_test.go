package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/questions"
)

// reviewedBank is the bundled bank with the given questions of domain 4
// approved and one rejected by a review file.
func reviewedBank(t *testing.T) (bank *questions.Bank, approved map[string]bool, rejected string) {
	t.Helper()
	bank, err := questions.Default()
	if err != nil {
		t.Fatal(err)
	}
	// hand-written questions bring domain 4 to six or more (the bundled
	// memo alone makes two since review r9, one since review b1)
	addMadeUp(t, bank, 4, 5)
	qs := bank.ByDomain(4)
	if len(qs) < 6 {
		t.Fatalf("domain 4 has %d questions", len(qs))
	}
	approved = map[string]bool{}
	var ds []questions.Decision
	// the three worst-ranked are approved: approved-first must still draw them first
	sorted := append([]*questions.Question(nil), qs...)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			if sorted[j].Rank > sorted[i].Rank {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
	}
	for _, q := range sorted[:3] {
		approved[q.ID] = true
		ds = append(ds, questions.Decision{ID: q.ID, Verdict: questions.Approved})
	}
	rejected = sorted[len(sorted)-1].ID // the best-ranked
	ds = append(ds, questions.Decision{ID: rejected, Verdict: questions.Rejected, Reason: "wrong fact"})
	if errs := bank.ApplyReview(ds); len(errs) != 0 {
		t.Fatal(errs)
	}
	return bank, approved, rejected
}

// addMadeUp adds n made-up hand-written questions in domain to bank, for
// tests that need more questions in one domain than the bundled memo
// makes.
func addMadeUp(t *testing.T, bank *questions.Bank, domain, n int) {
	t.Helper()
	var extra []questions.Authored
	for i, name := range []string{"アルファ", "ブラボー", "チャーリー", "デルタ", "エコー", "フォックス"}[:n] {
		extra = append(extra, questions.Authored{Domain: domain, Stem: "架空のツール" + name + "の主な用途はどれですか？",
			Options: []string{"監視", "暗号化", "配布", "集計"}, Answer: i % 4, Explanation: "架空の練習問題です。"})
	}
	if errs := bank.AddAuthored(extra); len(errs) > 0 {
		t.Fatal(errs)
	}
}

// postHourly sets up channel general on domain 4, hourly, and returns a
// function that moves the clock an hour on and returns the question posted.
func postHourly(t *testing.T, h *bottest.Harness) func() string {
	t.Helper()
	ch, _ := h.Bot.EnsureChannel(h.Space, "general")
	ch.Domains, ch.Cron = []int{4}, "0 * * * *"
	if err := h.DB.PutChannel(ch); err != nil {
		t.Fatal(err)
	}
	hour := 0
	return func() string {
		t.Helper()
		hour++
		h.Clock.Set(monday.Add(time.Duration(hour) * time.Hour))
		h.RunDue()
		p, err := h.DB.LatestPost(h.Space, "general")
		if err != nil {
			t.Fatal(err)
		}
		if !p.Slot.Equal(monday.Add(time.Duration(hour) * time.Hour)) {
			t.Fatalf("hour %d: nothing posted (latest post for %v)", hour, p.Slot)
		}
		return p.Question.QuestionID
	}
}

// TestPoolSetting: /studybot pool approved|approved-first|all decides which
// questions the daily post and /quiz use; it is shown in /studybot status;
// rejected questions are never used.
func TestPoolSetting(t *testing.T) {
	bank, approved, rejected := reviewedBank(t)
	n := len(bank.ByDomain(4))

	t.Run("approved-first is the default", func(t *testing.T) {
		h := bottest.New(t, monday, bot.Config{Bank: bank, Seed: 7})
		next := postHourly(t, h)
		if got := h.Command("adm", "general", true, "studybot", "status").Messages[0].Text(); !strings.Contains(got, "承認済みの問題を先に") {
			t.Errorf("status does not show the default pool:\n%s", got)
		}
		for i := range 3 { // /quiz: the user's first question is among the three first of the pool
			h.Clock.Set(monday.Add(time.Duration(i) * time.Second))
			if id := quizID(h.Command("ann", "general", false, "quiz").Messages[0]); !approved[id] {
				t.Errorf("/quiz %d: %s is not approved", i, id)
			}
		}
		seen := map[string]bool{}
		for i := range n {
			id := next()
			if id == rejected {
				t.Fatalf("post %d: the rejected question", i)
			}
			if seen[id] {
				t.Fatalf("post %d: %s repeated before the pool was used up", i, id)
			}
			seen[id] = true
			if i < len(approved) && !approved[id] {
				t.Errorf("post %d: %s is not approved while approved ones were unposted", i, id)
			}
		}
		if len(seen) != n {
			t.Errorf("%d distinct questions of %d", len(seen), n)
		}
	})

	t.Run("approved only", func(t *testing.T) {
		h := bottest.New(t, monday, bot.Config{Bank: bank, Seed: 7})
		next := postHourly(t, h)
		r := h.Command("adm", "general", true, "studybot", "pool", "approved")
		if r.Messages[0].Kind == bot.KindError || !strings.Contains(r.Messages[0].Text(), "承認済みの問題のみ") {
			t.Fatalf("pool approved: %+v", r.Messages[0])
		}
		if got := h.Command("adm", "general", true, "studybot", "status").Messages[0].Text(); !strings.Contains(got, "承認済みの問題のみ") {
			t.Errorf("status does not show the pool:\n%s", got)
		}
		for i := range 2 * len(approved) {
			if id := next(); !approved[id] {
				t.Fatalf("post %d: %s is not approved", i, id)
			}
		}
		for i := range 6 {
			h.Clock.Set(monday.Add(30*time.Hour + time.Duration(i)*time.Second))
			card := h.Command("ann", "general", false, "quiz").Messages[0]
			if id := quizID(card); !approved[id] {
				t.Fatalf("/quiz %d: %s is not approved", i, id)
			}
		}
	})

	t.Run("all ignores approval", func(t *testing.T) {
		// the same draws as a bank nobody reviewed, the rejected one aside
		h := bottest.New(t, monday, bot.Config{Bank: bank, Seed: 7})
		next := postHourly(t, h)
		if r := h.Command("adm", "general", true, "studybot", "pool", "all"); r.Messages[0].Kind == bot.KindError {
			t.Fatalf("pool all: %+v", r.Messages[0])
		}
		early := 0
		for i := range len(approved) {
			if id := next(); approved[id] {
				early++
			} else if id == rejected {
				t.Fatalf("post %d: the rejected question", i)
			}
		}
		if early == len(approved) {
			t.Errorf("pool all drew the %d worst-ranked (approved) questions first", early)
		}
	})

	t.Run("bad value", func(t *testing.T) {
		h := bottest.New(t, monday, bot.Config{Bank: bank})
		postHourly(t, h)
		if r := h.Command("adm", "general", true, "studybot", "pool", "some"); r.Messages[0].Kind != bot.KindError {
			t.Errorf("pool some accepted: %+v", r.Messages[0])
		}
		if r := h.Command("ann", "general", false, "studybot", "pool", "all"); r.Messages[0].Kind != bot.KindError {
			t.Errorf("a non-admin set the pool: %+v", r.Messages[0])
		}
	})
}

// quizID returns the question ID of a /quiz card.
func quizID(card bot.Message) string {
	for _, b := range card.Buttons {
		if id, _, ok := strings.Cut(strings.TrimPrefix(b.ActionID, "sb1:p:"), ":"); ok {
			return id
		}
	}
	return ""
}
