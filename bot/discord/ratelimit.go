package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/studybot/studybot/bot"
)

// DefaultGlobalRate is Config.GlobalRate when unset: requests a second
// across the bot. Discord allows 50; 45 leaves room for the interaction
// responses and for clock skew.
const DefaultGlobalRate = 45.0

// globalBurst is how many requests the global pace lets go at once after
// a quiet spell (Discord counts 50 in any second).
const globalBurst = 5

// How the adapter keeps to Discord's rate limits. discordgo's own
// RateLimiter keys a bucket by URL, learns Remaining and Reset-After from
// the headers and, before a request, sleeps (time.Sleep: no context)
// while the bucket is empty or a global 429 is in force, holding the
// caller; on a 429 it sleeps retry_after and tries again, unless told not
// to. It has no global pace: it only reacts to global 429s, and Discord
// bans an IP for an hour after 10,000 invalid requests (429s included) in
// ten minutes. So the adapter keeps its own limiter in front of it:
//   - a global token bucket (Config.GlobalRate a second) for every REST
//     call but interaction responses and follow-ups, which Discord exempts;
//   - a bucket per route and major parameter (the channel), learned from
//     every response's X-RateLimit-Limit, -Remaining, -Reset-After and
//     -Bucket (routes sharing a bucket hash share the bucket);
//   - a 429 parks its route for retry_after, or the whole bot when
//     X-RateLimit-Global / X-RateLimit-Scope: global says so.
// Calls go through discordgo with WithRetryOnRatelimit(false): a card the
// core booked (ReservePost) that meets a 429 returns a *bot.RateLimitError
// at once, and only its route waits; other calls wait out the park in the
// limiter (with their context) and try again. Since the limiter lets a
// call go only when discordgo's bucket has room too, discordgo's sleeps
// do not come into play.

// routes learns Discord's rate limit headers into the adapter's limiter.
type routes struct {
	lim  *bot.Limiter
	mu   sync.Mutex
	hash map[string]string // route template → X-RateLimit-Bucket
}

func newRoutes(cfg Config) *routes {
	lim := bot.NewLimiter(cfg.Now, nil)
	lim.SetRate("global", bot.PerSecond(cfg.GlobalRate, globalBurst))
	lim.SetRate("ch:", bot.Rate{Every: cfg.PostEvery, Burst: 1})
	return &routes{lim: lim, hash: map[string]string{}}
}

// route splits a REST path into its route template and major parameter:
// "/api/v9/channels/123/messages/456" → ("/channels/{id}/messages/{id}", "123").
func route(method, path string) (template, major string) {
	path = strings.TrimPrefix(path, "/api/v9")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		if p == "" || p[0] < '0' || p[0] > '9' {
			continue
		}
		if i > 0 && major == "" && (parts[i-1] == "channels" || parts[i-1] == "guilds" || parts[i-1] == "webhooks") {
			major = p
		}
		parts[i] = "{id}"
	}
	if len(parts) >= 3 && parts[0] == "webhooks" || len(parts) >= 3 && parts[0] == "interactions" {
		parts[2] = "{token}" // the interaction token: a major parameter Discord ignores here
	}
	return method + " /" + strings.Join(parts, "/"), major
}

// exempt reports routes outside the global limit (interaction responses
// and follow-ups).
func exempt(template string) bool {
	return strings.Contains(template, " /interactions/") || strings.Contains(template, " /webhooks/")
}

// key is the limiter bucket of a route with its major parameter.
func (r *routes) key(template, major string) string {
	r.mu.Lock()
	h := r.hash[template]
	r.mu.Unlock()
	if h != "" {
		return "b:" + h + ":" + major
	}
	return "r:" + template + ":" + major
}

// keys are the buckets a call on method and path counts against.
func (r *routes) keys(method, path string) []string {
	t, major := route(method, path)
	if exempt(t) {
		return []string{r.key(t, major)}
	}
	return []string{"global", r.key(t, major)}
}

// messageKeys are the buckets of posting a message in channel: those of
// the route, and the adapter's own pace in the channel (Config.PostEvery).
func (r *routes) messageKeys(channel string) []string {
	return append(r.keys(http.MethodPost, "/api/v9/channels/"+channel+"/messages"), "ch:"+channel)
}

// pacer waits for a post's turn in a channel.
type pacer struct {
	r *routes
}

// Wait waits until a message may be posted in channel (or ctx ends).
func (p *pacer) Wait(ctx context.Context, channel string) error {
	_, err := p.r.lim.Acquire(ctx, "", p.r.messageKeys(channel)...)
	return err
}

// editKeys are the buckets of editing a message in channel.
func (r *routes) editKeys(channel string) []string {
	return r.keys(http.MethodPatch, "/api/v9/channels/"+channel+"/messages/0")
}

// observe reads a response's rate limit headers (and a 429's body).
func (r *routes) observe(req *http.Request, resp *http.Response) {
	t, major := route(req.Method, req.URL.Path)
	h := resp.Header
	if b := h.Get("X-RateLimit-Bucket"); b != "" {
		r.mu.Lock()
		r.hash[t] = b
		r.mu.Unlock()
	}
	key := r.key(t, major)
	limit, e1 := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	left, e2 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	after, e3 := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	if e1 == nil && e2 == nil && e3 == nil {
		r.lim.Learn(key, limit, left, seconds(after))
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		return
	}
	wait, global := retryAfter(resp)
	if global || strings.EqualFold(h.Get("X-RateLimit-Scope"), "global") || h.Get("X-RateLimit-Global") != "" {
		r.lim.Park("global", wait)
		return
	}
	r.lim.Park(key, wait)
}

// retryAfter reads a 429's wait: retry_after in the JSON body (seconds,
// fractional), else the Retry-After header, else one second; and the
// body's global flag. The body is put back for discordgo.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var b struct {
		RetryAfter *float64 `json:"retry_after"`
		Global     bool     `json:"global"`
	}
	if json.Unmarshal(body, &b) == nil && b.RetryAfter != nil {
		return seconds(*b.RetryAfter), b.Global
	}
	if s, err := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); err == nil {
		return seconds(s), b.Global
	}
	return time.Second, b.Global
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// watch is an http.RoundTripper that feeds every Discord response's rate
// limit headers to routes.
type watch struct {
	base http.RoundTripper
	r    *routes
}

// RoundTrip implements http.RoundTripper.
func (w watch) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(req)
	if err == nil {
		w.r.observe(req, resp)
	}
	return resp, err
}

// watchClient returns c (nil: a default client) with its transport
// wrapped to feed r.
func watchClient(c *http.Client, r *routes) *http.Client {
	out := &http.Client{Timeout: 20 * time.Second}
	if c != nil {
		*out = *c
	}
	base := out.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	out.Transport = watch{base: base, r: r}
	return out
}

// ReservePost implements bot.Paced: it books the channel's next card.
func (a *Adapter) ReservePost(channel string) time.Duration {
	return a.routes.lim.Reserve(channel, a.routes.messageKeys(channel)...)
}

// CancelPost implements bot.Paced.
func (a *Adapter) CancelPost(channel string) { a.routes.lim.Cancel(channel) }

// messageOwner and updateOwner name the bookings of a message in channel
// and of an edit of the card ref (bot.PacedMessages).
func messageOwner(channel string) string     { return "m:" + channel }
func updateOwner(channel, ref string) string { return "u:" + channel + "/" + ref }

// ReserveMessage implements bot.PacedMessages: it books the channel's next
// message (a question's results) on the global pace, the route's bucket
// and the channel's pace, like a card.
func (a *Adapter) ReserveMessage(channel string) time.Duration {
	return a.routes.lim.Reserve(messageOwner(channel), a.routes.messageKeys(channel)...)
}

// CancelMessage implements bot.PacedMessages.
func (a *Adapter) CancelMessage(channel string) { a.routes.lim.Cancel(messageOwner(channel)) }

// TryUpdate implements bot.PacedMessages: it books an edit of the card ref
// if the global pace and the edit route's bucket allow one now.
func (a *Adapter) TryUpdate(channel, ref string) time.Duration {
	return a.routes.lim.TryReserve(updateOwner(channel, ref), a.routes.editKeys(channel)...)
}

// CancelUpdate implements bot.PacedMessages.
func (a *Adapter) CancelUpdate(channel, ref string) { a.routes.lim.Cancel(updateOwner(channel, ref)) }

// bookedOwner is the owner whose booking a call uses: owner when the core
// booked it (a context from bot.WithBooking), else none.
func bookedOwner(ctx context.Context, owner string) string {
	if bot.Booked(ctx) {
		return owner
	}
	return ""
}

// limited makes a REST call f against the buckets keys gives (asked
// again after each 429: a response may have taught the route's bucket
// hash) under the limiter. With owner set to a channel whose card the core
// booked, it is tried once and a 429 comes back as a *bot.RateLimitError;
// otherwise it waits its turn and waits out up to five 429s.
func (a *Adapter) limited(ctx context.Context, owner string, keys func() []string, f func() error) error {
	booked, err := a.routes.lim.Acquire(ctx, owner, keys()...)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err = f()
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) {
			return err
		}
		a.rateWaits.Add(1)
		wait := time.Second
		if rl.TooManyRequests != nil && rl.RetryAfter > 0 {
			wait = rl.RetryAfter
		}
		scope := "route"
		if d := a.routes.lim.Parked("global"); d > 0 {
			scope, wait = "global", max(wait, d)
		} else if d := a.routes.lim.Parked(routeKey(keys())); d > 0 {
			wait = max(wait, d) // parked by the watching transport
		} else {
			a.routes.lim.Park(routeKey(keys()), wait) // a session without it
		}
		a.log.Warn("rate limited", "url", rl.URL, "scope", scope, "retry_after", wait)
		if booked {
			return &bot.RateLimitError{RetryAfter: wait, Scope: scope, Err: err}
		}
		if attempt == 5 {
			return err
		}
		if _, err := a.routes.lim.Acquire(ctx, "", keys()...); err != nil {
			return err
		}
	}
}

// routeKey picks the route's bucket among keys.
func routeKey(keys []string) string {
	for _, k := range keys {
		if strings.HasPrefix(k, "r:") || strings.HasPrefix(k, "b:") {
			return k
		}
	}
	return keys[0]
}
