package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// HandleClick handles an answer button. It records the answer (the store
// makes one-answer-per-user atomic), marks the card for a coalesced update
// and returns the private reply at once.
func (b *Bot) HandleClick(ctx context.Context, c Click) Response {
	defer b.track()()
	lang := b.channelLang(c.Space, c.Channel)
	kind, id, opt, ok := parseAction(c.ActionID)
	if !ok {
		b.metrics.Answered(c.Space.Platform, "invalid")
		return private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.button")})
	}
	if kind == "p" {
		return b.practiceAnswer(c, lang, id, opt)
	}
	p, err := b.db.GetPost(id)
	if errors.Is(err, store.ErrNotFound) || err == nil && (p.Question.OptionIndex(opt) < 0 || p.Space != c.Space) {
		b.metrics.Answered(c.Space.Platform, "invalid")
		return private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.button")})
	}
	if err != nil {
		return b.internalError(lang, "get post", err)
	}
	rec, err := b.db.RecordAnswer(p.ID, c.User, opt)
	switch {
	case err == nil:
		b.metrics.Answered(c.Space.Platform, "counted")
		b.cards.mark(p.ID)
		return private(b.feedback(p.Question, opt, lang, &rec, ""))
	case errors.Is(err, store.ErrAlreadyAnswered):
		b.metrics.Answered(c.Space.Platform, "duplicate")
		first := p.Question.OptionIndex(rec.Answer.OptionID)
		return private(Message{Kind: KindFeedback, Body: T(lang, "fb.already", questions.Letter(first))})
	case errors.Is(err, store.ErrClosed):
		b.metrics.Answered(c.Space.Platform, "closed")
		return private(b.feedback(p.Question, opt, lang, nil, T(lang, "fb.closed")))
	}
	return b.internalError(lang, "record answer", err)
}

func parseAction(id string) (kind, target, option string, ok bool) {
	rest, found := strings.CutPrefix(id, actionPrefix)
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" || parts[0] != "a" && parts[0] != "p" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

func (b *Bot) practiceAnswer(c Click, lang, qid, opt string) Response {
	q, err := b.bank.Get(qid)
	if err != nil || q.OptionIndex(opt) < 0 {
		b.metrics.Answered(c.Space.Platform, "invalid")
		return private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.button")})
	}
	if _, err := b.ensureSpace(c.Space); err != nil {
		return b.internalError(lang, "ensure space", err)
	}
	correct := q.Correct().ID == opt
	if err := b.db.RecordPractice(store.Practice{Space: c.Space, UserID: c.User, QuestionID: q.ID, Domain: q.Domain, Correct: correct}); err != nil {
		return b.internalError(lang, "record practice", err)
	}
	b.metrics.Answered(c.Space.Platform, "practice")
	return private(b.feedback(b.snapshotOf(q), opt, lang, nil, T(lang, "fb.practice")))
}

// feedback is the private reply to an answer: right or wrong, the correct
// option, the memo quote, why each other option is wrong, and (for counted
// daily answers) the streak and rank.
func (b *Bot) feedback(q store.Snapshot, chosen, lang string, rec *store.Recorded, note string) Message {
	ai, ci := q.OptionIndex(q.AnswerID), q.OptionIndex(chosen)
	m := Message{Kind: KindFeedback, Tone: Bad, Title: T(lang, "fb.wrong")}
	if chosen == q.AnswerID {
		m.Tone, m.Title = Good, T(lang, "fb.correct")
	}
	body := []string{T(lang, "fb.answer", questions.Letter(ai), q.Options[ai].Text)}
	if ci != ai && ci >= 0 {
		body = append(body, T(lang, "fb.yours", questions.Letter(ci), q.Options[ci].Text))
	}
	if note != "" {
		body = append([]string{note}, body...)
	}
	m.Body = strings.Join(body, "\n")
	m.Quote = q.Explanation
	for i, o := range q.Options {
		if i == ai || o.Why == "" {
			continue
		}
		m.Fields = append(m.Fields, Field{Name: questions.Letter(i) + ") " + o.Text, Value: o.Why})
	}
	if rec != nil {
		st := rec.Streak
		ctx := []string{T(lang, "fb.streak", st.Current, st.Best, st.Freezes)}
		if rec.RankAfter > 0 {
			ctx = append(ctx, T(lang, "fb.rank", rec.RankAfter, rankMove(lang, rec.RankBefore, rec.RankAfter)))
		}
		m.Context = strings.Join(ctx, " ・ ")
	}
	return m
}

func rankMove(lang string, before, after int) string {
	switch {
	case before == 0:
		return T(lang, "fb.rank.new")
	case after < before:
		return T(lang, "fb.rank.up", before-after)
	case after > before:
		return T(lang, "fb.rank.down", after-before)
	}
	return T(lang, "fb.rank.same")
}

// explainMessage shows a question with its answer and memo passage.
func (b *Bot) explainMessage(q *questions.Question, lang string) Message {
	s := b.snapshotOf(q)
	m := b.feedback(s, s.AnswerID, lang, nil, "")
	m.Kind, m.Tone = KindText, Neutral
	m.Title = T(lang, "explain.title", q.ID) + " — " + b.domainLabel(lang, q.Domain, q.DomainTitle)
	var opts []string
	for i, o := range q.Options {
		opts = append(opts, fmt.Sprintf("%s) %s", questions.Letter(i), o.Text))
	}
	m.Body = q.Stem + "\n" + strings.Join(opts, "\n") + "\n\n" + m.Body
	if q.Source.Passage != "" {
		// the whole passage, where the answer's reply quotes only the proof
		m.Quote = q.Source.Passage + "\n— " + q.Source.Breadcrumb() + fmt.Sprintf(" (L%d)", q.Source.Line)
	}
	return m
}
