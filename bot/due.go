package bot

import (
	"context"
	"github.com/studybot/studybot/bot/quiz"
	"time"
)

// RunDue closes every post past its closing time and posts every
// channel's due slot, as of now, then sends the review reminders due.
// Closing and posting share one task queue: a channel's closing comes
// before its posting, and a rate limit holds up only its own channel. The due-loop (Run) calls it; so do the
// console's /tick and tests with a fake clock. Platform calls end when ctx
// is done or Close gives up on them.
func (b *Bot) RunDue(ctx context.Context, now time.Time) {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	ctx = quiz.WithTurn(ctx)
	chans, err := b.db.Channels()
	if err != nil {
		b.log.Error("list channels", "err", err)
		return
	}
	b.quiz.ResolveIntents(ctx) // cards a dead process may have posted, before anything is posted again
	tasks := b.quiz.CloseTasks(now)
	for _, ch := range chans {
		tasks = append(tasks, b.quiz.DueTask(ch.Space, ch.ID, now))
	}
	chans = nil // the tasks hold what they need
	b.runTasks(ctx, tasks)
	b.digest.StartDigests()
	b.learn.RunReminders(ctx, now)
}

// NextEvent returns the next time something happens: a post closing, a
// channel's next slot or a review reminder, after now (zero if nothing is
// scheduled).
func (b *Bot) NextEvent(now time.Time) time.Time {
	next := b.quiz.NextPostEvent(now)
	consider := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	chans, err := b.db.Channels()
	if err != nil {
		b.log.Error("next event: channels", "err", err)
	}
	for _, ch := range chans {
		consider(nextChannelEvent(ch, now))
	}
	consider(b.learn.NextReminder())
	consider(b.due.firstHold(now))
	return next
}
