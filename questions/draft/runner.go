package draft

import (
	"context"
	"time"
)

// Runner sends requests to a Backend with bounded concurrency, retries with
// backoff on ErrRateLimited and ErrServer, a timeout per request, and a
// cache that answers a request already paid for.
type Runner struct {
	// Backend answers the requests.
	Backend Backend
	// Concurrency bounds the requests in flight (default 4).
	Concurrency int
	// MaxRetries bounds the retries of one request (default 5).
	MaxRetries int
	// Timeout bounds one call (default 2 minutes).
	Timeout time.Duration
	// Cache, when set, answers requests already answered and keeps new answers.
	Cache *Cache
	// Sleep waits between retries; nil sleeps on the wall clock (tests inject one).
	Sleep func(ctx context.Context, d time.Duration) error
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
}

// Run sends every request and calls each once per request with its result,
// from one goroutine at a time. It returns early with an error that stops
// the whole run (ErrAuth, ErrUnknownModel, a cancelled ctx); results already
// delivered stay delivered.
func (r *Runner) Run(ctx context.Context, reqs []Request, each func(Result)) error {
	// Stub: sequential, no retries; the backends' work replaces it.
	for _, req := range reqs {
		if r.Cache != nil {
			if resp, ok := r.Cache.Get(req.Key); ok {
				each(Result{Request: req, Response: resp, Cached: true})
				continue
			}
		}
		resp, err := r.Backend.Complete(ctx, req)
		if err == nil && r.Cache != nil {
			_ = r.Cache.Put(resp)
		}
		each(Result{Request: req, Response: resp, Err: err})
	}
	return ctx.Err()
}
