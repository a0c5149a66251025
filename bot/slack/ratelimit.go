package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/studybot/studybot/bot"
)

// DefaultWorkspaceRate is Config.WorkspaceRate when unset: posts a second
// across the workspace. Slack documents chat.postMessage as one message a
// second per channel "while also maintaining a workspace-wide limit" of
// "several hundred messages per minute" without a figure; 9 a second (540
// a minute) keeps under 600 a minute with room for other callers.
const DefaultWorkspaceRate = 9.0

// workspaceBurst is how many posts the workspace's pace lets go at once
// after a quiet spell: a short burst, as Slack allows.
const workspaceBurst = 5

// DefaultUpdatesPerMinute is Config.UpdatesPerMinute when unset: card
// updates (chat.update) a minute across the workspace. Slack puts
// chat.update in Tier 3, "50+ per minute" per app and workspace with
// "sporadic bursts" welcome; 45 keeps under 50 with room for clock skew.
const DefaultUpdatesPerMinute = 45.0

// updateBurst is how many card updates the pace lets go at once after a
// quiet spell.
const updateBurst = 5

// Slack's 429s carry no scope: one on chat.postMessage parks its channel
// for Retry-After (the adapter already keeps each channel to its rate, so
// the workspace's own pace is what keeps the workspace cap).

// pacer paces the adapter's posts on its limiter: in a channel, at most
// one every Config.PostEvery, and across the workspace
// Config.WorkspaceRate a second; and its card updates (chat.update, a
// method of its own) Config.UpdatesPerMinute a minute across the
// workspace.
type pacer struct {
	lim *bot.Limiter
}

// updateKey is the limiter bucket of chat.update.
const updateKey = "upd"

// newPacer returns the pacer for cfg.
func newPacer(cfg Config) *pacer {
	lim := bot.NewLimiter(cfg.Now, nil)
	lim.SetRate("ch:", bot.Rate{Every: cfg.PostEvery, Burst: 1})
	lim.SetRate("ws", bot.PerSecond(cfg.WorkspaceRate, workspaceBurst))
	lim.SetRate(updateKey, bot.PerSecond(cfg.UpdatesPerMinute/60, updateBurst))
	lim.SetRate(homeKey, bot.PerSecond(homePerMinute/60, homeBurst))
	return &pacer{lim: lim}
}

// keys are the buckets a post in channel counts against.
func (p *pacer) keys(channel string) []string { return []string{"ws", "ch:" + channel} }

// Wait waits until a post in channel may go (or ctx ends).
func (p *pacer) Wait(ctx context.Context, channel string) error {
	_, err := p.lim.Acquire(ctx, "", p.keys(channel)...)
	return err
}

// ReservePost implements bot.Paced: it books the channel's next card.
func (a *Adapter) ReservePost(channel string) time.Duration {
	return a.pace.lim.Reserve(channel, a.pace.keys(channel)...)
}

// CancelPost implements bot.Paced.
func (a *Adapter) CancelPost(channel string) { a.pace.lim.Cancel(channel) }

// messageOwner and updateOwner name the bookings of a message in channel
// and of an update of the card ref (bot.PacedMessages).
func messageOwner(channel string) string     { return "m:" + channel }
func updateOwner(channel, ref string) string { return "u:" + channel + "/" + ref }

// ReserveMessage implements bot.PacedMessages: it books the channel's next
// message (a question's results) under the channel's and the workspace's
// pace.
func (a *Adapter) ReserveMessage(channel string) time.Duration {
	return a.pace.lim.Reserve(messageOwner(channel), a.pace.keys(channel)...)
}

// CancelMessage implements bot.PacedMessages.
func (a *Adapter) CancelMessage(channel string) { a.pace.lim.Cancel(messageOwner(channel)) }

// TryUpdate implements bot.PacedMessages: it books a chat.update of the
// card ref if the workspace's update pace allows one now.
func (a *Adapter) TryUpdate(channel, ref string) time.Duration {
	return a.pace.lim.TryReserve(updateOwner(channel, ref), updateKey)
}

// CancelUpdate implements bot.PacedMessages.
func (a *Adapter) CancelUpdate(channel, ref string) { a.pace.lim.Cancel(updateOwner(channel, ref)) }

// rateLimited returns how long a 429 asks to wait (a second without
// Retry-After) and whether err is one.
func rateLimited(err error) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &rl):
		if rl.RetryAfter > 0 {
			return min(rl.RetryAfter, time.Minute), true
		}
		return time.Second, true
	case errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests:
		return time.Second, true
	}
	return 0, false
}

// postLimited makes a chat.postMessage call f in channel under the
// channel's and the workspace's pace. A post the core booked as owner
// (ReservePost, ReserveMessage) is tried once: a 429 parks the channel and
// comes back as a *bot.RateLimitError for the core to try later. Any other
// post waits its turn and waits out up to five 429s.
func (a *Adapter) postLimited(ctx context.Context, owner, channel string, f func() error) error {
	booked, err := a.pace.lim.Acquire(ctx, owner, a.pace.keys(channel)...)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err = f()
		wait, limited := rateLimited(err)
		if !limited {
			return err
		}
		a.rateWaits.Add(1)
		a.pace.lim.Park("ch:"+channel, wait)
		a.log.Warn("rate limited", "method", "chat.postMessage", "channel", channel, "retry_after", wait)
		if booked {
			return &bot.RateLimitError{RetryAfter: wait, Scope: "channel", Err: err}
		}
		if attempt == 5 {
			return fmt.Errorf("slack: chat.postMessage still rate limited after 5 tries: %w", err)
		}
		if err := a.pace.Wait(ctx, channel); err != nil {
			return err
		}
	}
}

// updateLimited makes a chat.update call f under the workspace's update
// pace. An update the core booked (TryUpdate, with a context from
// bot.WithBooking) is tried once: a 429 parks every update for Retry-After
// (chat.update's limit is the workspace's) and comes back as a
// *bot.RateLimitError. Any other update waits its turn and waits out up to
// five 429s.
func (a *Adapter) updateLimited(ctx context.Context, owner string, f func() error) error {
	booked, err := a.pace.lim.Acquire(ctx, owner, updateKey)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err = f()
		wait, limited := rateLimited(err)
		if !limited {
			return err
		}
		a.rateWaits.Add(1)
		a.pace.lim.Park(updateKey, wait)
		a.log.Warn("rate limited", "method", "chat.update", "retry_after", wait)
		if booked {
			return &bot.RateLimitError{RetryAfter: wait, Scope: "workspace", Err: err}
		}
		if attempt == 5 {
			return fmt.Errorf("slack: chat.update still rate limited after 5 tries: %w", err)
		}
		if _, err := a.pace.lim.Acquire(ctx, "", updateKey); err != nil {
			return err
		}
	}
}
