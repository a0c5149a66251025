package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
)

// TestLearnIntervals answers one item over simulated months with the
// injected clock, each time it falls due: the interval grows with every
// right answer and shrinks after a mistake, and the card counts both.
func TestLearnIntervals(t *testing.T) {
	h := bottest.New(t, monday.Add(time.Hour), bot.Config{})
	q := h.Bot.Bank().Questions[0]
	right := "sb1:p:" + q.ID + ":" + q.Correct().ID
	wrong := "sb1:p:" + q.ID + ":" + q.Options[(q.Answer+1)%len(q.Options)].ID
	card := func() (due time.Duration, reps, lapses uint64) {
		t.Helper()
		cards, err := h.DB.Cards(h.Space, "ann")
		if err != nil || len(cards) != 1 || cards[0].Item != q.Item {
			t.Fatalf("cards = %+v, %v", cards, err)
		}
		return cards[0].Due.Sub(h.Clock.Now()), cards[0].Reps, cards[0].Lapses
	}
	var last time.Duration
	for i := 0; i < 5; i++ {
		h.Click("ann", "general", right)
		ivl, reps, _ := card()
		if ivl <= last || reps != uint64(i+1) {
			t.Fatalf("right answer %d: interval %v after %v (reps %d)", i+1, ivl, last, reps)
		}
		last = ivl
		h.Clock.Add(ivl)
	}
	if last < 30*24*time.Hour {
		t.Errorf("five right answers: next in only %v", last)
	}
	h.Click("ann", "general", wrong)
	ivl, _, lapses := card()
	if ivl >= last || lapses != 1 {
		t.Errorf("after a mistake: interval %v (was %v), lapses %d", ivl, last, lapses)
	}
	h.Clock.Add(ivl)
	h.Click("ann", "general", right)
	if ivl2, _, _ := card(); ivl2 <= ivl || ivl2 >= last {
		t.Errorf("relearnt: interval %v, want between %v and %v", ivl2, ivl, last)
	}
}

// TestDailyAnswerSchedulesItem: a daily answer updates the answerer's card
// for the item the posted question came from; other users have none.
func TestDailyAnswerSchedulesItem(t *testing.T) {
	h := bottest.New(t, monday.Add(time.Hour), bot.Config{})
	p, err := h.Bot.PostNow(context.Background(), h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	if p.Question.Item == "" {
		t.Fatal("the snapshot has no item")
	}
	msg := h.Platform.Sent("card")[0].Msg
	h.Click("ann", "general", optionFor(msg, false, p.Question.AnswerID))
	h.Click("ann", "general", optionFor(msg, true, p.Question.AnswerID)) // a second click does not count
	cards, err := h.DB.Cards(h.Space, "ann")
	if err != nil || len(cards) != 1 || cards[0].Item != p.Question.Item || cards[0].Wrong != 1 || cards[0].Right != 0 {
		t.Fatalf("cards = %+v, %v", cards, err)
	}
	if !cards[0].Due.After(h.Clock.Now()) {
		t.Errorf("due %v, not after now", cards[0].Due)
	}
	if cards, _ := h.DB.Cards(h.Space, "ben"); len(cards) != 0 {
		t.Errorf("ben has cards: %+v", cards)
	}
}
