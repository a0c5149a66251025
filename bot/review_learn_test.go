package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// reviewAnswer returns the action of the right or a wrong option of a
// /review card.
func reviewAnswer(t *testing.T, h *bottest.Harness, m bot.Message, correct bool) string {
	t.Helper()
	qid := strings.Split(m.Buttons[0].ActionID, ":")[2]
	q, err := h.Bot.Bank().Get(qid)
	if err != nil {
		t.Fatalf("review card for unknown question %s", qid)
	}
	for _, b := range m.Buttons {
		if strings.HasSuffix(b.ActionID, ":"+q.Correct().ID) == correct {
			return b.ActionID
		}
	}
	t.Fatal("no such option")
	return ""
}

// TestReviewQueue: /review introduces new items up to the daily limit,
// then says how many are due today and when the next is; due items come
// back when due (and before any new one); a card of an item that left the
// memo is kept but never shown.
func TestReviewQueue(t *testing.T) {
	h := bottest.New(t, monday.Add(time.Hour), bot.Config{ReviewNewPerDay: 2})
	// a card for an item no longer in the memo, long overdue
	if _, err := h.DB.EnsureSpace(h.Space, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.DB.UpdateCard(h.Space, "ann", "gone-item", func(c *store.Card, _ bool) error {
		c.Reps, c.Due = 3, monday.Add(-48*time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := 0; i < 2; i++ {
		r := h.Command("ann", "general", false, "review")
		m := r.Messages[0]
		if !r.Private || m.Kind != bot.KindCard || !strings.Contains(m.Context, "新しい項目") || !strings.HasPrefix(m.Buttons[0].ActionID, "sb1:v:") {
			t.Fatalf("new item %d: %+v", i, r)
		}
		if seen[m.Buttons[0].ActionID] {
			t.Fatalf("the same item twice: %s", m.Buttons[0].ActionID)
		}
		seen[m.Buttons[0].ActionID] = true
		fb := h.Click("ann", "general", reviewAnswer(t, h, m, i == 0))
		if !fb.Private || !strings.Contains(fb.Messages[0].Body+strings.Join(fieldsOf(fb.Messages[0]), " "), "/review") {
			t.Errorf("feedback: %+v", fb.Messages[0])
		}
	}
	r := h.Command("ann", "general", false, "review")
	if m := r.Messages[0]; m.Kind != bot.KindText || !strings.Contains(m.Body, "いま復習する項目はありません") || !strings.Contains(m.Body, "次の復習は") {
		t.Fatalf("limit reached: %+v", m)
	}
	cards, _ := h.DB.Cards(h.Space, "ann")
	if len(cards) != 3 {
		t.Fatalf("cards: %+v", cards)
	}
	// the wrong one comes back first, the next day, as a due item
	h.Clock.Add(24 * time.Hour)
	r = h.Command("ann", "general", false, "review")
	if m := r.Messages[0]; m.Kind != bot.KindCard || !strings.Contains(m.Context, "期限") {
		t.Fatalf("due item: %+v", m)
	}
	if cards, _ := h.DB.Cards(h.Space, "ann"); cards[0].Item != "gone-item" && cards[len(cards)-1].Item != "gone-item" {
		t.Error("the retired card was lost")
	}
}

func fieldsOf(m bot.Message) []string {
	var out []string
	for _, f := range m.Fields {
		out = append(out, f.Name, f.Value)
	}
	return append(out, m.Context)
}

// TestStatsReadiness: /stats adds readiness per domain, the weakest domain
// and the items to review once the user has answered.
func TestStatsReadiness(t *testing.T) {
	h := bottest.New(t, monday.Add(time.Hour), bot.Config{})
	m := h.Command("ann", "general", false, "review").Messages[0]
	h.Click("ann", "general", reviewAnswer(t, h, m, true))
	got := h.Command("ann", "general", false, "stats").Messages[0]
	text := strings.Join(fieldsOf(got), "\n")
	for _, w := range []string{"試験への準備度", "学習済み 1/", "いちばん弱い分野", "復習するとよい項目"} {
		if !strings.Contains(text, w) {
			t.Errorf("/stats lacks %q:\n%s", w, text)
		}
	}
}

// TestReviewDayInUserZone: the daily limit of new items counts the user's
// day (/review tz), not the space's. At 23:00 in Tokyo (06:00 in Los
// Angeles) both users take their one new item; at 08:00 the next Tokyo
// day it is still Monday afternoon in Los Angeles, so the user there gets
// none while the Tokyo user gets a new one.
func TestReviewDayInUserZone(t *testing.T) {
	h := bottest.New(t, monday.Add(15*time.Hour), bot.Config{ReviewNewPerDay: 1})
	if r := h.Command("ann", "general", false, "review", "tz", "America/Los_Angeles"); r.Messages[0].Kind == bot.KindError {
		t.Fatalf("review tz: %+v", r.Messages[0])
	}
	for _, u := range []string{"ann", "bob"} {
		m := h.Command(u, "general", false, "review").Messages[0]
		if m.Kind != bot.KindCard {
			t.Fatalf("%s: no new item at 23:00: %+v", u, m)
		}
		h.Click(u, "general", reviewAnswer(t, h, m, true))
	}
	h.Clock.Add(9 * time.Hour) // Tuesday 08:00 in Tokyo, Monday 15:00 in Los Angeles
	if m := h.Command("ann", "general", false, "review").Messages[0]; m.Kind != bot.KindText {
		t.Errorf("ann (Los Angeles, still Monday) got another new item: %+v", m)
	}
	if m := h.Command("bob", "general", false, "review").Messages[0]; m.Kind != bot.KindCard {
		t.Errorf("bob (Tokyo, Tuesday) got no new item: %+v", m)
	}
}
