package bot

import (
	"context"

	"github.com/robfig/cron/v3"

	"github.com/studybot/studybot/bot/quiz"
	"github.com/studybot/studybot/store"
)

// NoncePoster is quiz.NoncePoster: a Platform whose card posts take an
// idempotency key.
type NoncePoster = quiz.NoncePoster

// MinInterval is the shortest time allowed between two posts of a
// schedule (quiz.MinInterval).
const MinInterval = quiz.MinInterval

// ErrNoQuestion says no question is available to post (quiz.ErrNoQuestion).
var ErrNoQuestion = quiz.ErrNoQuestion

// ParseSchedule parses a channel's cron spec in its zone and refuses one
// that posts more often than once an hour or never (see
// quiz.ParseSchedule).
func ParseSchedule(spec, tz string) (cron.Schedule, error) { return quiz.ParseSchedule(spec, tz) }

// PostNow posts a question in a channel now, outside its schedule (see
// quiz.Quiz.PostNow).
func (b *Bot) PostNow(ctx context.Context, sp Space, channel string) (store.Post, error) {
	return b.quiz.PostNow(ctx, sp, channel)
}

// CurrentCard returns the card of a channel's open post, as it should look
// now (for adapters that show it again, e.g. after a restart).
func (b *Bot) CurrentCard(sp Space, channel string) (Message, error) {
	return b.quiz.CurrentCard(sp, channel)
}
