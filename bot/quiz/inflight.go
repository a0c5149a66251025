package quiz

import (
	"context"
	"time"
)

// maxClickWait bounds how long a click waits for the commit of a card
// that is already on the platform (awaitPost).
const maxClickWait = 5 * time.Second

// posting marks a post ID as having its card on the way to the platform
// before its commit (postSlot posts the card first) and returns the
// function that unmarks it, once the post is stored or given up.
func (b *Quiz) posting(id string) func() {
	done := make(chan struct{})
	b.inFlight.Store(id, done)
	return func() {
		b.inFlight.Delete(id)
		close(done)
	}
}

// awaitPost waits, if the post's card is on the platform but not yet
// stored, until it is (or ctx ends, or maxClickWait passes), and reports
// whether it waited: a click that fast is then recorded, not refused.
func (b *Quiz) awaitPost(ctx context.Context, id string) bool {
	v, ok := b.inFlight.Load(id)
	if !ok {
		return false
	}
	fire, stop := b.Cfg.NewTimer(maxClickWait)
	defer stop()
	select {
	case <-v.(chan struct{}):
	case <-ctx.Done():
	case <-fire:
	}
	return true
}
