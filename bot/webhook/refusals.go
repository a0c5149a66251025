package webhook

import (
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"
)

// Refusals counts refused requests by reason and logs them as one summary
// line per interval at most, so that a flood of bad requests cannot grow
// the log: the first refusal after a quiet interval is logged at once
// with the counts since the last line.
type Refusals struct {
	log   *slog.Logger
	every time.Duration
	now   func() time.Time
	mu    sync.Mutex
	last  time.Time
	since map[string]int64 // counts not yet logged
	total map[string]int64
}

// NewRefusals logs to log at most once per every (a minute when 0),
// reading the time from now.
func NewRefusals(log *slog.Logger, every time.Duration, now func() time.Time) *Refusals {
	if every <= 0 {
		every = time.Minute
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Refusals{log: log, every: every, now: now, since: map[string]int64{}, total: map[string]int64{}}
}

// Add counts one refusal for reason, and logs the counts if the last line
// is at least an interval old.
func (r *Refusals) Add(reason string) {
	now := r.now()
	r.mu.Lock()
	r.since[reason]++
	r.total[reason]++
	if !r.last.IsZero() && now.Sub(r.last) < r.every {
		r.mu.Unlock()
		return
	}
	r.last = now
	args := make([]any, 0, 2*len(r.since)+2)
	for _, k := range slices.Sorted(maps.Keys(r.since)) {
		args = append(args, k, r.since[k])
	}
	clear(r.since)
	r.mu.Unlock()
	r.log.Warn("refused requests (one line per interval at most)", append(args, "interval", r.every)...)
}

// Total returns the refusals counted for reason since the start.
func (r *Refusals) Total(reason string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total[reason]
}
