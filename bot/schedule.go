package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/studybot/studybot/store"
)

// ParseSchedule parses a standard cron spec ("0 9 * * 1-5", or a
// descriptor such as "@daily") in the time zone tz. A spec may not carry
// its own CRON_TZ: the zone is a separate setting.
func ParseSchedule(spec, tz string) (cron.Schedule, error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") {
		return nil, fmt.Errorf("schedule %q: give the zone separately, not in the spec", spec)
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return nil, fmt.Errorf("schedule zone %q: %w", tz, err)
	}
	s, err := cron.ParseStandard("CRON_TZ=" + tz + " " + spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	return s, nil
}

// channelSchedule returns the parsed schedule of a channel.
func channelSchedule(ch store.Channel) (cron.Schedule, error) {
	return ParseSchedule(ch.Cron, ch.TZ)
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

// Scheduler fires each channel's schedule with robfig/cron. Jobs are
// wrapped SkipIfStillRunning inside Recover, so a panic is logged and the
// job stays runnable. Sync applies schedule changes without a restart.
type Scheduler struct {
	b       *Bot
	mu      sync.Mutex
	c       *cron.Cron
	ctx     context.Context
	entries map[string]entry // channel key → entry
	started bool
}

type entry struct {
	id   cron.EntryID
	spec string
}

func newScheduler(b *Bot) *Scheduler {
	l := cronLogger{b.log}
	return &Scheduler{b: b, entries: map[string]entry{},
		c: cron.New(cron.WithLogger(l), cron.WithChain(cron.SkipIfStillRunning(l), cron.Recover(l)))}
}

// Start loads every channel's schedule and starts firing.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	s.ctx = ctx
	s.mu.Unlock()
	// closing and repairs every 30 seconds
	if _, err := s.c.AddFunc("@every 30s", func() { s.b.closeDue(s.ctx, s.b.now()) }); err != nil {
		return err
	}
	if err := s.Sync(); err != nil {
		return err
	}
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.c.Start()
	return nil
}

// Sync adds, replaces and removes cron entries so that they match the
// channels in the store.
func (s *Scheduler) Sync() error {
	chans, err := s.b.db.Channels()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx == nil {
		return nil // not started: Start syncs
	}
	want := map[string]store.Channel{}
	for _, ch := range chans {
		if !ch.Paused {
			want[ch.Space.String()+"/"+ch.ID] = ch
		}
	}
	for k, e := range s.entries {
		ch, ok := want[k]
		if !ok || specOf(ch) != e.spec {
			s.c.Remove(e.id)
			delete(s.entries, k)
		}
	}
	for k, ch := range want {
		if _, ok := s.entries[k]; ok {
			continue
		}
		if _, err := channelSchedule(ch); err != nil {
			s.b.log.Error("bad schedule left unscheduled", "channel", k, "err", err)
			continue
		}
		sp, id := ch.Space, ch.ID
		eid, err := s.c.AddFunc(specOf(ch), func() { s.b.runDueChannel(s.ctx, sp, id, s.b.now()) })
		if err != nil {
			s.b.log.Error("schedule", "channel", k, "err", err)
			continue
		}
		s.entries[k] = entry{eid, specOf(ch)}
	}
	return nil
}

func specOf(ch store.Channel) string { return "CRON_TZ=" + ch.TZ + " " + ch.Cron }

// Entries returns the number of channel schedules registered.
func (s *Scheduler) Entries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// Stop stops firing and waits for running jobs.
func (s *Scheduler) Stop() {
	<-s.c.Stop().Done()
}

// cronLogger adapts slog to cron.Logger.
type cronLogger struct{ l *slog.Logger }

// Info implements cron.Logger (at debug level: cron is chatty).
func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }

// Error implements cron.Logger.
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
