package quiz

import (
	"context"
	"errors"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/pace"
	"time"

	"github.com/studybot/studybot/store"
)

// Closing a question: the post is closed in the store (answers after that
// are refused), its card is updated to the closed state, and its results
// are posted. The due-loop does it as a task of the same queue as posting
// (runTasks), so a rate limit on the results keeps the channel queued
// rather than a worker waiting:
//   - the close is one commit under the channel's lock, as before: the
//     slot guard and a post in the same channel never interleave with it,
//     and only the call that closed the post posts its results;
//   - the closed card goes to the card updater (coalescer.final): at once
//     when the platform allows an update now, else when it does. The
//     results never wait for it: a platform that allows few updates
//     (Slack's chat.update, about 50 a minute) holds back only the cards'
//     look, not the results;
//   - the results are booked under the platform's limits (PacedMessages)
//     and posted on the booking; a rate limit re-queues the task until
//     the retry-after, and the channel's next card, a later task of the
//     same channel, waits for them;
//   - a results post that fails otherwise is logged, as before, and a
//     process that stops before the results went out does not post them
//     after the restart (the post is closed): the shutdown logs each one
//     it leaves.

// CloseTasks returns the pool's tasks for the open posts due now: closing
// those past their closing time and trying again the cards that never
// reached their platform, when their retry is due.
func (b *Quiz) CloseTasks(now time.Time) []pace.Task[core.ChanKey] {
	open, err := b.DB.OpenPosts()
	if err != nil {
		b.Log.Error("open posts", "err", err)
		return nil
	}
	var tasks []pace.Task[core.ChanKey]
	for _, p := range open {
		if !p.ClosesAt.After(now) || p.MessageRef == "" && !p.Unconfirmed && !now.Before(nextSend(p)) {
			c := &closeJob{p: p, now: now}
			tasks = append(tasks, pace.Task[core.ChanKey]{Key: core.ChanKey{Space: p.Space, Channel: p.Channel}, Run: func(ctx context.Context) time.Duration {
				return b.runClose(ctx, c)
			}, Dropped: func() {
				if c.closed {
					b.Log.Warn("shutting down: a closed question's results, held back by a rate limit, are not posted",
						"channel", c.p.Channel, "post", c.p.ID)
					b.Metrics.Error("platform")
				}
			}})
		}
	}
	return tasks
}

// closeJob is one open post's task, kept between its runs.
type closeJob struct {
	p      store.Post
	now    time.Time // the due-loop turn's time
	closed bool      // this task closed the post: its results are to post
}

// runClose closes the post, or tries its card again, and posts the
// results; it returns how long until it must run again (0: done).
func (b *Quiz) runClose(ctx context.Context, c *closeJob) time.Duration {
	defer b.Track()()
	if !b.owns(c.p.Space) {
		return 0
	}
	if c.closed {
		return b.postResults(ctx, c)
	}
	if c.p.ClosesAt.After(c.now) {
		return b.redeliver(ctx, c)
	}
	unlock := b.LockChannel(c.p.Space, c.p.Channel)
	p, did := b.closeOnly(c.p)
	if !did {
		unlock()
		return 0
	}
	b.cards.final(ctx, p)
	unlock()
	c.p, c.closed = p, true
	return b.postResults(ctx, c)
}

// redeliver tries again a card that never reached its platform, on a
// booking of the card's turn like a due post.
func (b *Quiz) redeliver(ctx context.Context, c *closeJob) time.Duration {
	p := c.p
	paced, _ := b.paced(p.Space.Platform)
	if paced != nil {
		if d := paced.ReservePost(p.Channel); d > 0 {
			return d // the booking's time left on later runs
		}
	}
	defer b.LockChannel(p.Space, p.Channel)()
	// under the lock, as stored: the listing may be stale
	cur, err := b.DB.GetPost(p.ID)
	if err != nil || cur.Closed || cur.MessageRef != "" || cur.Unconfirmed || c.now.Before(nextSend(cur)) {
		if paced != nil {
			paced.CancelPost(p.Channel)
		}
		return 0
	}
	again := b.deliverCard(ctx, cur, b.ChannelLang(p.Space, p.Channel))
	if again == 0 && paced != nil {
		paced.CancelPost(p.Channel) // unused when nothing was posted (no-op otherwise)
	}
	return again
}

// postResults posts a closed post's results: on a platform with
// PacedMessages it books them first and, while the booking's turn has not
// come or a rate limit refused them, returns how long to wait.
func (b *Quiz) postResults(ctx context.Context, c *closeJob) time.Duration {
	p := c.p
	plat, err := b.Platform(p.Space.Platform)
	if err != nil {
		b.Log.Error("post results", "post", p.ID, "err", err)
		return 0
	}
	pm, paced := plat.(pace.PacedMessages)
	if paced {
		if d := pm.ReserveMessage(p.Channel); d > 0 {
			return d // the booking's time left on later runs
		}
	}
	callCtx := ctx
	if paced {
		callCtx = pace.WithBooking(ctx)
	}
	defer b.LockChannel(p.Space, p.Channel)()
	err = b.sendResults(callCtx, plat, p)
	var rl *pace.RateLimitError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, time.Millisecond)
	}
	if paced {
		pm.CancelMessage(p.Channel) // unused when nothing was posted (no-op otherwise)
	}
	return 0
}

// sendResults renders a closed post's results and posts them. It logs
// any failure but a rate limit, which it returns.
func (b *Quiz) sendResults(ctx context.Context, plat core.Platform, p store.Post) error {
	res, err := b.DB.PostResults(p.ID, 3)
	if err != nil {
		b.Log.Error("results", "err", err)
		return nil
	}
	err = plat.Post(ctx, p.Channel, b.results(p, res, b.ChannelLang(p.Space, p.Channel), plat))
	var rl *pace.RateLimitError
	if errors.As(err, &rl) {
		return err
	}
	if err != nil {
		b.Log.Error("post results", "post", p.ID, "err", err)
		b.Metrics.Error("platform")
	}
	return nil
}

// closeOnly closes a post in the store and reports whether this call
// closed a post whose card reached its channel (whose results are then
// this caller's to post). The caller holds the channel's lock.
func (b *Quiz) closeOnly(p store.Post) (store.Post, bool) {
	p, did, err := b.DB.ClosePost(p.ID)
	if err != nil || !did {
		if err != nil {
			b.Log.Error("close post", "post", p.ID, "err", err)
		}
		return p, false
	}
	b.cards.forget(p.ID)
	if p.MessageRef == "" && p.Unconfirmed {
		b.Log.Warn("closed a question whose card may have been posted before a restart and was never clicked; no results posted", "channel", p.Channel, "slot", p.Slot)
		return p, false
	}
	if p.MessageRef == "" {
		b.Log.Warn("closed a question that never reached the channel; no results posted", "channel", p.Channel, "slot", p.Slot)
		return p, false
	}
	return p, true
}

// closePost closes a post, updates its card and posts the results, there
// and then (a post-now closing the question before it, a card given up).
// It is idempotent: only the call that closes the post posts results. A
// post whose card never reached the channel closes without results. The
// caller holds the channel's lock.
func (b *Quiz) closePost(ctx context.Context, p store.Post) {
	p, did := b.closeOnly(p)
	if !did {
		return
	}
	b.cards.final(ctx, p)
	plat, err := b.Platform(p.Space.Platform)
	if err != nil {
		b.Log.Error("close post", "err", err)
		return
	}
	if err := b.sendResults(ctx, plat, p); err != nil {
		b.Log.Error("post results", "post", p.ID, "err", err)
		b.Metrics.Error("platform")
	}
}
