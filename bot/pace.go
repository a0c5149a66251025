package bot

import (
	"context"
	"time"

	"github.com/studybot/studybot/bot/pace"
)

// The pacing vocabulary lives in bot/pace; the adapters name it through
// the core, beside Platform.
type (
	// RateLimitError is pace.RateLimitError: a call the platform's rate
	// limits refused.
	RateLimitError = pace.RateLimitError
	// Paced is pace.Paced: a Platform that books its cards' turns.
	Paced = pace.Paced
	// PacedMessages is pace.PacedMessages: a Paced platform that books
	// results and card updates too.
	PacedMessages = pace.PacedMessages
	// Limiter is pace.Limiter: token buckets with bookings.
	Limiter = pace.Limiter
	// Rate is pace.Rate: a bucket's steady rate and burst.
	Rate = pace.Rate
)

// NewLimiter returns an empty limiter (see pace.NewLimiter).
func NewLimiter(now func() time.Time, newTimer func(time.Duration) (<-chan time.Time, func())) *Limiter {
	return pace.NewLimiter(now, newTimer)
}

// PerSecond is a rate of n a second with the given burst (see
// pace.PerSecond).
func PerSecond(n float64, burst int) Rate { return pace.PerSecond(n, burst) }

// WithBooking marks ctx as carrying the caller's booking (see
// pace.WithBooking).
func WithBooking(ctx context.Context) context.Context { return pace.WithBooking(ctx) }

// Booked reports whether ctx carries a booking (see pace.Booked).
func Booked(ctx context.Context) bool { return pace.Booked(ctx) }

// task is one unit of the posting pool's work in one channel.
type task = pace.Task[chanKey]

// runTasks runs tasks on the posting pool (at most pace.Workers at once)
// on the bot's clock; see pace.Run.
func (b *Bot) runTasks(ctx context.Context, tasks []task) {
	pace.Run(ctx, pace.Clock{Now: b.now, NewTimer: b.cfg.NewTimer}, pace.Workers, tasks)
}
