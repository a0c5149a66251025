package bot

import (
	"context"

	"github.com/studybot/studybot/bot/render"
)

// HandleClick handles a button: a daily card's answer, a practice or
// personal review answer, or an admin's review verdict. It returns the
// private reply at once.
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
		return b.quiz.PracticeAnswer(c, lang, id, opt, false)
	case "v":
		return b.quiz.PracticeAnswer(c, lang, id, opt, true)
	case "r":
		return b.curate.ReviewClick(c, lang, id, opt)
	}
	return b.quiz.Answer(ctx, c, lang, id, opt)
}
