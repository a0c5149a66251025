package pace

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// RateLimitError is what a Platform's call returns when the platform's
// rate limits refused it (a 429) or would refuse it now: nothing was
// posted, and the same call may be made again after RetryAfter. Adapters
// return it from a post the core booked (Paced) instead of waiting, so
// that the core keeps the channel queued rather than a worker waiting.
type RateLimitError struct {
	// RetryAfter is how long to wait before trying again.
	RetryAfter time.Duration
	// Scope is what the limit covers: "channel" or "route" (only this
	// channel waits), "workspace" or "global" (the whole platform waits).
	Scope string
	// Err is the platform's error, nil when the adapter's own limiter
	// refused before calling.
	Err error
}

// Error implements error.
func (e *RateLimitError) Error() string {
	s := fmt.Sprintf("rate limited (%s), retry after %v", e.Scope, e.RetryAfter)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the platform's error.
func (e *RateLimitError) Unwrap() error { return e.Err }

// Paced is an optional capability of a Platform that knows its rate
// limits. The posting pool books each card's turn with ReservePost before
// it does the channel's work, and keeps the channel queued, holding no
// worker, until the booking's time (it asks ReservePost again then, which
// returns the time left on the booking); PostCard in that channel then
// uses the booking and never waits: if the booking went bad meanwhile (a
// 429 parked its route) it returns a *RateLimitError and the pool books
// again. So a 429 on one channel or route holds up only what shares its
// limit.
type Paced interface {
	// ReservePost books the next card in channel under the platform's
	// limits and returns how long until it may be posted (0: now). With a
	// booking already made it returns the time left on it; while the
	// channel's route is parked it may book nothing and return how long
	// until it should be asked again.
	ReservePost(channel string) time.Duration
	// CancelPost gives back a booking that will not be used.
	CancelPost(channel string)
}

// PacedMessages is an optional capability of a Paced platform: booking
// the other calls the core makes on its own initiative, a question's
// results (Post) and its card's updates (UpdateCard), as ReservePost books
// a card. Closing a question then keeps its channel queued, holding no
// worker, while a rate limit holds the results back, and the card updater
// sends an update only when the platform's limits allow one. A call made
// with a context from WithBooking uses the caller's booking and never
// waits: if the limits refuse it (a 429 parked its route since), it
// returns a *RateLimitError and the core tries again later.
type PacedMessages interface {
	// ReserveMessage books the next message in channel and returns how
	// long until it may be posted (0: now), as ReservePost does for cards.
	ReserveMessage(channel string) time.Duration
	// CancelMessage gives back a booking that will not be used.
	CancelMessage(channel string)
	// TryUpdate books an update of the card ref in channel and returns 0
	// when one may go now; otherwise it books nothing and returns how long
	// until one might. Updates are not booked ahead: where the platform
	// allows few (Slack's chat.update, about 50 a minute per workspace),
	// live counts booked ahead would stand before the updates that close
	// cards.
	TryUpdate(channel, ref string) time.Duration
	// CancelUpdate gives back a booking TryUpdate made.
	CancelUpdate(channel, ref string)
}

// bookingKey is the context key WithBooking sets.
type bookingKey struct{}

// WithBooking returns ctx marked for a platform call the caller booked
// (PacedMessages): the adapter makes it on the booking and returns a
// *RateLimitError rather than wait.
func WithBooking(ctx context.Context) context.Context {
	return context.WithValue(ctx, bookingKey{}, true)
}

// Booked reports whether ctx comes from WithBooking.
func Booked(ctx context.Context) bool {
	v, _ := ctx.Value(bookingKey{}).(bool)
	return v
}

// Rate is a token bucket's steady rate: one request every Every, with up
// to Burst at once after a quiet spell.
type Rate struct {
	// Every is the interval between requests at the steady rate.
	Every time.Duration
	// Burst is how many requests may go at once (at least 1).
	Burst int
}

// PerSecond returns the Rate of n requests a second, with the given burst.
func PerSecond(n float64, burst int) Rate {
	return Rate{Every: time.Duration(float64(time.Second) / n), Burst: burst}
}

// Limiter holds a platform's rate limits as named buckets on an injected
// clock: token buckets with a declared Rate (Slack's one message a second
// per channel, Discord's global rate), windows learned from a platform's
// headers (Discord's X-RateLimit-Remaining and Reset-After), and parks
// (a 429's retry-after) on any bucket. A call counts against a list of
// bucket keys and may go when all of them allow it. Bookings (Reserve)
// take the tokens ahead of time for an owner, usually a channel, and the
// owner's next Acquire uses them. It is safe for concurrent use.
type Limiter struct {
	now      func() time.Time
	newTimer func(time.Duration) (<-chan time.Time, func())
	mu       sync.Mutex
	rates    map[string]Rate // key prefix → rate of the buckets it names
	buckets  map[string]*bucket
	booked   map[string]booking
	ops      int
}

// bucket is one limit's state.
type bucket struct {
	rate   Rate      // steady rate (Every 0: none)
	tat    time.Time // the rate's theoretical arrival time (GCRA)
	window bool      // a learned window: remaining calls until resetAt
	limit  int
	left   int
	reset  time.Time
	span   time.Duration // a window's length, as last learned
	parked time.Time     // a 429: nothing until then
	parks  int           // how many parks so far (bookings made before one are void)
}

// booking is tokens an owner took ahead of time.
type booking struct {
	at    time.Time
	keys  []string
	parks []int
}

// NewLimiter returns an empty limiter on the clock now; newTimer (nil: the
// wall clock's) sleeps the waits of Acquire.
func NewLimiter(now func() time.Time, newTimer func(time.Duration) (<-chan time.Time, func())) *Limiter {
	if now == nil {
		now = time.Now
	}
	if newTimer == nil {
		newTimer = WallTimer
	}
	return &Limiter{now: now, newTimer: newTimer, rates: map[string]Rate{}, buckets: map[string]*bucket{}, booked: map[string]booking{}}
}

// SetRate gives every bucket whose key starts with prefix the steady rate
// r (the longest matching prefix wins); a key with no rate is limited only
// by what is learned and parked.
func (l *Limiter) SetRate(prefix string, r Rate) {
	if r.Burst < 1 {
		r.Burst = 1
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rates[prefix] = r
	for k, b := range l.buckets {
		if strings.HasPrefix(k, prefix) {
			b.rate = l.rateOf(k)
		}
	}
}

func (l *Limiter) rateOf(key string) Rate {
	best, r := -1, Rate{}
	for p, pr := range l.rates {
		if strings.HasPrefix(key, p) && len(p) > best {
			best, r = len(p), pr
		}
	}
	return r
}

func (l *Limiter) bucket(key string) *bucket {
	b := l.buckets[key]
	if b == nil {
		b = &bucket{rate: l.rateOf(key)}
		l.buckets[key] = b
	}
	return b
}

// earliest is the first time at or after t when b allows a call.
func (b *bucket) earliest(t time.Time) time.Time {
	if b.parked.After(t) {
		t = b.parked
	}
	if b.rate.Every > 0 {
		tau := time.Duration(b.rate.Burst-1) * b.rate.Every
		if at := b.tat.Add(-tau); at.After(t) {
			t = at
		}
	}
	if b.window && b.left <= 0 && b.reset.After(t) {
		t = b.reset
	}
	return t
}

// take books one call in b at t (t from earliest).
func (b *bucket) take(t time.Time) {
	if b.rate.Every > 0 {
		base := b.tat
		if t.After(base) {
			base = t
		}
		b.tat = base.Add(b.rate.Every)
	}
	if b.window {
		if !t.Before(b.reset) {
			// a new window: assume it is as long and as large as the last
			b.left, b.reset = b.limit, t.Add(b.span)
		}
		b.left--
	}
}

// give returns a call booked in b (a cancelled booking).
func (b *bucket) give() {
	if b.rate.Every > 0 {
		b.tat = b.tat.Add(-b.rate.Every)
	}
	if b.window && b.left < b.limit {
		b.left++
	}
}

// reserveLocked books one call in every key at the earliest time they all
// allow, and returns that time.
func (l *Limiter) reserveLocked(keys []string) time.Time {
	now := l.now()
	l.ops++
	if l.ops%4096 == 0 {
		l.pruneLocked(now)
	}
	t := now
	bs := make([]*bucket, len(keys))
	for i, k := range keys {
		bs[i] = l.bucket(k)
	}
	for range 8 { // each bucket's earliest only moves t later: a fixed point comes fast
		next := t
		for _, b := range bs {
			if e := b.earliest(next); e.After(next) {
				next = e
			}
		}
		if next.Equal(t) {
			break
		}
		t = next
	}
	for _, b := range bs {
		b.take(t)
	}
	return t
}

// pruneLocked forgets buckets back to their fresh state, so that a limiter
// keyed by channel does not grow with every channel ever posted to.
func (l *Limiter) pruneLocked(now time.Time) {
	booked := map[string]bool{}
	for _, bk := range l.booked {
		for _, k := range bk.keys {
			booked[k] = true
		}
	}
	for k, b := range l.buckets {
		if !booked[k] && b.parked.Before(now) && b.tat.Before(now) && (!b.window || b.reset.Before(now)) {
			delete(l.buckets, k)
		}
	}
}

// Reserve books a call by owner against keys and returns how long until
// it may be made. The owner's next Acquire uses the booking; an owner with
// a booking already gets the time left on it. While a key is parked (a
// 429) or its learned window is used up, Reserve books nothing and returns
// how long that lasts: the owner asks again then. A booking at the end of
// a park would take its tokens of the shared rates (Slack's workspace,
// Discord's global) at that time, and every other owner would then wait
// behind it: a 429 on one route would hold up all.
func (l *Limiter) Reserve(owner string, keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if bk, ok := l.booked[owner]; ok && l.validLocked(bk) {
		return max(bk.at.Sub(now), 0)
	}
	if d := l.blockedLocked(now, keys); d > 0 {
		return d
	}
	bk := l.bookLocked(keys)
	l.booked[owner] = bk
	return max(bk.at.Sub(now), 0)
}

// TryReserve books a call by owner against keys if every bucket allows it
// now and returns 0; otherwise it books nothing and returns how long until
// they might (a call booked by others meanwhile can push that back). An
// owner with a booking already gets the time left on it.
func (l *Limiter) TryReserve(owner string, keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if bk, ok := l.booked[owner]; ok && l.validLocked(bk) {
		return max(bk.at.Sub(now), 0)
	}
	t := now
	for _, k := range keys {
		if b := l.buckets[k]; b != nil {
			if e := b.earliest(t); e.After(t) {
				t = e
			}
		}
	}
	if t.After(now) {
		return t.Sub(now)
	}
	l.booked[owner] = l.bookLocked(keys)
	return 0
}

// blockedLocked returns how long a park or a used-up learned window holds
// a call against keys back (0: neither does).
func (l *Limiter) blockedLocked(now time.Time, keys []string) time.Duration {
	t := now
	for _, k := range keys {
		b := l.buckets[k]
		if b == nil {
			continue
		}
		if b.parked.After(t) {
			t = b.parked
		}
		if b.window && b.left <= 0 && b.reset.After(t) {
			t = b.reset
		}
	}
	return t.Sub(now)
}

// bookLocked books one call against keys at the earliest time they allow.
func (l *Limiter) bookLocked(keys []string) booking {
	at := l.reserveLocked(keys)
	bk := booking{at: at, keys: keys, parks: make([]int, len(keys))}
	for i, k := range keys {
		bk.parks[i] = l.buckets[k].parks
	}
	return bk
}

// validLocked reports whether no bucket of a booking was parked since.
func (l *Limiter) validLocked(bk booking) bool {
	for i, k := range bk.keys {
		if b := l.buckets[k]; b == nil || b.parks != bk.parks[i] {
			return false
		}
	}
	return true
}

// Cancel gives back the owner's booking, if any.
func (l *Limiter) Cancel(owner string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	bk, ok := l.booked[owner]
	if !ok {
		return
	}
	delete(l.booked, owner)
	if !l.validLocked(bk) {
		return
	}
	for _, k := range bk.keys {
		l.buckets[k].give()
	}
}

// Acquire lets a call by owner against keys go. With a booking of the
// owner's it returns at once: nil if the booking is good and its time has
// come; a *RateLimitError with the time left if it has not (the booking
// stays: Reserve returns it again), or if a bucket was parked since the
// booking was made (the caller books again). Without one it waits until
// every bucket allows the call (or ctx ends) and reports booked false.
func (l *Limiter) Acquire(ctx context.Context, owner string, keys ...string) (booked bool, err error) {
	l.mu.Lock()
	if bk, ok := l.booked[owner]; ok && owner != "" {
		valid := l.validLocked(bk)
		if now := l.now(); valid && bk.at.After(now) {
			// too early (the caller's clock is behind the limiter's): the
			// booking stays for the next try
			l.mu.Unlock()
			return true, &RateLimitError{RetryAfter: max(bk.at.Sub(now), time.Millisecond), Scope: "route"}
		}
		delete(l.booked, owner)
		var wait time.Duration
		if !valid {
			now := l.now()
			for _, k := range bk.keys {
				if b := l.buckets[k]; b != nil {
					wait = max(wait, b.earliest(now).Sub(now))
				}
			}
		}
		l.mu.Unlock()
		if !valid {
			return true, &RateLimitError{RetryAfter: max(wait, time.Millisecond), Scope: "route"}
		}
		return true, nil
	}
	at := l.reserveLocked(keys)
	d := at.Sub(l.now())
	l.mu.Unlock()
	if d <= 0 {
		return false, ctx.Err()
	}
	fire, stop := l.newTimer(d)
	defer stop()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-fire:
		return false, nil
	}
}

// Park stops calls against key for d (a 429's retry-after): bookings made
// before are void, and new ones start after it.
func (l *Limiter) Park(key string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key)
	if until := l.now().Add(d); until.After(b.parked) {
		b.parked = until
	}
	b.parks++
	if b.window {
		b.left = 0
		if b.parked.After(b.reset) {
			b.reset = b.parked
		}
	}
}

// Learn records a window limit a platform reported for key: limit calls
// per window, remaining left in this one, which resets after resetAfter.
func (l *Limiter) Learn(key string, limit, remaining int, resetAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key)
	b.window, b.limit, b.left, b.reset = true, limit, remaining, l.now().Add(resetAfter)
	if resetAfter > b.span {
		b.span = resetAfter
	}
}

// Parked returns how long key stays parked by a 429 (0: not parked).
func (l *Limiter) Parked(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return 0
	}
	return max(b.parked.Sub(l.now()), 0)
}

// Delay returns how long until a call against keys could go, without
// booking it.
func (l *Limiter) Delay(keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	t := now
	for _, k := range keys {
		if b := l.buckets[k]; b != nil {
			if e := b.earliest(t); e.After(t) {
				t = e
			}
		}
	}
	return t.Sub(now)
}
