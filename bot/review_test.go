package bot_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/questions"
)

// recorder is a review file that keeps what it is given (or refuses).
type recorder struct {
	mu   sync.Mutex
	got  []questions.Decision
	fail bool
}

func (r *recorder) RecordReview(d questions.Decision) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("read-only file system")
	}
	r.got = append(r.got, d)
	return nil
}

func (r *recorder) decisions() []questions.Decision {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]questions.Decision(nil), r.got...)
}

// button returns the action ID of the button labelled label.
func button(t *testing.T, m bot.Message, label string) string {
	t.Helper()
	for _, b := range m.Buttons {
		if b.Label == label {
			return b.ActionID
		}
	}
	t.Fatalf("no %q button in %+v", label, m)
	return ""
}

// TestChatReview: /studybot review shows admins the next question to
// review privately with approve / reject / skip buttons that only that
// admin can use; decisions go to the review file, flagged questions come
// first, and the daily post honours them at once.
func TestChatReview(t *testing.T) {
	rec := &recorder{}
	h := bottest.New(t, monday, bot.Config{Reviews: rec, Seed: 3})
	h.Bot.EnsureChannel(h.Space, "general")
	top := h.Bot.Bank().Top(0)
	q1, q2, q3, q4 := top[0], top[1], top[2], top[3]

	if r := h.Command("ann", "general", false, "studybot", "review"); r.Messages[0].Kind != bot.KindError {
		t.Fatalf("a non-admin got the review: %+v", r.Messages[0])
	}
	r := h.Command("adm", "general", true, "studybot", "review")
	m := r.Messages[0]
	if !r.Private || !strings.Contains(m.Body, q1.ID) || !strings.Contains(m.Body, q1.Options[q1.Answer].Text+" ✅") || len(m.Buttons) != 3 {
		t.Fatalf("review message: private=%v %+v", r.Private, m)
	}
	approve := button(t, m, "承認")
	if r := h.Click("eve", "general", approve); r.Messages[0].Kind != bot.KindError || len(rec.decisions()) != 0 {
		t.Fatalf("another user's click counted: %+v", r.Messages[0])
	}
	r = h.Click("adm", "general", approve)
	if got := rec.decisions(); len(got) != 1 || got[0].ID != q1.ID || got[0].Verdict != questions.Approved {
		t.Fatalf("recorded %+v", got)
	}
	if len(r.Messages) != 2 || !strings.Contains(r.Messages[0].Body, q1.ID) || !strings.Contains(r.Messages[1].Body, q2.ID) {
		t.Fatalf("after approve: %+v", r.Messages)
	}
	r = h.Click("adm", "general", button(t, r.Messages[1], "却下"))
	if got := rec.decisions(); len(got) != 2 || got[1].ID != q2.ID || got[1].Verdict != questions.Rejected || !strings.Contains(got[1].Reason, "adm") {
		t.Fatalf("recorded %+v", got)
	}
	r = h.Click("adm", "general", button(t, r.Messages[1], "スキップ"))
	if len(rec.decisions()) != 2 || !strings.Contains(r.Messages[0].Body, q4.ID) {
		t.Fatalf("after skip: %d decisions, %+v", len(rec.decisions()), r.Messages[0])
	}
	h.Command("adm", "general", true, "studybot", "review", "reject", q3.ID, "the", "memo", "is", "wrong")
	if got := rec.decisions(); len(got) != 3 || got[2].ID != q3.ID || got[2].Reason != "the memo is wrong" {
		t.Fatalf("typed reject: %+v", got)
	}
	if r := h.Command("adm", "general", true, "studybot", "review", "approve", "nope"); r.Messages[0].Kind != bot.KindError {
		t.Errorf("approve of an unknown ID: %+v", r.Messages[0])
	}
	// a question reported by two users comes first
	last := top[len(top)-1]
	h.Command("ann", "general", false, "report", last.ID, "wrong")
	h.Command("ben", "general", false, "report", last.ID, "unclear")
	if r := h.Command("adm", "general", true, "studybot", "review"); !strings.Contains(r.Messages[0].Body, last.ID) {
		t.Errorf("the flagged question is not first: %+v", r.Messages[0])
	}

	// the daily post: pool approved draws only q1; rejected q2 never comes
	h.Command("adm", "general", true, "studybot", "pool", "approved")
	ch, _ := h.DB.GetChannel(h.Space, "general")
	ch.Cron = "0 * * * *"
	h.DB.PutChannel(ch)
	for i := range 3 {
		h.Clock.Set(monday.Add(time.Duration(i+1) * time.Hour))
		h.RunDue()
		if p, err := h.DB.LatestPost(h.Space, "general"); err != nil || p.Question.QuestionID != q1.ID {
			t.Fatalf("post %d under pool approved: %v %v", i, p.Question.QuestionID, err)
		}
	}
	h.Command("adm", "general", true, "studybot", "pool", "all")
	ch, _ = h.DB.GetChannel(h.Space, "general")
	ch.Domains = []int{q2.Domain}
	h.DB.PutChannel(ch)
	for i := range len(h.Bot.Bank().ByDomain(q2.Domain)) + 1 {
		h.Clock.Set(monday.Add(time.Duration(i+10) * time.Hour))
		h.RunDue()
		if p, _ := h.DB.LatestPost(h.Space, "general"); p.Question.QuestionID == q2.ID {
			t.Fatalf("post %d: the question rejected in chat", i)
		}
	}
}

// TestChatReviewStore: without a writable review file, decisions made in
// chat are kept in the store and still count after a restart.
func TestChatReviewStore(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  bot.ReviewRecorder
	}{{"no review file", nil}, {"read-only review file", &recorder{fail: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			h := bottest.New(t, monday, bot.Config{Reviews: tc.rec})
			h.Bot.EnsureChannel(h.Space, "general")
			q1 := h.Bot.Bank().Top(0)[0]
			r := h.Command("adm", "general", true, "studybot", "review")
			h.Click("adm", "general", button(t, r.Messages[0], "承認"))
			got, err := h.DB.ReviewDecisions()
			if err != nil || len(got) != 1 || got[0].QuestionID != q1.ID || got[0].Verdict != "approved" || got[0].User != "adm" {
				t.Fatalf("store holds %+v (%v)", got, err)
			}
			h.Restart()
			if r := h.Command("adm", "general", true, "studybot", "review"); strings.Contains(r.Messages[0].Body, q1.ID) {
				t.Errorf("the question approved before the restart is offered again")
			}
		})
	}
}
