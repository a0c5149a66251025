package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/questions"
)

// smallerBank is the bundled bank without its first n questions (rejected
// by review, so they leave the bank and its draw order).
func smallerBank(t *testing.T, n int) *questions.Bank {
	t.Helper()
	bank, err := questions.Default()
	if err != nil {
		t.Fatal(err)
	}
	var ds []questions.Decision
	for _, q := range bank.Questions[:n] {
		ds = append(ds, questions.Decision{ID: q.ID, Verdict: questions.Rejected, Reason: "gone"})
	}
	if errs := bank.ApplyReview(ds); len(errs) != 0 {
		t.Fatal(errs)
	}
	return bank
}

// reloader returns a Config.Reload that hands out the next result each
// time it is called.
type reloader struct {
	mu    sync.Mutex
	next  *questions.Bank
	err   error
	calls int
}

func (r *reloader) set(b *questions.Bank, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next, r.err = b, err
}

func (r *reloader) reload() (*questions.Bank, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	return r.next, r.err
}

// TestReload: /studybot reload swaps in the bank Config.Reload builds; a
// failed build keeps the old bank, says why in the reply, counts a
// "reload" error and shows in /studybot status until a reload succeeds;
// non-admins cannot reload; without Config.Reload it says so.
func TestReload(t *testing.T) {
	old := bottest.Bank(t)
	smaller := smallerBank(t, 5)
	rl := &reloader{}
	m := &countMetrics{}
	h := bottest.New(t, monday.Add(time.Hour), bot.Config{Bank: old, Reload: rl.reload, Metrics: m})
	h.Bot.EnsureChannel(h.Space, "general")
	status := func() string {
		t.Helper()
		return h.Command("adm", "general", true, "studybot", "status").Messages[0].Text()
	}

	rl.set(smaller, nil)
	r := h.Command("adm", "general", true, "studybot", "reload")
	if r.Messages[0].Kind == bot.KindError || !r.Private || !strings.Contains(r.Messages[0].Text(), "→") {
		t.Fatalf("reload: %+v", r)
	}
	if h.Bot.Bank() != smaller {
		t.Fatal("the new bank is not in use")
	}
	if _, err := h.Bot.Bank().Get(old.Questions[0].ID); err == nil {
		t.Error("a question the new bank lacks is still found")
	}

	rl.set(nil, errors.New("memo exam.md: line 12: a heading without text"))
	r = h.Command("adm", "general", true, "studybot", "reload")
	if r.Messages[0].Kind != bot.KindError || !strings.Contains(r.Messages[0].Text(), "line 12: a heading without text") {
		t.Fatalf("broken memo reply does not say why: %+v", r.Messages[0])
	}
	if h.Bot.Bank() != smaller {
		t.Fatal("a failed reload replaced the bank")
	}
	if got := m.count("reload"); got != 1 {
		t.Errorf("reload errors counted %d, want 1", got)
	}
	if s := status(); !strings.Contains(s, "直近の再読み込みエラー") || !strings.Contains(s, "line 12") {
		t.Errorf("status does not show the reload error:\n%s", s)
	}
	// a build without questions is refused too
	rl.set(&questions.Bank{}, nil)
	if r := h.Command("adm", "general", true, "studybot", "reload"); r.Messages[0].Kind != bot.KindError {
		t.Errorf("an empty bank was accepted: %+v", r.Messages[0])
	}
	if h.Bot.Bank() != smaller {
		t.Fatal("an empty bank replaced the bank")
	}

	rl.set(old, nil)
	if r := h.Command("adm", "general", true, "studybot", "reload"); r.Messages[0].Kind == bot.KindError {
		t.Fatalf("reload: %+v", r.Messages[0])
	}
	if s := status(); strings.Contains(s, "再読み込みエラー") {
		t.Errorf("status still shows a reload error after a success:\n%s", s)
	}

	calls := rl.calls
	if r := h.Command("ann", "general", false, "studybot", "reload"); r.Messages[0].Kind != bot.KindError || rl.calls != calls {
		t.Errorf("a non-admin reloaded: %+v", r.Messages[0])
	}

	h2 := bottest.New(t, monday, bot.Config{Bank: old})
	if r := h2.Command("adm", "general", true, "studybot", "reload"); r.Messages[0].Kind != bot.KindError {
		t.Errorf("reload without a reload function: %+v", r.Messages[0])
	}
	if _, err := h2.Bot.Reload(); !errors.Is(err, bot.ErrNoReload) {
		t.Errorf("Reload without a function: %v", err)
	}
}

// TestReloadConcurrent swaps banks while people click and ask for
// questions; run with -race it proves the swap is safe.
func TestReloadConcurrent(t *testing.T) {
	a, b := bottest.Bank(t), smallerBank(t, 3)
	var flip sync.Mutex
	n := 0
	reload := func() (*questions.Bank, error) {
		flip.Lock()
		defer flip.Unlock()
		n++
		if n%2 == 0 {
			return a, nil
		}
		return b, nil
	}
	h := bottest.New(t, monday.Add(time.Hour), bot.Config{Bank: a, Reload: reload})
	p, err := h.Bot.PostNow(context.Background(), h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	right := optionFor(h.Platform.Sent("card")[0].Msg, true, p.Question.AnswerID)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 50 {
			if _, err := h.Bot.Reload(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := string(rune('a' + i))
			if r := h.Click(user, "general", right); r.Messages[0].Kind == bot.KindError {
				t.Errorf("click during reloads: %+v", r.Messages[0])
			}
			for range 5 {
				r := h.Command(user, "general", false, "quiz")
				if id := quizID(r.Messages[0]); id != "" {
					h.Click(user, "general", "sb1:p:"+id+":x")
				}
				h.Command(user, "general", false, "memo", "CodeBuild")
			}
		}()
	}
	wg.Wait()
	for i := range 8 {
		if a, err := h.DB.GetAnswer(p.ID, string(rune('a'+i))); err != nil || !a.Correct {
			t.Errorf("answer %d: %+v %v", i, a, err)
		}
	}
}
