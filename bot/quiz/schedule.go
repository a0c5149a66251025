package quiz

import (
	"fmt"
	"github.com/studybot/studybot/bot/core"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/studybot/studybot/store"
)

// MinInterval is the shortest time allowed between two posts of a schedule.
const MinInterval = time.Hour

// ParseSchedule parses a standard cron spec ("0 9 * * 1-5", or a
// descriptor such as "@daily") in the time zone tz. A spec may not carry
// its own CRON_TZ: the zone is a separate setting. A spec that posts more
// often than once an hour (ErrScheduleTooOften) or never fires
// (ErrScheduleNever) is refused.
func ParseSchedule(spec, tz string) (cron.Schedule, error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") {
		return nil, fmt.Errorf("schedule %q: give the zone separately, not in the spec", spec)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("schedule zone %q: %w", tz, err)
	}
	s, err := cron.ParseStandard("CRON_TZ=" + tz + " " + spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	if err := checkPace(s, loc); err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	return s, nil
}

// checkPace refuses a schedule that never fires or fires twice within
// MinInterval, judged over a year of its firings from a fixed date (cron
// has no year field, and robfig's Next looks five years ahead, so leap
// days are found).
func checkPace(s cron.Schedule, loc *time.Location) error {
	ref := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	first := s.Next(ref)
	if first.IsZero() {
		return core.ErrScheduleNever
	}
	end := first.AddDate(1, 0, 1)
	for t, i := first, 0; i < 10000; i++ {
		n := s.Next(t)
		if n.IsZero() || n.After(end) {
			return nil
		}
		if gap := n.Sub(t); gap < MinInterval {
			return fmt.Errorf("%w (every %v)", core.ErrScheduleTooOften, gap)
		}
		t = n
	}
	return nil
}

// schedules caches parsed and checked schedules by zone and spec: the
// due-loop asks for every channel's schedule on each turn.
var schedules sync.Map // tz + "\x00" + spec → scheduleResult

type scheduleResult struct {
	s   cron.Schedule
	err error
}

// channelSchedule returns the parsed and checked schedule of a channel.
func channelSchedule(ch store.Channel) (cron.Schedule, error) {
	k := ch.TZ + "\x00" + ch.Cron
	if v, ok := schedules.Load(k); ok {
		r := v.(scheduleResult)
		return r.s, r.err
	}
	s, err := ParseSchedule(ch.Cron, ch.TZ)
	schedules.Store(k, scheduleResult{s, err})
	return s, err
}

// dueSlot returns the latest slot of ch at or before now that was not
// posted yet, and whether it is recent enough (within grace) to post.
func dueSlot(ch store.Channel, now time.Time, grace time.Duration) (slot time.Time, post bool, err error) {
	s, err := channelSchedule(ch)
	if err != nil {
		return time.Time{}, false, err
	}
	from := ch.LastFired
	if from.IsZero() {
		from = ch.Created.Add(-time.Second)
	}
	if ch.SkipUntil.After(from) {
		from = ch.SkipUntil
	}
	if earliest := now.Add(-grace - 24*time.Hour); from.Before(earliest) {
		from = earliest // long downtime: older slots are past grace anyway
	}
	for n, i := s.Next(from), 0; !n.IsZero() && !n.After(now) && i < 100000; n, i = s.Next(n), i+1 {
		slot = n
	}
	if slot.IsZero() {
		return time.Time{}, false, nil
	}
	return slot, now.Sub(slot) <= grace, nil
}

// NextSlot is the channel's next slot after now, or zero when it has none
// (paused, or a schedule refused).
func NextSlot(ch store.Channel, now time.Time) time.Time {
	if ch.Paused {
		return time.Time{}
	}
	s, err := channelSchedule(ch)
	if err != nil {
		return time.Time{}
	}
	return s.Next(now)
}
