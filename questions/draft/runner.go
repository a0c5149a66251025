package draft

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Runner sends requests to a Backend with bounded concurrency, retries with
// backoff on ErrRateLimited and ErrServer, a timeout per request, and a
// cache that answers a request already paid for.
//
// The zero values of the tuning fields mean their defaults; a Runner is
// used for one Run at a time. Backend, Sleep, Now and Jitter are called
// from the run's worker goroutines, several at once.
type Runner struct {
	// Backend answers the requests.
	Backend Backend
	// Concurrency bounds the requests in flight (default 4).
	Concurrency int
	// MaxRetries bounds the retries of one request on server errors
	// (default 5); a negative value means none.
	MaxRetries int
	// MaxRateLimitRetries bounds the retries of one request on rate limits
	// (default 20: a run larger than the account's limits waits them out);
	// a negative value means none.
	MaxRateLimitRetries int
	// Timeout bounds one call (default 2 minutes); a call that runs out of
	// time counts as a server error and is retried.
	Timeout time.Duration
	// Cache, when set, answers requests already answered and keeps new answers.
	Cache *Cache
	// Sleep waits between retries; nil sleeps on the wall clock (tests inject one).
	Sleep func(ctx context.Context, d time.Duration) error
	// BaseDelay is the wait before the first retry (default 1s); each
	// further retry doubles it, up to MaxDelay (default 1 minute). The wait
	// is drawn between half of that and all of it (jitter), and is never
	// shorter than a Retry-After the server sent (up to 10 minutes). After
	// a server error only that request waits; after a rate limit every
	// worker waits before its next call, as the limit is the account's.
	BaseDelay, MaxDelay time.Duration
	// Now reads the clock when a rate limit pauses every worker; nil means
	// time.Now (tests inject one beside Sleep).
	Now func() time.Time
	// Jitter returns a number in [0, 1) that places each wait in its range;
	// nil means math/rand/v2's Float64.
	Jitter func() float64
	// GiveUpAfter stops the run when that many requests in a row used up
	// their retries on rate limits or server errors, as a server that is
	// down would make every request do (default 3); each such request is
	// still delivered with its error.
	GiveUpAfter int
}

// Result is one request's outcome.
type Result struct {
	// Request is what was sent.
	Request Request
	// Response is the answer when Err is nil.
	Response Response
	// Err is why there is no answer (wrapping one of the sentinels).
	Err error
	// Cached says the answer came from the cache, at no cost.
	Cached bool
	// Attempts is how many calls the request took (0 when Cached).
	Attempts int
	// CacheErr is why a new answer could not be kept in the cache; the
	// answer itself is good, but a rerun would pay for it again.
	CacheErr error
}

// Run sends every request and calls each once per request with its result,
// from one goroutine at a time. It returns early with an error that stops
// the whole run (ErrAuth, ErrUnknownModel, a cancelled ctx); results already
// delivered stay delivered.
//
// Requests the cache answers are delivered first, in order, without a
// call. A request whose Key repeats an earlier one's is sent once and its
// outcome delivered for each (Cached for the repeats). The others go to
// the backend, at most Concurrency at once, and are delivered as they
// finish: with their answer, or with an error wrapping
// ErrRefused or ErrMalformed (the run goes on), or ErrRateLimited or
// ErrServer once the retries are spent. An error wrapping ErrAuth or
// ErrUnknownModel, or one wrapping none of the sentinels (a request the
// backend cannot even build), is not delivered: it cancels the calls in
// flight and Run returns it. Answers that arrive while the run stops are
// still delivered (and cached), as they are paid for. Every goroutine Run
// starts has ended when it returns.
func (r *Runner) Run(ctx context.Context, reqs []Request, each func(Result)) error {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var todo []Request
	dups := map[string][]Request{} // later requests with the key of one in todo
	for _, req := range reqs {
		if err := parent.Err(); err != nil {
			return err
		}
		if r.Cache != nil {
			if resp, ok := r.Cache.Get(req.Key); ok {
				each(Result{Request: req, Response: resp, Cached: true})
				continue
			}
		}
		if _, seen := dups[req.Key]; seen && req.Key != "" {
			dups[req.Key] = append(dups[req.Key], req)
			continue
		}
		dups[req.Key] = nil
		todo = append(todo, req)
	}
	if len(todo) == 0 {
		return parent.Err()
	}

	p := &pause{}
	jobs := make(chan Request)
	results := make(chan Result)
	go func() { // the feeder: ends when every job is taken or the run stops
		defer close(jobs)
		for _, req := range todo {
			select {
			case jobs <- req:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range min(r.concurrency(), len(todo)) {
		wg.Add(1)
		go func() { // a worker: ends when the feeder closes jobs
			defer wg.Done()
			seen := 0 // the generation of the shared pause this worker honoured
			for req := range jobs {
				if ctx.Err() != nil {
					continue // the run stopped: drain without calling
				}
				if res, ok := r.one(ctx, req, p, &seen); ok {
					if res.Err != nil && !delivered(res.Err) {
						// a fatal error stops the run before this worker
						// takes another request (the loop below cancels
						// too, but only once it has read this result)
						cancel()
					}
					results <- res
				}
			}
		}()
	}
	go func() { // closes results once the workers are done
		wg.Wait()
		close(results)
	}()

	var stop error
	exhausted := 0
	for res := range results { // drained to the end, so no worker is left blocked
		if stop != nil && res.Err != nil {
			continue
		}
		if res.Err != nil && !delivered(res.Err) {
			stop = res.Err
			cancel()
			continue
		}
		each(res)
		for _, dup := range dups[res.Request.Key] { // the same request, answered once
			each(Result{Request: dup, Response: res.Response, Err: res.Err, Cached: res.Err == nil})
		}
		switch {
		case res.Err == nil || !Retryable(res.Err):
			exhausted = 0
		default:
			exhausted++
			if exhausted >= r.giveUpAfter() && stop == nil {
				stop = fmt.Errorf("draft: %d requests in a row used up their retries, giving up: %w", exhausted, res.Err)
				cancel()
			}
		}
	}
	if stop != nil {
		return stop
	}
	return parent.Err()
}

// delivered reports whether a request's error is delivered as its result
// (the run goes on) rather than stopping the run.
func delivered(err error) bool {
	return errors.Is(err, ErrRefused) || errors.Is(err, ErrMalformed) || errors.Is(err, ErrNotAnswered) || Retryable(err)
}

// one sends req until it is answered, fails for good or runs out of
// retries. It reports false when the run stopped before req had an outcome.
func (r *Runner) one(ctx context.Context, req Request, p *pause, seen *int) (Result, bool) {
	timeout := r.timeout()
	serverRetries, rateRetries := 0, 0
	for attempt := 1; ; attempt++ {
		if w, ok := p.wait(seen, r.now()); ok && w > 0 {
			if r.sleep(ctx, w) != nil {
				return Result{}, false
			}
		}
		actx, cancel := context.WithTimeout(ctx, timeout)
		resp, err := r.Backend.Complete(actx, req)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded)
		cancel()
		if err == nil {
			if resp.Key == "" {
				resp.Key = req.Key
			}
			res := Result{Request: req, Response: resp, Attempts: attempt}
			if r.Cache != nil {
				res.CacheErr = r.Cache.Put(resp)
			}
			return res, true
		}
		if ctx.Err() != nil {
			return Result{}, false
		}
		if timedOut && !delivered(err) {
			err = fmt.Errorf("draft: request %s: no answer within %s: %w", req.Key, timeout, ErrServer)
		}
		switch {
		case errors.Is(err, ErrRateLimited):
			// A rate limit is the account's, not the request's: every
			// worker waits before its next call, this one included.
			if rateRetries++; rateRetries > r.maxRateLimitRetries() {
				return Result{Request: req, Err: err, Attempts: attempt}, true
			}
			p.extend(r.now().Add(r.backoff(rateRetries, err)))
		case errors.Is(err, ErrServer):
			if serverRetries++; serverRetries > r.maxRetries() {
				return Result{Request: req, Err: err, Attempts: attempt}, true
			}
			if r.sleep(ctx, r.backoff(serverRetries, err)) != nil {
				return Result{}, false
			}
		default:
			return Result{Request: req, Err: err, Attempts: attempt}, true
		}
	}
}

// pause is the wait a rate limit imposes on every worker of a run: the
// time before which no call starts, and a generation that grows each time
// it is extended, so each worker waits once for each extension.
type pause struct {
	mu    sync.Mutex
	until time.Time
	gen   int
}

// extend makes calls wait until t, unless they already wait longer.
func (p *pause) extend(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.After(p.until) {
		p.until = t
		p.gen++
	}
}

// wait returns how long a worker that has honoured generation *seen
// should wait at now, and records that it honours the current one; false
// when there is nothing new to wait for.
func (p *pause) wait(seen *int, now time.Time) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gen == *seen {
		return 0, false
	}
	*seen = p.gen
	return p.until.Sub(now), true
}

// backoff returns the wait before retry number n (1 for the first) after err.
func (r *Runner) backoff(n int, err error) time.Duration {
	base, maxDelay := r.BaseDelay, r.MaxDelay
	if base <= 0 {
		base = time.Second
	}
	if maxDelay <= 0 {
		maxDelay = time.Minute
	}
	d := base
	for i := 1; i < n && d < maxDelay; i++ {
		d *= 2
	}
	d = min(d, maxDelay)
	jitter := r.Jitter
	if jitter == nil {
		jitter = rand.Float64
	}
	d = d/2 + time.Duration(jitter()*float64(d/2))
	if ra, ok := RetryAfter(err); ok && ra > d {
		d = min(ra, maxRetryAfter)
	}
	return d
}

// maxRetryAfter bounds the wait a server's Retry-After can impose on one
// retry, so a server asking for hours does not silently stall the run.
const maxRetryAfter = 10 * time.Minute

// sleep waits d with the injected Sleep, or on the wall clock.
func (r *Runner) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// concurrency returns Concurrency or its default.
func (r *Runner) concurrency() int {
	if r.Concurrency <= 0 {
		return 4
	}
	return r.Concurrency
}

// maxRetries returns MaxRetries or its default.
func (r *Runner) maxRetries() int {
	switch {
	case r.MaxRetries < 0:
		return 0
	case r.MaxRetries == 0:
		return 5
	}
	return r.MaxRetries
}

// maxRateLimitRetries returns MaxRateLimitRetries or its default.
func (r *Runner) maxRateLimitRetries() int {
	switch {
	case r.MaxRateLimitRetries < 0:
		return 0
	case r.MaxRateLimitRetries == 0:
		return 20
	}
	return r.MaxRateLimitRetries
}

// now reads the injected clock, or the wall clock.
func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// timeout returns Timeout or its default.
func (r *Runner) timeout() time.Duration {
	if r.Timeout <= 0 {
		return 2 * time.Minute
	}
	return r.Timeout
}

// giveUpAfter returns GiveUpAfter or its default.
func (r *Runner) giveUpAfter() int {
	if r.GiveUpAfter <= 0 {
		return 3
	}
	return r.GiveUpAfter
}
