package quiz

import (
	"context"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"strconv"
	"strings"

	"github.com/studybot/studybot/store"
)

// sourceStatus says how a posted question compares with the bank in use.
type sourceStatus string

const (
	// sourceSame: the question's memo passage is as it was when asked.
	sourceSame sourceStatus = "same"
	// sourceChanged: the memo passage the question rested on has changed.
	sourceChanged sourceStatus = "changed"
	// sourceGone: the bank no longer has the question.
	sourceGone sourceStatus = "gone"
	// sourceUnknown: the post predates recorded passages and the memo
	// changed since, so there is nothing to compare.
	sourceUnknown sourceStatus = "unknown"
)

// sourceState compares a post's snapshot with the question as the current
// bank has it: the memo passage it quotes, not the whole memo (an edit
// elsewhere in the memo changes nothing for this question).
func (b *Quiz) sourceState(s store.Snapshot) sourceStatus {
	bank := b.Bank()
	q, err := bank.Get(s.QuestionID)
	switch {
	case err != nil:
		return sourceGone
	case s.Source != "":
		if q.Source.Quote != s.Source {
			return sourceChanged
		}
		return sourceSame
	case s.MemoHash == bank.Memo.Hash || q.Source.Quote == "":
		return sourceSame
	}
	return sourceUnknown
}

// historyLen is how many posts /studybot history lists.
const historyLen = 10

// adminHistory lists the channel's latest questions, newest first, each
// marked when its memo passage changed since it was asked or the bank no
// longer has it.
func (b *Quiz) adminHistory(_ context.Context, c core.Command, _ []string, ch store.Channel, lang string) render.Response {
	hist, err := b.DB.History(c.Space, ch.ID)
	if err != nil {
		return b.InternalError(lang, "history", err)
	}
	m := render.Message{Title: render.T(lang, "history.title")}
	if len(hist) == 0 {
		m.Body = render.T(lang, "history.empty")
		return render.Private(m)
	}
	var lines []string
	for i := len(hist) - 1; i >= 0 && len(lines) < historyLen; i-- {
		p, err := b.DB.GetPost(hist[i].PostID)
		if err != nil {
			return b.InternalError(lang, "history post", err)
		}
		line := "#" + strconv.Itoa(p.Number) + " " + render.FormatTime(hist[i].At, b.Now(), ch.Location()) + " `" + p.Question.QuestionID + "` " + headOf(p.Question.Stem)
		if st := b.sourceState(p.Question); st != sourceSame {
			line += " — " + render.T(lang, "history."+string(st))
		}
		lines = append(lines, line)
	}
	m.Body = strings.Join(lines, "\n")
	return render.Private(m)
}

// headOf is the first line of a stem, cut to 40 runes.
func headOf(stem string) string {
	s, _, _ := strings.Cut(stem, "\n")
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return s
}
