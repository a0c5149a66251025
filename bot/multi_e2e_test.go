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

// TestMultiEndToEnd: a daily choose-two card answered right by one user
// and wrong by another, closed, the weekly digest posted, then /explain
// and /me: the wrong answerer's reply, the results, the digest's hardest
// question and /explain each name both correct options (letter and
// text); /me lists the question as answered and its button shows the
// choose-two card.
func TestMultiEndToEnd(t *testing.T) {
	tuesday := monday.AddDate(0, 0, 1).Add(time.Hour) // 09:00 Tokyo
	h := bottest.New(t, tuesday, bot.Config{Bank: bottest.MultiBank(t), Lang: "en"})
	ctx := context.Background()
	p, err := h.Bot.PostNow(ctx, h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	card := h.Platform.Sent("card")[0].Msg
	q := p.Question
	right := questions.SplitSet(q.AnswerID)
	var both []string // "B: text" of each correct option
	var wrong []string
	for i, o := range q.Options {
		if q.IsCorrectOption(o.ID) {
			both = append(both, questions.Letter(i)+": "+o.Text)
		} else if len(wrong) < 2 {
			wrong = append(wrong, o.ID)
		}
	}
	if len(right) != 2 || len(both) != 2 || card.Submit == nil {
		t.Fatalf("not a choose-two post: %+v", q)
	}
	listsBoth := func(what, text string) {
		t.Helper()
		for _, w := range both {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks the correct option %q:\n%s", what, w, text)
			}
		}
	}
	submit := func(user string, values ...string) bot.Message {
		r := h.Bot.HandleClick(ctx, bot.Click{Space: h.Space, Channel: "general", User: user, ActionID: card.Submit.ActionID, Values: values})
		return r.Messages[0]
	}
	if m := submit("ann", right...); m.Tone != bot.Good {
		t.Errorf("ann's right set: %+v", m)
	}
	m := submit("ben", wrong...)
	if m.Tone != bot.Bad {
		t.Errorf("ben's wrong set: %+v", m)
	}
	listsBoth("the wrong answer's reply", m.Text())

	// closed: the results
	h.Clock.Add(9 * time.Hour)
	h.RunDue()
	posts := h.Platform.Sent("post")
	if len(posts) == 0 || posts[len(posts)-1].Msg.Kind != bot.KindResults {
		t.Fatalf("no results posted: %+v", posts)
	}
	listsBoth("the results", posts[len(posts)-1].Msg.Text())

	// /me the same day: today's question, answered, and its card
	me := h.Command("ann", "general", false, "me")
	var open string
	for _, m := range me.Messages {
		for _, b := range m.Buttons {
			if strings.Contains(b.ActionID, p.ID) {
				open = b.ActionID
			}
		}
	}
	if open == "" || !strings.Contains(meText(me), "answered") {
		t.Fatalf("/me does not list today's question as answered:\n%s", meText(me))
	}
	if c := h.Click("ann", "general", open).Messages[0]; c.Choose != 2 || c.Submit == nil || !c.Submit.Disabled || len(c.Buttons) != len(q.Options) {
		t.Errorf("/me's button shows %+v, want the closed choose-two card", c)
	}

	// /explain
	r := h.Command("ben", "general", false, "explain", q.QuestionID)
	listsBoth("/explain", r.Messages[0].Text())

	// next Monday: the weekly digest's hardest question
	h.Clock.Set(monday.AddDate(0, 0, 7))
	h.Command("adm", "general", true, "studybot", "digest", "now")
	bottest.WaitFor(t, "the digest file", func() bool { return len(h.Platform.Sent("file")) == 1 })
	d := h.Platform.Sent("file")[0].Msg.Text()
	if !strings.Contains(d, "Hardest question of the week") || !strings.Contains(d, "Answers: "+strings.Join(both, " / ")) {
		t.Errorf("digest does not name both correct options %q:\n%s", both, d)
	}
}
