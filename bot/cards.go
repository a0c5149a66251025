package bot

import (
	"context"
	"sync"
	"time"
)

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
	if err := plat.UpdateCard(ctx, p.Channel, p.MessageRef, b.card(p, b.channelLang(p.Space, p.Channel), res.Total)); err != nil {
		b.log.Warn("update card", "post", postID, "err", err)
	}
}
