// Package pace is how every feature talks to a platform politely: the
// Limiter (token buckets with bookings, parks on a 429 and learned
// windows) the adapters keep, the Paced and PacedMessages capabilities a
// platform offers, RateLimitError, the work queue (Run) that keeps a
// rate-limited channel queued without holding a worker, Parallel, and the
// retry waits of undelivered cards.
//
// It knows no store, no bank and no message: it must not import any other
// studybot package.
package pace
