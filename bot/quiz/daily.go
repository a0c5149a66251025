package quiz

import (
	"context"
	"errors"
	"fmt"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/pace"
	"github.com/studybot/studybot/bot/render"
	"sync"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// snapshotOf freezes a question of bank as posted.
func snapshotOf(bank *questions.Bank, q *questions.Question) store.Snapshot {
	s := store.Snapshot{QuestionID: q.ID, Domain: q.Domain, Item: q.Item, DomainTitle: q.DomainTitle, Type: string(q.Type), Stem: q.Stem,
		AnswerID: q.AnswerKey(), MemoHash: bank.Memo.Hash, Source: q.Source.Quote,
		Explanation: explanationOf(q)}
	for _, o := range q.Options {
		s.Options = append(s.Options, store.SnapOption{ID: o.ID, Text: o.Text, Why: o.Quote})
	}
	return s
}

// explanationOf is what the private reply quotes: the memo passage with
// its breadcrumb, after an authored question's own explanation; an
// authored question resting on no memo line shows its explanation alone.
func explanationOf(q *questions.Question) string {
	if q.Rationale == "" {
		return render.QuoteSource(q.Source.Quote, q.Source)
	}
	if q.Source.Quote == "" {
		return q.Rationale
	}
	return q.Rationale + "\n" + render.QuoteSource(q.Source.Quote, q.Source)
}

// card renders a post's card as it should look now, with answers so far.
func (b *Quiz) card(p store.Post, lang string, answers int) render.Message {
	loc := store.Channel{TZ: b.Cfg.TZ}.Location()
	if ch, err := b.DB.GetChannel(p.Space, p.Channel); err == nil {
		loc = ch.Location()
	}
	return render.CardMessage(p, lang, b.DomainLabel(lang, p.Question.Domain, p.Question.DomainTitle), answers, b.Now(), loc)
}

// results gathers what a post's results show (mentions, streak
// milestones) and renders them.
func (b *Quiz) results(p store.Post, r store.Results, lang string, plat core.Platform) render.Message {
	var milestones []render.Milestone
	if answers, err := b.DB.PostAnswers(p.ID); err == nil {
		at := map[int]int{} // streak length → index in milestones
		for _, a := range answers {
			st, err := b.DB.GetStreak(p.Space, a.UserID)
			if err != nil || st.Current == 0 || st.Current%store.FreezeEvery != 0 {
				continue
			}
			i, ok := at[st.Current]
			if !ok {
				i = len(milestones)
				at[st.Current] = i
				milestones = append(milestones, render.Milestone{Days: st.Current})
			}
			milestones[i].Users = append(milestones[i].Users, plat.Mention(a.UserID))
		}
	}
	m := render.ResultsMessage(p, r, lang, b.DomainLabel(lang, p.Question.Domain, p.Question.DomainTitle), plat.Mention, milestones)
	if st := b.sourceState(p.Question); st == sourceChanged || st == sourceGone {
		m.Body += "\n" + render.T(lang, "history."+string(st))
	}
	return m
}

// postWorkers bounds how many channels post (or close) at once: each
// channel is handled under its own lock, so one slow platform call holds
// up only its channel and a worker.
const postWorkers = pace.Workers

// DueTask is the posting pool's task for one channel's due slot
// (runDueChannel).
func (b *Quiz) DueTask(sp core.Space, channel string, now time.Time) pace.Task[core.ChanKey] {
	return pace.Task[core.ChanKey]{Key: core.ChanKey{Space: sp, Channel: channel}, Run: func(ctx context.Context) time.Duration {
		return b.runDueChannel(ctx, sp, channel, now)
	}}
}

// runDueChannel posts the channel's due slot, if any. On a Paced platform
// it first books the card's turn under the platform's rate limits (a later
// run gets the time left on the booking) and, while the turn has not come
// or a 429 parked the channel's route, returns how long to wait: the pool
// then runs it again after that, and the worker posts elsewhere meanwhile.
// It returns 0 when the channel is done.
func (b *Quiz) runDueChannel(ctx context.Context, sp core.Space, channel string, now time.Time) time.Duration {
	defer b.Track()()
	if !b.owns(sp) {
		return 0
	}
	ch, err := b.DB.GetChannel(sp, channel)
	if err != nil {
		b.Log.Error("due channel", "channel", channel, "err", err)
		return 0
	}
	if ch.Paused {
		return 0
	}
	b.digests.TimedDigest(ch, now)
	slot, post, err := dueSlot(ch, now, b.Cfg.Grace)
	if err != nil {
		// a stored spec refused now (say an old "@every 1s"): say so once
		// per spec, not on every turn of the loop
		if _, told := b.badSpecs.LoadOrStore(sp.String()+"/"+channel+"\x00"+ch.TZ+"\x00"+ch.Cron, true); !told {
			b.Log.Error("channel schedule refused; nothing is posted until an admin sets another", "channel", channel, "err", err)
			b.Metrics.Error("schedule")
		}
		return 0
	}
	if slot.IsZero() {
		return 0
	}
	if !post {
		b.Log.Warn("slot missed beyond the catch-up grace; skipped", "channel", channel, "slot", slot)
		b.setLastFired(sp, channel, slot)
		return 0
	}
	paced, _ := b.paced(sp.Platform)
	if paced != nil {
		if d := paced.ReservePost(channel); d > 0 {
			return d
		}
	}
	_, err = b.postSlot(ctx, ch, slot, true)
	var rl *pace.RateLimitError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, time.Millisecond) // nothing was posted or stored: book again then
	}
	if paced != nil {
		paced.CancelPost(channel) // unused when nothing was posted (no-op otherwise)
	}
	var held *heldError
	var skip *skipError
	switch {
	case errors.As(err, &held):
		b.loop.Hold(core.ChanKey{Space: sp, Channel: channel}, held.until) // the loop wakes then; the slot stays due
		return 0
	case errors.As(err, &skip):
		b.loop.Hold(core.ChanKey{Space: sp, Channel: channel}, time.Time{})
		b.Log.Info("slot skipped to keep the channel's pace", "channel", channel, "slot", slot, "reason", skip.err, "until", skip.at)
		return 0
	}
	b.loop.Hold(core.ChanKey{Space: sp, Channel: channel}, time.Time{})
	if at := b.Now(); at.After(now) {
		now = at // a rate limit held the post back: the lag includes that
	}
	b.Metrics.SchedulerLag(now.Sub(slot))
	if err != nil && !errors.Is(err, store.ErrSlotTaken) && !errors.Is(err, errStale) {
		b.Log.Error("daily post", "channel", channel, "slot", slot, "err", err)
		b.Metrics.Error("post")
		return 0
	}
	b.digests.ScheduleDigest(ch, slot)
	return 0
}

// paced returns the named platform's Paced capability, if it has one.
func (b *Quiz) paced(name string) (pace.Paced, bool) {
	plat, err := b.Platform(name)
	if err != nil {
		return nil, false
	}
	p, ok := plat.(pace.Paced)
	return p, ok
}

// postSlot picks a question for a slot, posts its card and stores the post
// in one commit. A scheduled slot is re-checked under the channel's lock
// first: a post-now or another fire may have handled it meanwhile. Only
// scheduled slots move the channel's LastFired, in the same commit.
//
// The order is card first, then the commit (store.CreatePost: the slot
// guard, the post with the card's reference and LastFired), then the
// previous question's close:
//   - nothing is closed unless the slot was claimed: the previous question
//     closes only after the commit (the hardening's slot guard), so under
//     the channel's lock a stale or refused post never closes anything;
//   - the card's intent (the prepared post and its nonce) is written
//     before the platform call, to the store's side file without an
//     fsync, and the commit removes it: a crash between the card and the
//     commit leaves an intent without a post, which the due-loop's next
//     full turn resolves instead of posting the slot again (intent.go:
//     Discord re-sends with the nonce and adopts the first card; Slack's
//     post is committed unconfirmed and adopted from its first click).
//     The gate (cadence.go) is judged under the lock before all this;
//   - the slot guard, the post with the card's reference and LastFired
//     are still one commit of the database after the card;
//   - a click on the card before its commit waits for it (awaitPost), so
//     an acknowledged answer is still a recorded one;
//   - a card the platform refused for its rate limits (*RateLimitError)
//     posted and stored nothing (its intent is dropped): the caller tries
//     again later; a call cut short by shutdown keeps its intent, resolved
//     after the restart, as the platform may have taken the card;
//   - a card that failed otherwise is stored as a failed first try, in
//     the same commit, and its closing task tries it again with a
//     backoff (deliverCard).
func (b *Quiz) postSlot(ctx context.Context, ch store.Channel, slot time.Time, scheduled bool) (store.Post, error) {
	defer b.LockChannel(ch.Space, ch.ID)()
	prev, prevErr := b.DB.LatestPost(ch.Space, ch.ID)
	if prevErr != nil && !errors.Is(prevErr, store.ErrNotFound) {
		return store.Post{}, prevErr
	}
	if scheduled {
		cur, err := b.DB.GetChannel(ch.Space, ch.ID)
		if err != nil {
			return store.Post{}, err
		}
		if !slot.After(cur.LastFired) {
			return store.Post{}, errStale
		}
		ch = cur
		if prevErr == nil && !prev.Slot.Before(slot) {
			// a post-now at or after the slot covers it
			b.setLastFired(ch.Space, ch.ID, slot)
			return store.Post{}, errStale
		}
	} else if prevErr == nil && prev.Slot.Equal(slot.UTC()) {
		return prev, fmt.Errorf("post %s/%s at %s: %w", ch.Space, ch.ID, slot.Format(time.RFC3339), store.ErrSlotTaken)
	}
	// the invariants (cadence.go), under the lock, as stored
	grace := b.Cfg.Grace
	if !scheduled {
		grace = -1 // a post-now never waits
	}
	switch v, at, err := gate(prev, prevErr == nil, slot, b.Now(), grace); v {
	case gateWait:
		return store.Post{}, &heldError{until: at}
	case gateSkip:
		if scheduled {
			b.setLastFired(ch.Space, ch.ID, slot)
		}
		return store.Post{}, &skipError{at: at, err: err}
	}
	plat, err := b.Platform(ch.Space.Platform)
	if err != nil {
		return store.Post{}, err
	}
	bank := b.Bank() // one bank for the draw and the snapshot, whatever a reload does meanwhile
	flags, err := b.turnFlags(ctx, ch.Space)
	if err != nil {
		return store.Post{}, err
	}
	q, err := b.Pick(bank, ch, slot, flags)
	if err != nil {
		return store.Post{}, err
	}
	now := b.Now()
	p, err := b.DB.PreparePost(store.Post{Space: ch.Space, Channel: ch.ID, Slot: slot, Question: snapshotOf(bank, q),
		OpenedAt: now, ClosesAt: b.closesAt(ch, slot, now)})
	if err != nil {
		return store.Post{}, err
	}
	// the card's intent before the platform call (intent.go)
	in, err := b.DB.RecordIntent(store.PostIntent{Post: p, Scheduled: scheduled, Nonce: p.ID, At: now})
	if errors.Is(err, store.ErrIntentPending) {
		// a card for this slot may be on the platform from before a
		// restart: resolve it, never post it blindly again
		return b.resolveIntent(ctx, plat, in)
	}
	if errors.Is(err, store.ErrSlotTaken) && scheduled {
		b.setLastFired(ch.Space, ch.ID, slot)
	}
	if err != nil {
		return store.Post{}, err
	}
	defer b.posting(p.ID)()
	lang := ch.Lang
	if lang == "" {
		lang = b.Cfg.Lang
	}
	card := render.CardMessage(p, lang, b.DomainLabel(lang, p.Question.Domain, p.Question.DomainTitle), 0, now, ch.Location())
	ref, sendErr := postCardOnce(ctx, plat, ch.ID, card, in.Nonce)
	var rl *pace.RateLimitError
	switch {
	case errors.As(sendErr, &rl):
		// nothing was posted: the slot stays due, without an intent
		if err := b.DB.DropIntent(p.ID); err != nil {
			b.Log.Error("drop card intent", "post", p.ID, "err", err)
		}
		return store.Post{}, sendErr
	case sendErr != nil && ctx.Err() != nil:
		// shutting down: the platform may have taken the card; its intent
		// is resolved after the restart
		return store.Post{}, sendErr
	case sendErr == nil:
		p.MessageRef = ref
	default:
		p.SendFailures, p.NextSend = 1, now.Add(pace.RetryWait(1))
	}
	create := b.DB.CreatePost
	if scheduled {
		create = b.DB.CreateScheduledPost // moves LastFired in the same commit
	}
	p, err = create(p)
	if err != nil {
		if sendErr == nil && !errors.Is(err, store.ErrSlotTaken) {
			b.Log.Error("card posted but not stored; its intent is resolved on the loop's next full turn", "channel", ch.ID, "slot", slot, "ref", ref, "err", err)
		}
		return p, err
	}
	if sendErr != nil {
		b.Metrics.Error("platform")
		b.setChannelError(p.Space, p.Channel, sendErr)
		b.Log.Warn("post card failed; will try again", "channel", p.Channel, "slot", p.Slot,
			"tries", p.SendFailures, "next", p.NextSend, "err", sendErr)
	} else {
		b.Metrics.Posted(p.Space.Platform)
		b.setChannelError(p.Space, p.Channel, nil)
	}
	// the previous question of the channel closes once the slot is claimed
	if prevErr == nil && !prev.Closed && prev.ID != p.ID {
		b.closePost(ctx, prev)
	}
	return p, nil
}

// setLastFired records a handled slot; only the due path calls it.
func (b *Quiz) setLastFired(sp core.Space, channel string, slot time.Time) {
	if err := b.DB.SetLastFired(sp, channel, slot); err != nil {
		b.Log.Error("set last fired", "channel", channel, "slot", slot, "err", err)
		b.Metrics.Error("store")
	}
}

// maxSendTries is how many tries a card gets in all before its slot is
// given up: with pace.RetryWait's waits, 1, 2, 4, 8, 16, 30 and 30 minutes
// apart, so over an hour and a half rather than every minute until the
// question would close.
const maxSendTries = 8

// nextSend is when an undelivered post's card is due to be tried again.
func nextSend(p store.Post) time.Time {
	if p.NextSend.IsZero() {
		// never tried, or the process stopped before recording the try
		return p.OpenedAt.Add(pace.FirstRetry)
	}
	return p.NextSend
}

// deliverCard posts a post's card and records the outcome: on success the
// channel's last error is cleared; on failure the error is kept for
// /studybot status and the next try is scheduled, and after maxSendTries
// the slot is given up (the post closes without results, the admins are
// told once in the log and the metrics). The caller holds the channel's
// lock (lockChannel). A card a rate limit refused is not a failure: it
// returns how long until it may be tried again (else 0).
func (b *Quiz) deliverCard(ctx context.Context, p store.Post, lang string) (again time.Duration) {
	err := b.sendCard(ctx, p, lang)
	if err == nil {
		b.setChannelError(p.Space, p.Channel, nil)
		return 0
	}
	if ctx.Err() != nil {
		return 0 // shutting down: not the platform's failure
	}
	var rl *pace.RateLimitError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, time.Millisecond)
	}
	b.setChannelError(p.Space, p.Channel, err)
	now := b.Now()
	saved, serr := b.DB.RecordSendFailure(p.ID, now.Add(pace.RetryWait(p.SendFailures+1)))
	if serr != nil {
		b.Log.Error("record send failure", "post", p.ID, "err", serr)
		b.Metrics.Error("store")
		return 0
	}
	p = saved
	if p.SendFailures < maxSendTries {
		b.Log.Warn("post card failed; will try again", "channel", p.Channel, "slot", p.Slot,
			"tries", p.SendFailures, "next", p.NextSend, "err", err)
		return 0
	}
	b.Log.Error("card never reached the channel; gave up on this slot", "channel", p.Channel, "slot", p.Slot,
		"tries", p.SendFailures, "err", err)
	b.Metrics.Error("post_gave_up")
	b.closePost(ctx, p)
	return 0
}

// maxErrorText bounds the error kept for /studybot status.
const maxErrorText = 300

// setChannelError records err (nil: clears it) as the channel's last
// posting error, writing only when that changes it.
func (b *Quiz) setChannelError(sp core.Space, channel string, err error) {
	text := ""
	if err != nil {
		text = err.Error()
		if r := []rune(text); len(r) > maxErrorText {
			text = string(r[:maxErrorText]) + "…"
		}
	}
	if ch, gerr := b.DB.GetChannel(sp, channel); gerr == nil && ch.LastError == text && text == "" {
		return
	}
	now := b.Now()
	_, uerr := b.DB.UpdateChannel(sp, channel, func(c *store.Channel) error {
		c.LastError, c.LastErrorAt = text, now.UTC()
		if text == "" {
			c.LastErrorAt = time.Time{}
		}
		return nil
	})
	if uerr != nil && !errors.Is(uerr, store.ErrNotFound) {
		b.Log.Error("set channel error", "channel", channel, "err", uerr)
		b.Metrics.Error("store")
	}
}

// sendCard posts a post's card and stores the platform's reference.
func (b *Quiz) sendCard(ctx context.Context, p store.Post, lang string) error {
	plat, err := b.Platform(p.Space.Platform)
	if err != nil {
		return err
	}
	ref, err := postCardOnce(ctx, plat, p.Channel, b.card(p, lang, 0), p.ID) // the post's nonce, as its first try
	if err != nil {
		b.Metrics.Error("platform")
		return fmt.Errorf("post card: %w", err)
	}
	b.Metrics.Posted(p.Space.Platform)
	if err := b.DB.SetPostMessage(p.ID, ref); err != nil {
		b.Log.Error("set post message", "err", err)
	}
	return nil
}

// PostNow posts a question in a channel at once (slot = now). Its platform
// calls end when ctx is done or Close gives up on them.
func (b *Quiz) PostNow(ctx context.Context, sp core.Space, channel string) (store.Post, error) {
	ctx, cancel := b.CallCtx(ctx)
	defer cancel()
	ch, err := b.EnsureChannel(sp, channel)
	if err != nil {
		return store.Post{}, err
	}
	p, err := b.postSlot(ctx, ch, b.Now().Truncate(time.Second), false)
	if err == nil {
		b.Wake() // the due-loop learns the new question's closing time
	}
	return p, err
}

// NextPostEvent returns the next time an open post closes or an
// undelivered card is due to be tried again, after now (zero if none).
func (b *Quiz) NextPostEvent(now time.Time) time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	open, err := b.DB.OpenPosts()
	if err != nil {
		b.Log.Error("next event: open posts", "err", err)
	}
	for _, p := range open {
		consider(p.ClosesAt)
		if p.MessageRef == "" && !p.Unconfirmed {
			consider(nextSend(p))
		}
	}
	return next
}

// CurrentCard returns the card of a channel's open post, as it should look
// now (for adapters that show it again, e.g. after a restart).
func (b *Quiz) CurrentCard(sp core.Space, channel string) (render.Message, error) {
	p, err := b.DB.LatestPost(sp, channel)
	if err != nil {
		return render.Message{}, err
	}
	if p.Closed {
		return render.Message{}, fmt.Errorf("channel %s/%s: %w", sp, channel, store.ErrClosed)
	}
	res, err := b.DB.PostResults(p.ID, 0)
	if err != nil {
		return render.Message{}, err
	}
	return b.card(p, b.ChannelLang(sp, channel), res.Total), nil
}

// WithTurn returns ctx for one turn of the due-loop: the turn reads each
// space's item flags once, however many of its channels post.
func WithTurn(ctx context.Context) context.Context {
	return context.WithValue(ctx, flagsKey{}, &flagsCache{m: map[core.Space]*flagsEntry{}})
}

// flagsKey is the context key of a due turn's flagsCache.
type flagsKey struct{}

// flagsCache holds each space's item flags for one due turn, so that a
// turn posting in many channels of a space reads the space's item
// statistics once, not once per channel. Flags are as of the turn's start.
type flagsCache struct {
	mu sync.Mutex
	m  map[core.Space]*flagsEntry
}

// flagsEntry is one space's flags, computed once.
type flagsEntry struct {
	once  sync.Once
	flags map[string][]core.Flag
	err   error
}

// turnFlags returns the space's item flags: from the due turn's cache in
// ctx if there is one, else read now.
func (b *Quiz) turnFlags(ctx context.Context, sp core.Space) (map[string][]core.Flag, error) {
	c, ok := ctx.Value(flagsKey{}).(*flagsCache)
	if !ok {
		return b.ItemFlags(sp)
	}
	c.mu.Lock()
	e := c.m[sp]
	if e == nil {
		e = &flagsEntry{}
		c.m[sp] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.flags, e.err = b.ItemFlags(sp) })
	return e.flags, e.err
}
