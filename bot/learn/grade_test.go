package learn

import (
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// TestRecordChoiceGradesTheSet: FSRS grades a multi-answer item by the
// set: the exact set is Good, a partial set or one with a wrong option is
// Again, exactly like a wrong single answer.
func TestRecordChoiceGradesTheSet(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	space := store.SpaceRef{Platform: store.Console, ID: "team"}
	if _, err := db.EnsureSpace(space, ""); err != nil {
		t.Fatal(err)
	}
	c, err := core.New(core.Settings{}, db, nil, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	b := New(c)
	q := &questions.Question{ID: "qm", Item: "im", Domain: 3, Answer: 1, Answers: []int{1, 3}, Choose: 2}
	for _, id := range []string{"a1", "b2", "c3", "d4", "e5"} {
		q.Options = append(q.Options, questions.Option{ID: id, Text: id})
	}
	right := questions.SetKey([]string{"d4", "b2"})
	wrongCard := store.Card{}
	reviewCard(&wrongCard, false, "qm", 3, false, now)
	goodCard := store.Card{}
	reviewCard(&goodCard, false, "qm", 3, true, now)
	for _, tt := range []struct {
		user, choice string
		right        bool
	}{
		{"exact", right, true},
		{"partial", "b2", false},
		{"one-wrong", questions.SetKey([]string{"b2", "c3"}), false},
		{"superset", questions.SetKey([]string{"b2", "c3", "d4"}), false},
		{"empty", "", false},
	} {
		if got := b.RecordChoice(space, tt.user, q, tt.choice); got != tt.right {
			t.Errorf("%s: RecordChoice(%q) = %v, want %v", tt.user, tt.choice, got, tt.right)
		}
		cards, err := db.Cards(space, tt.user)
		if err != nil || len(cards) != 1 {
			t.Fatalf("%s: cards %v %v", tt.user, cards, err)
		}
		want := wrongCard
		if tt.right {
			want = goodCard
		}
		got := cards[0]
		if got.Item != "im" || got.Right != want.Right || got.Wrong != want.Wrong || got.State != want.State ||
			got.Stability != want.Stability || !got.Due.Equal(want.Due) {
			t.Errorf("%s: card %+v, want as %+v", tt.user, got, want)
		}
	}
}

// TestReviewCardMulti: a multi-answer question's review card is its
// practice card with every answer routed to review.
func TestReviewCardMulti(t *testing.T) {
	q := &questions.Question{ID: "qm", Stem: "どれか？（2つ選択）", Answer: 1, Answers: []int{1, 3}, Choose: 2}
	for _, id := range []string{"a1", "b2", "c3", "d4", "e5"} {
		q.Options = append(q.Options, questions.Option{ID: id, Text: id})
	}
	m := reviewQuestionCard(q, "en", "d1", false)
	if len(m.Buttons) == 0 {
		t.Fatal("no buttons")
	}
	for _, b := range m.Buttons {
		kind, target, opt, ok := render.ParseAction(b.ActionID)
		if !ok || kind != "v" || target != "qm" || opt == "" {
			t.Errorf("button %+v: kind %q target %q", b, kind, target)
		}
	}
	if m.Submit == nil || m.Submit.ActionID != render.ReviewAnswerAction(q.ID, render.SubmitOption) || m.Choose != 2 {
		t.Errorf("submit %+v (choose %d), want the review's set submission", m.Submit, m.Choose)
	}
	if !strings.HasPrefix(m.Body, q.Stem) || !strings.Contains(m.Title, "d1") {
		t.Errorf("card %+v", m)
	}
}
