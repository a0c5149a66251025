package bot_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/questions"
)

// drawDomains posts one question in each of n fresh channels at the same
// slot and counts the domains drawn.
func drawDomains(t *testing.T, h *bottest.Harness, n int) map[int]int {
	t.Helper()
	got := map[int]int{}
	for i := range n {
		p, err := h.Bot.PostNow(t.Context(), h.Space, fmt.Sprintf("c%03d", i))
		if err != nil {
			t.Fatal(err)
		}
		got[p.Question.Domain]++
	}
	return got
}

// TestWeakDomainTilt: the daily draw leans toward the domain the space
// answers worst. With domain 2 always answered wrong and the others always
// right, domain 2 is drawn clearly more often than with no answers at all
// (the draw is deterministic per channel and slot, so both runs draw the
// same random numbers and only the weights differ).
func TestWeakDomainTilt(t *testing.T) {
	const n, weak = 200, 2
	base := bottest.New(t, monday.Add(2*time.Hour), bot.Config{})
	before := drawDomains(t, base, n)

	h := bottest.New(t, monday.Add(2*time.Hour), bot.Config{})
	// daily answers (practice does not count): wrong in the weak domain,
	// right elsewhere
	for i := range 40 {
		p, err := h.Bot.PostNow(t.Context(), h.Space, fmt.Sprintf("setup%02d", i))
		if err != nil {
			t.Fatal(err)
		}
		opt := p.Question.AnswerID
		if p.Question.Domain == weak {
			for _, o := range p.Question.Options {
				if o.ID != opt {
					opt = o.ID
					break
				}
			}
		}
		if _, err := h.DB.RecordAnswer(p.ID, "ann", opt); err != nil {
			t.Fatal(err)
		}
	}
	acc, err := h.DB.DomainAccuracy(h.Space)
	if err != nil || acc[weak] != 0 || acc[1] != 1 {
		t.Fatalf("accuracy by domain %v (%v): the setup did not make domain %d weak", acc, err, weak)
	}
	after := drawDomains(t, h, n)
	t.Logf("domain %d drawn %d of %d without answers, %d when weakest", weak, before[weak], n, after[weak])
	// the weak domain's weight goes from ×1.5 to ×2 while the others' go
	// from ×1.5 to ×1: its share must grow by well over a third
	if after[weak]*3 < before[weak]*4 {
		t.Errorf("domain %d drawn %d times when weakest, %d without answers: no tilt", weak, after[weak], before[weak])
	}
	strongBefore, strongAfter := 0, 0
	for d := range after {
		if a, ok := acc[d]; ok && a == 1 {
			strongBefore, strongAfter = strongBefore+before[d], strongAfter+after[d]
		}
	}
	if strongAfter >= strongBefore {
		t.Errorf("the strong domains together drawn %d times, %d without answers", strongAfter, strongBefore)
	}
}

// TestItemSpacing: over two full cycles of a memo whose items are asked
// in several ways (the saa-overview test memo: 56 questions about 42
// items), posted every day, no memo item comes back in a channel within a
// week.
func TestItemSpacing(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "questions", "testdata", "memos", "saa-overview.md"))
	if err != nil {
		t.Fatal(err)
	}
	bank, err := questions.Build(src, questions.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	perItem := map[string]int{}
	for _, q := range bank.Questions {
		perItem[q.Item]++
	}
	shared := 0
	for _, n := range perItem {
		if n > 1 {
			shared++
		}
	}
	if shared < 10 {
		t.Fatalf("only %d items of the memo have several questions: the test needs more", shared)
	}
	h := bottest.New(t, monday, bot.Config{Seed: 7, Bank: bank})
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	if r := h.Command("adm", "general", true, "studybot", "schedule", "0", "9", "*", "*", "*"); r.Messages[0].Kind == bot.KindError {
		t.Fatalf("schedule: %s", r.Messages[0].Text())
	}
	last := map[string]int{} // item → day last asked
	for day := range 2 * len(bank.Questions) {
		h.Clock.Set(monday.Add(time.Hour).AddDate(0, 0, day))
		h.RunDue()
		p, err := h.DB.LatestPost(h.Space, "general")
		if err != nil || !p.Slot.Equal(h.Clock.Now()) {
			t.Fatalf("day %d: no post (%v)", day, err)
		}
		q, err := bank.Get(p.Question.QuestionID)
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := last[q.Item]; ok && day-d < 7 {
			t.Errorf("day %d: %s asks item %s again, %d days after day %d", day, q.ID, q.Item, day-d, d)
		}
		last[q.Item] = day
	}
}
