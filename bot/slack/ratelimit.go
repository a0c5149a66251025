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

// Slack's 429s carry no scope: one on chat.postMessage parks its channel
// for Retry-After (the adapter already keeps each channel to its rate, so
// the workspace's own pace is what keeps the workspace cap).

// pacer paces the adapter's posts on its limiter: in a channel, at most
// one every Config.PostEvery, and across the workspace
// Config.WorkspaceRate a second.
type pacer struct {
	lim *bot.Limiter
}

// newPacer returns the pacer for cfg.
func newPacer(cfg Config) *pacer {
	lim := bot.NewLimiter(cfg.Now, nil)
	lim.SetRate("ch:", bot.Rate{Every: cfg.PostEvery, Burst: 1})
	lim.SetRate("ws", bot.PerSecond(cfg.WorkspaceRate, workspaceBurst))
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
// channel's and the workspace's pace. A post the core booked (ReservePost)
// is tried once: a 429 parks the channel and comes back as a
// *bot.RateLimitError for the core to try later. Any other post waits its
// turn and waits out up to five 429s.
func (a *Adapter) postLimited(ctx context.Context, channel string, f func() error) error {
	booked, err := a.pace.lim.Acquire(ctx, channel, a.pace.keys(channel)...)
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
