package bot

import (
	"context"
	"errors"
	"github.com/studybot/studybot/bot/render"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// HandleClick handles an answer button. It records the answer (the store
// makes one-answer-per-user atomic), marks the card for a coalesced update
// and returns the private reply at once.
func (b *Bot) HandleClick(ctx context.Context, c Click) Response {
	defer b.track()()
	lang := b.channelLang(c.Space, c.Channel)
	kind, id, opt, ok := render.ParseAction(c.ActionID)
	if !ok {
		b.metrics.Answered(c.Space.Platform, "invalid")
		return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.button")})
	}
	switch kind {
	case "p":
		return b.practiceAnswer(c, lang, id, opt, false)
	case "v":
		return b.practiceAnswer(c, lang, id, opt, true)
	case "r":
		return b.curate.ReviewClick(c, lang, id, opt)
	}
	p, err := b.db.GetPost(id)
	if errors.Is(err, store.ErrNotFound) && b.awaitPost(ctx, id) {
		p, err = b.db.GetPost(id) // a click on a card whose commit was under way
	}
	if errors.Is(err, store.ErrNotFound) || err == nil && (p.Question.OptionIndex(opt) < 0 || p.Space != c.Space) {
		b.metrics.Answered(c.Space.Platform, "invalid")
		return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.button")})
	}
	if err != nil {
		return b.internalError(lang, "get post", err)
	}
	b.adoptCard(ctx, p, c.MessageRef) // an unconfirmed post's card, first seen here
	rec, err := b.db.RecordAnswer(p.ID, c.User, opt)
	switch {
	case err == nil:
		b.metrics.Answered(c.Space.Platform, "counted")
		b.cards.mark(p.ID)
		b.learn.Record(c.Space, c.User, p.Question.Item, p.Question.QuestionID, p.Question.Domain, rec.Answer.Correct)
		return render.Private(render.FeedbackMessage(p.Question, opt, lang, &rec, ""))
	case errors.Is(err, store.ErrAlreadyAnswered):
		b.metrics.Answered(c.Space.Platform, "duplicate")
		first := p.Question.OptionIndex(rec.Answer.OptionID)
		return render.Private(Message{Kind: KindFeedback, Body: T(lang, "fb.already", questions.Letter(first))})
	case errors.Is(err, store.ErrClosed):
		b.metrics.Answered(c.Space.Platform, "closed")
		return render.Private(render.FeedbackMessage(p.Question, opt, lang, nil, T(lang, "fb.closed")))
	}
	return b.internalError(lang, "record answer", err)
}

// practiceAnswer records an answer to a practice (/quiz) or, when review
// is set, a personal review (/review) question: in the user's stats and on
// the user's card for its item, never on leaderboards.
func (b *Bot) practiceAnswer(c Click, lang, qid, opt string, review bool) Response {
	bank := b.Bank()
	q, err := bank.Get(qid)
	if err != nil || q.OptionIndex(opt) < 0 {
		b.metrics.Answered(c.Space.Platform, "invalid")
		return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.button")})
	}
	if _, err := b.ensureSpace(c.Space); err != nil {
		return b.internalError(lang, "ensure space", err)
	}
	correct := q.Correct().ID == opt
	if err := b.db.RecordPractice(store.Practice{Space: c.Space, UserID: c.User, QuestionID: q.ID, Domain: q.Domain, Correct: correct}); err != nil {
		return b.internalError(lang, "record practice", err)
	}
	b.learn.Record(c.Space, c.User, q.Item, q.ID, q.Domain, correct)
	b.metrics.Answered(c.Space.Platform, "practice")
	foot := T(lang, "fb.practice")
	if review {
		foot = T(lang, "fb.review")
	}
	return render.Private(render.FeedbackMessage(snapshotOf(bank, q), opt, lang, nil, foot))
}
