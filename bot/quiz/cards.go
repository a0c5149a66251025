package quiz

import (
	"context"
	"errors"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/pace"
	"sort"
	"sync"
	"time"

	"github.com/studybot/studybot/store"
)

// coalescer is the card updater. It sends the live answer count of cards
// after clicks, at most one round of edits per interval however many
// clicks come (a burst of clicks on one card becomes one update), and the
// closed card when a question closes (final).
//
// On a platform with PacedMessages an update goes only when the
// platform's limits allow one now (TryUpdate); otherwise it stays pending,
// still absorbing clicks, until then, so a platform that allows few
// updates (Slack's chat.update: about 50 a minute per workspace) is never
// sent more than it takes, and nothing waits on it: closing a question
// posts its results whether or not its card could be updated yet. Closed
// cards go first, then live counts, oldest first.
type coalescer struct {
	b        *Quiz
	every    time.Duration
	mu       sync.Mutex
	dirty    map[string]*pendingUpdate // post ID → its pending update
	busy     map[string]bool           // post IDs being updated now
	seq      uint64
	clock    time.Time // the updater's time: never behind the bot's clock or a fired timer
	wake     chan struct{}
	done     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
	running  bool
}

// pendingUpdate is one card's pending update.
type pendingUpdate struct {
	final bool      // the closed card (else the live count)
	seq   uint64    // order of marking: older first
	at    time.Time // not before this, on the bot's clock (a rate limit)
	// the card, once looked up
	space   core.Space
	channel string
	ref     string
}

func newCoalescer(b *Quiz, every time.Duration) *coalescer {
	return &coalescer{b: b, every: every, dirty: map[string]*pendingUpdate{}, busy: map[string]bool{},
		wake: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{})}
}

// mark records that a post's card needs its live count updated.
func (c *coalescer) mark(postID string) {
	c.mu.Lock()
	if c.dirty[postID] == nil {
		c.seq++
		c.dirty[postID] = &pendingUpdate{seq: c.seq}
	}
	c.mu.Unlock()
	c.poke()
}

// poke wakes the updater's loop.
func (c *coalescer) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// final updates a closed post's card: at once if the platform allows,
// else (or after a live update of the same card now being sent) through
// the updater's loop, when it does. It never waits for a rate limit.
func (c *coalescer) final(ctx context.Context, p store.Post) {
	c.mu.Lock()
	c.seq++
	e := &pendingUpdate{final: true, seq: c.seq, space: p.Space, channel: p.Channel, ref: p.MessageRef}
	if c.busy[p.ID] {
		c.dirty[p.ID] = e // after the live update being sent
		c.mu.Unlock()
		c.poke()
		return
	}
	delete(c.dirty, p.ID)
	c.busy[p.ID] = true
	c.mu.Unlock()
	c.send(ctx, p.ID, e, c.now())
}

// now is the updater's time: the bot's clock, or the last timer that
// fired if that is later. A platform's limiter may run on another clock
// than the bot's (a test's fake one): the waits it asks for then still
// end.
func (c *coalescer) now() time.Time {
	now := c.b.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.clock.After(now) {
		return c.clock
	}
	return now
}

// send sends one pending update and, when the platform's limits held it
// back, keeps it pending until they allow it (merged with any update
// marked meanwhile). The caller set busy[id].
func (c *coalescer) send(ctx context.Context, id string, e *pendingUpdate, now time.Time) {
	wait, call := c.b.prepareUpdate(ctx, id, e)
	if call != nil {
		wait = call()
	}
	c.done1(id, e, now, wait)
}

// done1 ends the sending of one pending update: it is no longer busy and,
// when it must wait (wait > 0), pending again.
func (c *coalescer) done1(id string, e *pendingUpdate, now time.Time, wait time.Duration) {
	c.mu.Lock()
	delete(c.busy, id)
	if wait > 0 {
		at := now.Add(wait)
		if cur := c.dirty[id]; cur != nil {
			cur.final = cur.final || e.final
			cur.seq = min(cur.seq, e.seq)
			if at.After(cur.at) {
				cur.at = at
			}
			if cur.ref == "" {
				cur.space, cur.channel, cur.ref = e.space, e.channel, e.ref
			}
		} else {
			e.at = at
			c.dirty[id] = e
		}
	}
	c.mu.Unlock()
	if wait > 0 {
		c.poke()
	}
}

// forget drops a post's pending update.
func (c *coalescer) forget(postID string) {
	c.mu.Lock()
	delete(c.dirty, postID)
	c.mu.Unlock()
}

// next returns when the soonest pending update is due, and false when
// none is pending.
func (c *coalescer) next() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var t time.Time
	found := false
	for _, e := range c.dirty {
		if !found || e.at.Before(t) {
			t, found = e.at, true
		}
	}
	return t, found
}

func (c *coalescer) run() {
	c.mu.Lock()
	c.running = true
	c.mu.Unlock()
	defer close(c.stopped)
	for {
		var fire <-chan time.Time
		stop := func() {}
		t, pending := c.next()
		if pending {
			fire, stop = c.b.Cfg.NewTimer(t.Sub(c.now()))
		}
		select {
		case <-c.done:
			stop()
			c.last()
			return
		case <-c.wake:
		case <-fire:
			c.mu.Lock()
			if t.After(c.clock) {
				c.clock = t
			}
			c.mu.Unlock()
		}
		stop()
		c.Flush(c.b.Context())
		select {
		case <-c.done:
			c.last()
			return
		case <-time.After(c.every):
		}
	}
}

// Flush sends every pending card update the platforms allow now; ctx
// bounds the platform calls. Updates a rate limit holds back stay pending.
func (c *coalescer) Flush(ctx context.Context) {
	now := c.now()
	type item struct {
		id string
		e  *pendingUpdate
	}
	c.mu.Lock()
	due := make([]item, 0, len(c.dirty))
	for id, e := range c.dirty {
		if !e.at.After(now) && !c.busy[id] {
			due = append(due, item{id, e})
		}
	}
	c.mu.Unlock()
	sort.Slice(due, func(i, j int) bool {
		if due[i].e.final != due[j].e.final {
			return due[i].e.final
		}
		return due[i].e.seq < due[j].e.seq
	})
	sem := make(chan struct{}, updateWorkers)
	var wg sync.WaitGroup
	for _, it := range due {
		c.mu.Lock()
		e := c.dirty[it.id]
		if e == nil || c.busy[it.id] || e.at.After(now) {
			c.mu.Unlock()
			continue
		}
		delete(c.dirty, it.id)
		c.busy[it.id] = true
		c.mu.Unlock()
		// booked here, in order (closed cards first, then the oldest);
		// only the platform calls run side by side
		wait, call := c.b.prepareUpdate(ctx, it.id, e)
		if call == nil {
			c.done1(it.id, e, now, wait)
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() { // owned by Flush, which waits for it
			defer wg.Done()
			defer func() { <-sem }()
			c.done1(it.id, e, now, call())
		}()
	}
	wg.Wait()
}

// updateWorkers bounds the card updates one flush sends at once: at a
// 100 ms round trip, 16 keep up with Discord's 45 requests a second when
// thousands of closed cards wait for their update.
const updateWorkers = 16

// last is the flush at shutdown: what the platforms allow now is sent,
// and the updates still held back by a rate limit are given up, with a
// warning.
func (c *coalescer) last() {
	c.Flush(c.b.Context())
	c.mu.Lock()
	left, finals := len(c.dirty), 0
	for _, e := range c.dirty {
		if e.final {
			finals++
		}
	}
	c.mu.Unlock()
	if left > 0 {
		c.b.Log.Warn("shutdown: card updates held back by rate limits are not sent", "cards", left, "closed_cards", finals)
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
			c.last()
		}
	})
}

// prepareUpdate readies the update of a post's card as it should look
// now (the live count, or the closed card when e.final). On a platform
// with PacedMessages it books the update first: when the platform's limits
// do not allow one now it returns how long until they might, and no call.
// Otherwise it returns the call, which makes the update and returns 0, or
// how long to wait when a rate limit refused it. A live update of a post
// closed meanwhile is dropped (no call, no wait): the closed card's update
// covers it.
func (b *Quiz) prepareUpdate(ctx context.Context, postID string, e *pendingUpdate) (time.Duration, func() time.Duration) {
	if e.ref == "" {
		p, err := b.DB.GetPost(postID)
		if err != nil {
			b.Log.Error("update card", "post", postID, "err", err)
			return 0, nil
		}
		if p.MessageRef == "" || p.Closed && !e.final {
			return 0, nil
		}
		e.space, e.channel, e.ref = p.Space, p.Channel, p.MessageRef
	}
	plat, err := b.Platform(e.space.Platform)
	if err != nil {
		b.Log.Error("update card", "post", postID, "err", err)
		return 0, nil
	}
	pm, paced := plat.(pace.PacedMessages)
	if paced {
		if d := pm.TryUpdate(e.channel, e.ref); d > 0 {
			return d, nil
		}
		ctx = pace.WithBooking(ctx)
	}
	return 0, func() time.Duration {
		sent := false
		defer func() {
			if paced && !sent {
				pm.CancelUpdate(e.channel, e.ref)
			}
		}()
		p, err := b.DB.GetPost(postID)
		if err != nil {
			b.Log.Error("update card", "post", postID, "err", err)
			return 0
		}
		if p.Closed && !e.final {
			return 0
		}
		res, err := b.DB.PostResults(postID, 0)
		if err != nil {
			b.Log.Error("update card", "post", postID, "err", err)
			return 0
		}
		sent = true
		err = plat.UpdateCard(ctx, p.Channel, p.MessageRef, b.card(p, b.ChannelLang(p.Space, p.Channel), res.Total))
		var rl *pace.RateLimitError
		if errors.As(err, &rl) {
			return max(rl.RetryAfter, time.Millisecond)
		}
		if err != nil {
			what := "update card"
			if e.final {
				what = "close card"
			}
			b.Log.Warn(what, "post", postID, "err", err)
		}
		return 0
	}
}
