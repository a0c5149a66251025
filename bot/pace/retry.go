package pace

import "time"

// Retries of a call that failed (a card that did not reach its platform:
// the bot is not a member of the channel, the platform is down): the
// first is tried again after FirstRetry, each wait doubling up to
// MaxRetryWait.
const (
	// FirstRetry is the wait after the first failure.
	FirstRetry = time.Minute
	// MaxRetryWait bounds every wait.
	MaxRetryWait = 30 * time.Minute
)

// RetryWait is the wait after the given number of failed tries (≥ 1).
func RetryWait(failures int) time.Duration {
	d := FirstRetry
	for i := 1; i < failures && d < MaxRetryWait; i++ {
		d *= 2
	}
	return min(d, MaxRetryWait)
}
