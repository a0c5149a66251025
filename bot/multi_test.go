package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// TestMultiClicks: a choose-two daily card and a choose-two practice
// question through the core. The card submits sets (Click.Values with
// the Submit action); a set of the wrong size or with an unknown option is
// refused and records nothing; the right set is right, a wrong one wrong;
// a second submission is "already answered"; a late one is not counted;
// the results count per option; practice answers go to the stats only.
func TestMultiClicks(t *testing.T) {
	h := bottest.New(t, monday.Add(time.Hour), bot.Config{Bank: bottest.MultiBank(t)})
	ctx := context.Background()
	p, err := h.Bot.PostNow(ctx, h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	card := h.Platform.Sent("card")[0].Msg
	if card.Choose != 2 || card.Submit == nil || !strings.HasSuffix(card.Submit.ActionID, ":*") || !strings.Contains(card.Body, "2 つ選択") {
		t.Fatalf("card: %+v", card)
	}
	right := questions.SplitSet(p.Question.AnswerID)
	var wrong []string
	for _, b := range card.Buttons {
		if len(wrong) < 2 && b.Value != right[1] {
			wrong = append(wrong, b.Value)
		}
	}
	submit := func(user, action string, values ...string) bot.Response {
		return h.Bot.HandleClick(ctx, bot.Click{Space: h.Space, Channel: "general", User: user, ActionID: action, Values: values})
	}
	for name, vals := range map[string][]string{"one": right[:1], "three": {right[0], right[1], wrong[1]}, "none": nil, "repeated": {right[0], right[0]}} {
		r := submit("ann", card.Submit.ActionID, vals...)
		if m := r.Messages[0]; !r.Private || m.Kind != bot.KindError || !strings.Contains(m.Body, "2 つ選んでください") {
			t.Errorf("%s: %+v", name, m)
		}
	}
	// one option's button on a choose-two card is a set of one
	if m := h.Click("ann", "general", card.Buttons[0].ActionID).Messages[0]; !strings.Contains(m.Body, "選んだのは 1 つ") {
		t.Errorf("a single option: %+v", m)
	}
	if m := submit("ann", card.Submit.ActionID, right[0], "zzz").Messages[0]; m.Kind != bot.KindError || !strings.Contains(m.Body, "ボタン") {
		t.Errorf("an unknown option: %+v", m)
	}
	if _, err := h.DB.GetAnswer(p.ID, "ann"); err == nil {
		t.Fatal("a refused submission was stored")
	}
	r := submit("ann", card.Submit.ActionID, right[1], right[0])
	if fb := r.Messages[0]; fb.Tone != bot.Good || !strings.Contains(fb.Body, "あなたの回答") {
		t.Errorf("right set: %+v", fb)
	}
	r = submit("ben", card.Submit.ActionID, wrong...)
	if fb := r.Messages[0]; fb.Tone != bot.Bad || !strings.Contains(fb.Body, "正解は") {
		t.Errorf("wrong set: %+v", fb)
	}
	if m := submit("ann", card.Submit.ActionID, wrong...).Messages[0]; !strings.Contains(m.Body, "回答済み") {
		t.Errorf("second submission: %+v", m)
	}
	if a, _ := h.DB.GetAnswer(p.ID, "ann"); !a.Correct || a.OptionID != p.Question.AnswerID {
		t.Errorf("ann's answer %+v", a)
	}
	res, _ := h.DB.PostResults(p.ID, 0)
	if res.Total != 2 || res.Correct != 1 {
		t.Errorf("results %+v", res)
	}
	// closed: not counted, the reply still explains
	h.Clock.Add(9 * time.Hour)
	if m := submit("cat", card.Submit.ActionID, right...).Messages[0]; !strings.Contains(m.Body, "締め切られました") {
		t.Errorf("late submission: %+v", m)
	}
	if _, err := h.DB.GetAnswer(p.ID, "cat"); err == nil {
		t.Error("late answer stored")
	}
	h.RunDue()
	posts := h.Platform.Sent("post")
	results := posts[len(posts)-1].Msg
	if results.Kind != bot.KindResults {
		t.Fatalf("no results: %+v", results)
	}
	marked := 0
	for _, f := range results.Fields {
		if strings.HasSuffix(f.Name, "✅") {
			marked++
		}
	}
	if marked != 2 {
		t.Errorf("%d options marked correct: %+v", marked, results.Fields)
	}

	// practice: /quiz gives a choose-two card submitted the same way
	q := h.Command("dan", "general", false, "quiz").Messages[0]
	if q.Choose != 2 || q.Submit == nil || !strings.HasPrefix(q.Submit.ActionID, "sb1:p:") {
		t.Fatalf("/quiz: %+v", q)
	}
	if m := submit("dan", q.Submit.ActionID, q.Buttons[0].Value).Messages[0]; m.Kind != bot.KindError {
		t.Errorf("practice set of one: %+v", m)
	}
	if st, _ := h.DB.Stats(h.Space, "dan"); len(st) != 0 {
		t.Errorf("a refused practice answer reached the stats: %+v", st)
	}
	qid := strings.Split(q.Submit.ActionID, ":")[2]
	pq, err := h.Config.Bank.Get(qid)
	if err != nil {
		t.Fatal(err)
	}
	ids := questions.SplitSet(pq.AnswerKey())
	if m := submit("dan", q.Submit.ActionID, ids...).Messages[0]; m.Tone != bot.Good || !strings.Contains(m.Body, "練習") {
		t.Errorf("practice right set: %+v", m)
	}
	if st, _ := h.DB.Stats(h.Space, "dan"); len(st) != 2 || st[0].Correct != 1 {
		t.Errorf("practice stats: %+v", st)
	}
	if b, _ := h.DB.Leaderboard(h.Space, store.AllDomains, store.All, 10, "dan"); b.Me != nil {
		t.Error("practice reached the leaderboard")
	}
}
