package quiz

import (
	"context"
	"errors"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Answer records an answer to the daily card of post id (the store makes
// one-answer-per-user atomic), marks the card for a coalesced update and
// returns the private reply at once.
func (b *Quiz) Answer(ctx context.Context, c core.Click, lang, id, opt string) render.Response {
	p, err := b.DB.GetPost(id)
	if errors.Is(err, store.ErrNotFound) && b.awaitPost(ctx, id) {
		p, err = b.DB.GetPost(id) // a click on a card whose commit was under way
	}
	if errors.Is(err, store.ErrNotFound) || err == nil && (!knownChoice(p.Question, opt, c.Values) || p.Space != c.Space) {
		b.Metrics.Answered(c.Space.Platform, "invalid")
		return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "err.button")})
	}
	if err != nil {
		return b.InternalError(lang, "get post", err)
	}
	opt, refused := choiceKey(p.Question, opt, c.Values, lang)
	if refused != nil {
		b.Metrics.Answered(c.Space.Platform, "invalid")
		return *refused
	}
	b.adoptCard(ctx, p, c.MessageRef) // an unconfirmed post's card, first seen here
	rec, err := b.DB.RecordAnswer(p.ID, c.User, opt)
	switch {
	case err == nil:
		b.Metrics.Answered(c.Space.Platform, "counted")
		b.cards.mark(p.ID)
		b.learner.Record(c.Space, c.User, p.Question.Item, p.Question.QuestionID, p.Question.Domain, rec.Answer.Correct)
		return render.Private(render.FeedbackMessage(p.Question, opt, lang, &rec, ""))
	case errors.Is(err, store.ErrAlreadyAnswered):
		b.Metrics.Answered(c.Space.Platform, "duplicate")
		yours := questions.Letter(p.Question.OptionIndex(rec.Answer.OptionID))
		if render.ChooseCount(p.Question) > 1 {
			yours = render.ChoiceLetters(p.Question, rec.Answer.OptionID)
		}
		return render.Private(render.Message{Kind: render.KindFeedback, Body: render.T(lang, "fb.already", yours)})
	case errors.Is(err, store.ErrClosed):
		b.Metrics.Answered(c.Space.Platform, "closed")
		return render.Private(render.FeedbackMessage(p.Question, opt, lang, nil, render.T(lang, "fb.closed")))
	}
	return b.InternalError(lang, "record answer", err)
}

// PracticeAnswer records an answer to a practice (/quiz) or, when review
// is set, a personal review (/review) question: in the user's stats and on
// the user's card for its item, never on leaderboards.
func (b *Quiz) PracticeAnswer(c core.Click, lang, qid, opt string, review bool) render.Response {
	bank := b.Bank()
	q, err := bank.Get(qid)
	var snap store.Snapshot
	if err == nil {
		snap = snapshotOf(bank, q)
	}
	if err != nil || !knownChoice(snap, opt, c.Values) {
		b.Metrics.Answered(c.Space.Platform, "invalid")
		return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "err.button")})
	}
	opt, refused := choiceKey(snap, opt, c.Values, lang)
	if refused != nil {
		b.Metrics.Answered(c.Space.Platform, "invalid")
		return *refused
	}
	if _, err := b.EnsureSpace(c.Space); err != nil {
		return b.InternalError(lang, "ensure space", err)
	}
	correct := q.AnswerKey() == opt
	if err := b.DB.RecordPractice(store.Practice{Space: c.Space, UserID: c.User, QuestionID: q.ID, Domain: q.Domain, Correct: correct}); err != nil {
		return b.InternalError(lang, "record practice", err)
	}
	b.learner.Record(c.Space, c.User, q.Item, q.ID, q.Domain, correct)
	b.Metrics.Answered(c.Space.Platform, "practice")
	foot := render.T(lang, "fb.practice")
	if review {
		foot = render.T(lang, "fb.review")
	}
	return render.Private(render.FeedbackMessage(snap, opt, lang, nil, foot))
}

// ShowCard returns the card of post id privately, as it looks now, with
// buttons that answer it like the posted card's (the progress view's
// "show question"): an unknown post or one of another space is a stale
// button.
func (b *Quiz) ShowCard(c core.Click, lang, id string) render.Response {
	p, err := b.DB.GetPost(id)
	if errors.Is(err, store.ErrNotFound) || err == nil && p.Space != c.Space {
		return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "err.button")})
	}
	if err != nil {
		return b.InternalError(lang, "get post", err)
	}
	res, err := b.DB.PostResults(p.ID, 0)
	if err != nil {
		return b.InternalError(lang, "post results", err)
	}
	return render.Private(b.card(p, lang, res.Total))
}
