package bot

import (
	"context"
	"errors"
	"time"
)

// maxIdle bounds how long the due-loop sleeps without looking, so that a
// wall clock that jumped is noticed. (Cards that never reached their
// platform are tried again on their own backoff: see quiz.)
const maxIdle = time.Minute

// Wake makes the due-loop look at the store again at once (after a
// channel's settings changed). It never blocks.
func (b *Bot) Wake() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Run is the due-loop, the one place that posts and closes on schedule:
// it runs RunDue, sleeps on the bot's clock until NextEvent (at most a
// minute) or a Wake, and again, until ctx is done or Close is called. A
// turn after a wake looks only at the channels whose settings changed
// (and the open posts), so registering or configuring a channel costs the
// same however many channels there are; a turn after the timer looks at
// every channel. It
// starts the card updater too. Run it once per process and call Close
// afterwards to wait for running work.
func (b *Bot) Run(ctx context.Context) error {
	if !b.looping.CompareAndSwap(false, true) {
		return errors.New("bot: Run called twice")
	}
	defer close(b.loopDone)
	select {
	case <-b.closing:
		return ErrClosed
	default:
	}
	b.StartUpdater()
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	select {
	case <-b.wake: // the first turn looks at everything anyway
	default:
	}
	full := true // the first turn and each timer turn look at every channel
	for {
		now := b.now()
		if full {
			b.runAll(ctx, now)
		} else {
			b.runTouched(ctx, now)
		}
		wait := maxIdle
		if next := b.nextLoopEvent(now); !next.IsZero() {
			wait = min(wait, max(next.Sub(b.now()), 0))
		}
		fire, stop := b.cfg.NewTimer(wait)
		select {
		case <-ctx.Done():
			stop()
			return nil
		case <-b.closing:
			stop()
			return nil
		case <-b.wake:
			full = false
		case <-fire:
			full = true
		}
		stop()
	}
}
