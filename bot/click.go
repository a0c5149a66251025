package bot

import (
	"context"

	"github.com/studybot/studybot/bot/render"
)

// HandleClick handles a button: a daily card's answer, a practice or
// personal review answer, an admin's review verdict, or a button of the
// progress view (a command run as if typed, a card shown again). It
// returns the private reply at once.
func (b *Bot) HandleClick(ctx context.Context, c Click) Response {
	defer b.track()()
	lang := b.channelLang(c.Space, c.Channel)
	if name, args, _, ok := render.ParseCommandAction(c.ActionID); ok {
		return b.HandleCommand(ctx, Command{Space: c.Space, Channel: c.Channel, DM: c.Channel == "", User: c.User, Admin: c.Admin, Name: name, Args: args})
	}
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
	case "o":
		return b.quiz.ShowCard(c, lang, id)
	}
	return b.quiz.Answer(ctx, c, lang, id, opt)
}
