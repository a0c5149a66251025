package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// actionPrefix starts every action ID the core makes; adapters route
// clicks by it.
const actionPrefix = "sb1:"

func answerAction(postID, optionID string) string {
	return actionPrefix + "a:" + postID + ":" + optionID
}

func practiceAction(questionID, optionID string) string {
	return actionPrefix + "p:" + questionID + ":" + optionID
}

// snapshotOf freezes a question as posted.
func (b *Bot) snapshotOf(q *questions.Question) store.Snapshot {
	s := store.Snapshot{QuestionID: q.ID, Domain: q.Domain, DomainTitle: q.DomainTitle, Type: string(q.Type), Stem: q.Stem,
		AnswerID: q.Correct().ID, MemoHash: b.bank.Memo.Hash,
		Explanation: q.Source.Quote + "\n— " + q.Source.Breadcrumb() + fmt.Sprintf(" (L%d)", q.Source.Line)}
	for _, o := range q.Options {
		s.Options = append(s.Options, store.SnapOption{ID: o.ID, Text: o.Text, Why: o.Quote})
	}
	return s
}

// closesAt is CloseAfter after opening, or one minute before the channel's
// next slot, whichever is sooner.
func (b *Bot) closesAt(ch store.Channel, opened time.Time) time.Time {
	after := ch.CloseAfter
	if after <= 0 {
		after = b.cfg.CloseAfter
	}
	end := opened.Add(after)
	if s, err := channelSchedule(ch); err == nil {
		if next := s.Next(opened); !next.IsZero() && next.Add(-time.Minute).Before(end) && next.Add(-time.Minute).After(opened) {
			end = next.Add(-time.Minute)
		}
	}
	return end
}

// cardMessage renders a post as a question card.
func (b *Bot) cardMessage(p store.Post, lang string, answers int) Message {
	q := p.Question
	loc := store.Channel{TZ: b.cfg.TZ}.Location()
	if ch, err := b.db.GetChannel(p.Space, p.Channel); err == nil {
		loc = ch.Location()
	}
	m := Message{Kind: KindCard, PostID: p.ID, Title: T(lang, "card.title", p.Number, b.domainLabel(lang, q.Domain, q.DomainTitle)), Body: q.Stem}
	for i, o := range q.Options {
		m.Buttons = append(m.Buttons, Button{ActionID: answerAction(p.ID, o.ID), Label: questions.Letter(i), Text: o.Text, Disabled: p.Closed})
	}
	if p.Closed {
		m.Context = T(lang, "card.context.closed", answers, q.QuestionID)
	} else {
		m.Context = T(lang, "card.context", formatTime(p.ClosesAt, b.now(), loc), answers, q.QuestionID)
	}
	return m
}

// practiceCard renders a practice question for one user.
func (b *Bot) practiceCard(q *questions.Question, lang string) Message {
	m := Message{Kind: KindCard, Title: T(lang, "card.title.practice", b.domainLabel(lang, q.Domain, q.DomainTitle)), Body: q.Stem,
		Context: T(lang, "card.practice", q.ID)}
	for i, o := range q.Options {
		m.Buttons = append(m.Buttons, Button{ActionID: practiceAction(q.ID, o.ID), Label: questions.Letter(i), Text: o.Text})
	}
	return m
}

// RunDue posts every channel's due slot and closes every post past its
// closing time, as of now. The due-loop (Run) calls it; so do the
// console's /tick and tests with a fake clock. Platform calls end when ctx
// is done or Close gives up on them.
func (b *Bot) RunDue(ctx context.Context, now time.Time) {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	chans, err := b.db.Channels()
	if err != nil {
		b.log.Error("list channels", "err", err)
		return
	}
	b.closeDue(ctx, now)
	for _, ch := range chans {
		b.runDueChannel(ctx, ch.Space, ch.ID, now)
	}
}

// runDueChannel posts the channel's due slot, if any.
func (b *Bot) runDueChannel(ctx context.Context, sp Space, channel string, now time.Time) {
	defer b.track()()
	ch, err := b.db.GetChannel(sp, channel)
	if err != nil {
		b.log.Error("due channel", "channel", channel, "err", err)
		return
	}
	if ch.Paused {
		return
	}
	slot, post, err := dueSlot(ch, now, b.cfg.Grace)
	if err != nil {
		// a stored spec refused now (say an old "@every 1s"): say so once
		// per spec, not on every turn of the loop
		if _, told := b.badSpecs.LoadOrStore(sp.String()+"/"+channel+"\x00"+ch.TZ+"\x00"+ch.Cron, true); !told {
			b.log.Error("channel schedule refused; nothing is posted until an admin sets another", "channel", channel, "err", err)
			b.metrics.Error("schedule")
		}
		return
	}
	if slot.IsZero() {
		return
	}
	if !post {
		b.log.Warn("slot missed beyond the catch-up grace; skipped", "channel", channel, "slot", slot)
		b.setLastFired(sp, channel, slot)
		return
	}
	b.metrics.SchedulerLag(now.Sub(slot))
	if _, err := b.postSlot(ctx, ch, slot, true); err != nil && !errors.Is(err, store.ErrSlotTaken) && !errors.Is(err, errStale) {
		b.log.Error("daily post", "channel", channel, "slot", slot, "err", err)
		b.metrics.Error("post")
	}
}

// postSlot picks, stores and posts the question for a slot. Storing first
// (with the slot guard) makes a double fire or a restart harmless, and
// nothing is closed unless the slot was free; a card that failed to reach
// the platform is tried again by closeDue, with a backoff (deliverCard).
// A scheduled slot is re-checked under the lock: a post-now or another
// fire may have handled it meanwhile. Only scheduled slots move the channel's LastFired.
func (b *Bot) postSlot(ctx context.Context, ch store.Channel, slot time.Time, scheduled bool) (store.Post, error) {
	b.postMu.Lock()
	defer b.postMu.Unlock()
	prev, prevErr := b.db.LatestPost(ch.Space, ch.ID)
	if prevErr != nil && !errors.Is(prevErr, store.ErrNotFound) {
		return store.Post{}, prevErr
	}
	if scheduled {
		cur, err := b.db.GetChannel(ch.Space, ch.ID)
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
	}
	q, err := b.pick(ch, slot)
	if err != nil {
		return store.Post{}, err
	}
	now := b.now()
	p, err := b.db.CreatePost(store.Post{Space: ch.Space, Channel: ch.ID, Slot: slot, Question: b.snapshotOf(q),
		OpenedAt: now, ClosesAt: b.closesAt(ch, now)})
	if scheduled && (err == nil || errors.Is(err, store.ErrSlotTaken)) {
		b.setLastFired(ch.Space, ch.ID, slot)
	}
	if err != nil {
		return p, err
	}
	// the previous question of the channel closes before the next opens
	if prevErr == nil && !prev.Closed && prev.ID != p.ID {
		b.closePost(ctx, prev)
	}
	b.deliverCard(ctx, p, ch.Lang)
	return p, nil
}

// setLastFired records a handled slot; only the due path calls it.
func (b *Bot) setLastFired(sp Space, channel string, slot time.Time) {
	if err := b.db.SetLastFired(sp, channel, slot); err != nil {
		b.log.Error("set last fired", "channel", channel, "slot", slot, "err", err)
		b.metrics.Error("store")
	}
}

// Card delivery retries: a card that failed to reach its platform (the bot
// is not a member of the channel, the platform is down) is tried again
// after firstRetry, doubling up to maxRetryWait, and the slot is given up
// after maxSendTries tries in all: 1, 2, 4, 8, 16, 30 and 30 minutes
// apart, so over an hour and a half rather than every minute until the
// question would close.
const (
	firstRetry   = time.Minute
	maxRetryWait = 30 * time.Minute
	maxSendTries = 8
)

// retryWait is the wait after the given number of failed tries (≥ 1).
func retryWait(failures int) time.Duration {
	d := firstRetry
	for i := 1; i < failures && d < maxRetryWait; i++ {
		d *= 2
	}
	return min(d, maxRetryWait)
}

// nextSend is when an undelivered post's card is due to be tried again.
func nextSend(p store.Post) time.Time {
	if p.NextSend.IsZero() {
		// never tried, or the process stopped before recording the try
		return p.OpenedAt.Add(firstRetry)
	}
	return p.NextSend
}

// deliverCard posts a post's card and records the outcome: on success the
// channel's last error is cleared; on failure the error is kept for
// /studybot status and the next try is scheduled, and after maxSendTries
// the slot is given up (the post closes without results, the admins are
// told once in the log and the metrics). The caller holds postMu.
func (b *Bot) deliverCard(ctx context.Context, p store.Post, lang string) {
	err := b.sendCard(ctx, p, lang)
	if err == nil {
		b.setChannelError(p.Space, p.Channel, nil)
		return
	}
	if ctx.Err() != nil {
		return // shutting down: not the platform's failure
	}
	b.setChannelError(p.Space, p.Channel, err)
	now := b.now()
	p, rerr := b.db.RecordSendFailure(p.ID, now.Add(retryWait(p.SendFailures+1)))
	if rerr != nil {
		b.log.Error("record send failure", "post", p.ID, "err", rerr)
		b.metrics.Error("store")
		return
	}
	if p.SendFailures < maxSendTries {
		b.log.Warn("post card failed; will try again", "channel", p.Channel, "slot", p.Slot,
			"tries", p.SendFailures, "next", p.NextSend, "err", err)
		return
	}
	b.log.Error("card never reached the channel; gave up on this slot", "channel", p.Channel, "slot", p.Slot,
		"tries", p.SendFailures, "err", err)
	b.metrics.Error("post_gave_up")
	b.closePost(ctx, p)
}

// maxErrorText bounds the error kept for /studybot status.
const maxErrorText = 300

// setChannelError records err (nil: clears it) as the channel's last
// posting error, writing only when that changes it.
func (b *Bot) setChannelError(sp Space, channel string, err error) {
	text := ""
	if err != nil {
		text = err.Error()
		if r := []rune(text); len(r) > maxErrorText {
			text = string(r[:maxErrorText]) + "…"
		}
	}
	if ch, gerr := b.db.GetChannel(sp, channel); gerr == nil && ch.LastError == text && text == "" {
		return
	}
	now := b.now()
	_, uerr := b.db.UpdateChannel(sp, channel, func(c *store.Channel) error {
		c.LastError, c.LastErrorAt = text, now.UTC()
		if text == "" {
			c.LastErrorAt = time.Time{}
		}
		return nil
	})
	if uerr != nil && !errors.Is(uerr, store.ErrNotFound) {
		b.log.Error("set channel error", "channel", channel, "err", uerr)
		b.metrics.Error("store")
	}
}

// sendCard posts a post's card and stores the platform's reference.
func (b *Bot) sendCard(ctx context.Context, p store.Post, lang string) error {
	plat, err := b.platform(p.Space.Platform)
	if err != nil {
		return err
	}
	ref, err := plat.PostCard(ctx, p.Channel, b.cardMessage(p, lang, 0))
	if err != nil {
		b.metrics.Error("platform")
		return fmt.Errorf("post card: %w", err)
	}
	b.metrics.Posted(p.Space.Platform)
	if err := b.db.SetPostMessage(p.ID, ref); err != nil {
		b.log.Error("set post message", "err", err)
	}
	return nil
}

// PostNow posts a question in a channel at once (slot = now). Its platform
// calls end when ctx is done or Close gives up on them.
func (b *Bot) PostNow(ctx context.Context, sp Space, channel string) (store.Post, error) {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	ch, err := b.EnsureChannel(sp, channel)
	if err != nil {
		return store.Post{}, err
	}
	p, err := b.postSlot(ctx, ch, b.now().Truncate(time.Second), false)
	if err == nil {
		b.Wake() // the due-loop learns the new question's closing time
	}
	return p, err
}

// closeDue closes posts past their closing time and tries again the cards
// that never reached their platform, when their retry is due.
func (b *Bot) closeDue(ctx context.Context, now time.Time) {
	defer b.track()()
	open, err := b.db.OpenPosts()
	if err != nil {
		b.log.Error("open posts", "err", err)
		return
	}
	for _, p := range open {
		switch {
		case !p.ClosesAt.After(now):
			b.postMu.Lock()
			b.closePost(ctx, p)
			b.postMu.Unlock()
		case p.MessageRef == "" && !now.Before(nextSend(p)):
			b.postMu.Lock()
			// under the lock, as stored: the listing may be stale
			if cur, err := b.db.GetPost(p.ID); err == nil && !cur.Closed && cur.MessageRef == "" && !now.Before(nextSend(cur)) {
				b.deliverCard(ctx, cur, b.channelLang(p.Space, p.Channel))
			}
			b.postMu.Unlock()
		}
	}
}

// closePost closes a post, updates its card and posts the results. It is
// idempotent: only the call that closes the post posts results. A post
// whose card never reached the channel closes without results.
func (b *Bot) closePost(ctx context.Context, p store.Post) {
	p, did, err := b.db.ClosePost(p.ID)
	if err != nil || !did {
		if err != nil {
			b.log.Error("close post", "post", p.ID, "err", err)
		}
		return
	}
	b.cards.forget(p.ID)
	if p.MessageRef == "" {
		b.log.Warn("closed a question that never reached the channel; no results posted", "channel", p.Channel, "slot", p.Slot)
		return
	}
	lang := b.channelLang(p.Space, p.Channel)
	plat, err := b.platform(p.Space.Platform)
	if err != nil {
		b.log.Error("close post", "err", err)
		return
	}
	res, err := b.db.PostResults(p.ID, 3)
	if err != nil {
		b.log.Error("results", "err", err)
		return
	}
	if err := plat.UpdateCard(ctx, p.Channel, p.MessageRef, b.cardMessage(p, lang, res.Total)); err != nil {
		b.log.Error("close card", "post", p.ID, "err", err)
	}
	if err := plat.Post(ctx, p.Channel, b.resultsMessage(p, res, lang, plat)); err != nil {
		b.log.Error("post results", "post", p.ID, "err", err)
		b.metrics.Error("platform")
	}
}

// resultsMessage shows the distribution per option, the answer with its
// explanation, the first correct answerers and streak milestones.
func (b *Bot) resultsMessage(p store.Post, r store.Results, lang string, plat Platform) Message {
	q := p.Question
	m := Message{Kind: KindResults, PostID: p.ID, Title: T(lang, "results.title", p.Number, b.domainLabel(lang, q.Domain, q.DomainTitle)), Body: q.Stem}
	for i, o := range q.Options {
		n := r.Counts[o.ID]
		mark := ""
		if o.ID == q.AnswerID {
			mark = " ✅"
		}
		m.Fields = append(m.Fields, Field{Name: questions.Letter(i) + ") " + o.Text + mark, Value: bar(n, r.Total) + fmt.Sprintf(" %d (%d%%)", n, pct(n, r.Total))})
	}
	ai := q.OptionIndex(q.AnswerID)
	lines := []string{T(lang, "results.answer", questions.Letter(ai), q.Options[ai].Text)}
	if r.Total == 0 {
		lines = append(lines, T(lang, "results.none"))
	}
	if len(r.FirstCorrect) > 0 {
		var ms []string
		for _, u := range r.FirstCorrect {
			ms = append(ms, plat.Mention(u))
		}
		lines = append(lines, T(lang, "results.first", strings.Join(ms, " ")))
	}
	if answers, err := b.db.PostAnswers(p.ID); err == nil {
		byLen := map[int][]string{}
		var lens []int
		for _, a := range answers {
			st, err := b.db.GetStreak(p.Space, a.UserID)
			if err == nil && st.Current > 0 && st.Current%store.FreezeEvery == 0 {
				if len(byLen[st.Current]) == 0 {
					lens = append(lens, st.Current)
				}
				byLen[st.Current] = append(byLen[st.Current], plat.Mention(a.UserID))
			}
		}
		for _, n := range lens {
			lines = append(lines, T(lang, "results.milestone", n, strings.Join(byLen[n], " ")))
		}
	}
	m.Body = q.Stem + "\n\n" + strings.Join(lines, "\n")
	m.Quote = q.Explanation
	m.Context = T(lang, "results.context", r.Total, pct(r.Correct, r.Total), q.QuestionID)
	return m
}

// bar draws a ten-cell text bar for n of total.
func bar(n, total int) string {
	full := 0
	if total > 0 {
		full = (n*10 + total/2) / total
	}
	return strings.Repeat("▇", full) + strings.Repeat("░", 10-full)
}

// NextEvent returns the next time something happens: a post closing or a
// channel's next slot, after now (zero if nothing is scheduled).
func (b *Bot) NextEvent(now time.Time) time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	open, err := b.db.OpenPosts()
	if err != nil {
		b.log.Error("next event: open posts", "err", err)
	}
	for _, p := range open {
		consider(p.ClosesAt)
		if p.MessageRef == "" {
			consider(nextSend(p))
		}
	}
	chans, err := b.db.Channels()
	if err != nil {
		b.log.Error("next event: channels", "err", err)
	}
	for _, ch := range chans {
		if s, err := channelSchedule(ch); err == nil && !ch.Paused {
			consider(s.Next(now))
		}
	}
	return next
}

// coalescer batches card updates: a burst of clicks on one card becomes at
// most one edit per interval.
type coalescer struct {
	b        *Bot
	every    time.Duration
	mu       sync.Mutex
	dirty    map[string]bool
	wake     chan struct{}
	done     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
	running  bool
}

func newCoalescer(b *Bot, every time.Duration) *coalescer {
	return &coalescer{b: b, every: every, dirty: map[string]bool{}, wake: make(chan struct{}, 1),
		done: make(chan struct{}), stopped: make(chan struct{})}
}

// mark records that a post's card needs an update.
func (c *coalescer) mark(postID string) {
	c.mu.Lock()
	c.dirty[postID] = true
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *coalescer) forget(postID string) {
	c.mu.Lock()
	delete(c.dirty, postID)
	c.mu.Unlock()
}

func (c *coalescer) run() {
	c.mu.Lock()
	c.running = true
	c.mu.Unlock()
	defer close(c.stopped)
	for {
		select {
		case <-c.done:
			c.Flush(c.b.ctx)
			return
		case <-c.wake:
		}
		c.Flush(c.b.ctx)
		select {
		case <-c.done:
			c.Flush(c.b.ctx)
			return
		case <-time.After(c.every):
		}
	}
}

// Flush sends every pending card update now; ctx bounds the platform calls.
func (c *coalescer) Flush(ctx context.Context) {
	c.mu.Lock()
	ids := make([]string, 0, len(c.dirty))
	for id := range c.dirty {
		ids = append(ids, id)
	}
	c.dirty = map[string]bool{}
	c.mu.Unlock()
	for _, id := range ids {
		c.b.updateCard(ctx, id)
	}
}

func (c *coalescer) stop() {
	c.stopOnce.Do(func() {
		close(c.done)
		c.mu.Lock()
		running := c.running
		c.mu.Unlock()
		if running {
			<-c.stopped
		} else {
			c.Flush(c.b.ctx)
		}
	})
}

func (b *Bot) updateCard(ctx context.Context, postID string) {
	p, err := b.db.GetPost(postID)
	if err != nil {
		b.log.Error("update card", "post", postID, "err", err)
		return
	}
	if p.MessageRef == "" || p.Closed {
		return
	}
	res, err := b.db.PostResults(postID, 0)
	if err != nil {
		b.log.Error("update card", "post", postID, "err", err)
		return
	}
	plat, err := b.platform(p.Space.Platform)
	if err != nil {
		b.log.Error("update card", "post", postID, "err", err)
		return
	}
	if err := plat.UpdateCard(ctx, p.Channel, p.MessageRef, b.cardMessage(p, b.channelLang(p.Space, p.Channel), res.Total)); err != nil {
		b.log.Warn("update card", "post", postID, "err", err)
	}
}

// CurrentCard returns the card of a channel's open post, as it should look
// now (for adapters that show it again, e.g. after a restart).
func (b *Bot) CurrentCard(sp Space, channel string) (Message, error) {
	p, err := b.db.LatestPost(sp, channel)
	if err != nil {
		return Message{}, err
	}
	if p.Closed {
		return Message{}, fmt.Errorf("channel %s/%s: %w", sp, channel, store.ErrClosed)
	}
	res, err := b.db.PostResults(p.ID, 0)
	if err != nil {
		return Message{}, err
	}
	return b.cardMessage(p, b.channelLang(sp, channel), res.Total), nil
}
