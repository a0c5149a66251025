package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/questions"
)

const historyMemo = `## 第 1 分野: デプロイ

- デプロイ方式
  - Canary: 一部のトラフィックだけを新バージョンに送り、問題がなければ残りを切り替える方式
  - Linear: 一定間隔で同じ割合ずつトラフィックを新バージョンへ移す方式
  - AllAtOnce: すべてのトラフィックを一度に新バージョンへ移す方式
  - Blue/Green: 新しい環境を別に用意し、検証後にトラフィックを切り替える方式
`

func buildMemo(t *testing.T, src string) *questions.Bank {
	t.Helper()
	b, err := questions.Build([]byte(src), questions.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOpenPostsKeepSnapshot: after a reload an open post answers from its
// snapshot, even when its question left the bank, and the answer is
// recorded; the results and /studybot history say when the question's
// memo passage changed since it was asked (an edit elsewhere in the memo
// does not count) or the question is gone.
func TestOpenPostsKeepSnapshot(t *testing.T) {
	asked := buildMemo(t, historyMemo)
	elsewhere := buildMemo(t, historyMemo+"  - Rolling: インスタンスを少しずつ入れ替えて新バージョンへ移す方式\n")
	changed := buildMemo(t, strings.Replace(historyMemo, "検証後にトラフィックを切り替える", "検証してから DNS でトラフィックを切り替える", 1))
	gone := bottest.Bank(t)
	id := asked.Questions[0].ID
	for name, b := range map[string]*questions.Bank{"elsewhere": elsewhere, "changed": changed} {
		if _, err := b.Get(id); err != nil {
			t.Fatalf("%s memo lost question %s: the test needs IDs that survive the edit", name, id)
		}
	}
	if _, err := gone.Get(id); err == nil {
		t.Fatal("the bundled bank has the question")
	}
	next := asked
	h := bottest.New(t, monday.Add(time.Hour), bot.Config{Bank: asked, Reload: func() (*questions.Bank, error) { return next, nil }})
	reload := func(b *questions.Bank) {
		t.Helper()
		next = b
		if r := h.Command("adm", "general", true, "studybot", "reload"); r.Messages[0].Kind == bot.KindError {
			t.Fatalf("reload: %+v", r.Messages[0])
		}
	}
	history := func() string {
		t.Helper()
		r := h.Command("adm", "general", true, "studybot", "history")
		if r.Messages[0].Kind == bot.KindError || !r.Private {
			t.Fatalf("history: %+v", r)
		}
		return r.Messages[0].Text()
	}
	h.Bot.EnsureChannel(h.Space, "general")
	if got := history(); !strings.Contains(got, "まだ出題していません") {
		t.Errorf("empty history:\n%s", got)
	}
	p, err := h.Bot.PostNow(context.Background(), h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	if p.Question.QuestionID != id || p.Question.Source == "" {
		t.Fatalf("posted %s with source %q", p.Question.QuestionID, p.Question.Source)
	}
	right := optionFor(h.Platform.Sent("card")[0].Msg, true, p.Question.AnswerID)

	steps := []struct {
		bank *questions.Bank
		mark string // what history says of the post ("" = nothing)
	}{
		{elsewhere, ""},
		{changed, "メモの該当箇所が変わりました"},
		{gone, "今の問題集にありません"},
	}
	for i, s := range steps {
		reload(s.bank)
		got := history()
		if !strings.Contains(got, id) {
			t.Fatalf("step %d: history does not list %s:\n%s", i, id, got)
		}
		if s.mark == "" && strings.Contains(got, "⚠️") || s.mark != "" && !strings.Contains(got, s.mark) {
			t.Errorf("step %d: history should say %q:\n%s", i, s.mark, got)
		}
	}
	// the question is gone from the bank; the open post still takes answers
	r := h.Click("ann", "general", right)
	if r.Messages[0].Kind == bot.KindError || r.Messages[0].Tone != bot.Good {
		t.Fatalf("answer to a vanished question: %+v", r.Messages[0])
	}
	if a, err := h.DB.GetAnswer(p.ID, "ann"); err != nil || !a.Correct {
		t.Errorf("answer not recorded: %+v %v", a, err)
	}
	// back to the changed passage: the results say so when the post closes
	reload(changed)
	h.Clock.Add(9 * time.Hour)
	h.RunDue()
	res := h.Platform.Sent("post")
	if len(res) == 0 {
		t.Fatal("no results posted")
	}
	if got := res[len(res)-1].Msg.Text(); !strings.Contains(got, "メモの該当箇所が変わりました") {
		t.Errorf("results do not say the passage changed:\n%s", got)
	}
	if r := h.Command("ann", "general", false, "studybot", "history"); r.Messages[0].Kind != bot.KindError {
		t.Errorf("a non-admin saw the history: %+v", r.Messages[0])
	}
}
