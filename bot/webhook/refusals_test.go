package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/webhook"
)

// recorder keeps the log records it is given.
type recorder struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec)
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

func (r *recorder) lines() []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]slog.Record(nil), r.recs...)
}

func attrs(rec slog.Record) map[string]string {
	out := map[string]string{}
	rec.Attrs(func(a slog.Attr) bool { out[a.Key] = a.Value.String(); return true })
	return out
}

// TestRefusalsRateLimited: 10,000 refusals within a minute write one line;
// the next line, a minute on, carries the counts since.
func TestRefusalsRateLimited(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	rec := &recorder{}
	r := webhook.NewRefusals(slog.New(rec), time.Minute, clock)
	for i := 0; i < 10000; i++ {
		r.Add("unsigned")
		if i%2 == 0 {
			r.Add("stale timestamp")
		}
	}
	if n := len(rec.lines()); n != 1 {
		t.Fatalf("%d log lines for 15,000 refusals within a minute", n)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	r.Add("unsigned")
	lines := rec.lines()
	if len(lines) != 2 {
		t.Fatalf("%d lines after a minute, want 2", len(lines))
	}
	got := attrs(lines[1])
	if got["unsigned"] != "10000" || got["stale timestamp"] != "5000" {
		t.Errorf("second line: %v", got)
	}
	if r.Total("unsigned") != 10001 {
		t.Errorf("total %d", r.Total("unsigned"))
	}
}

// TestReason: every refusal, wrapped as an adapter wraps it, is named.
func TestReason(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("slack: %w", webhook.ErrUnsigned), "unsigned"},
		{fmt.Errorf("discord: %w", webhook.ErrShape), "malformed signature headers"},
		{fmt.Errorf("slack: %w", webhook.ErrStale), "stale timestamp"},
		{fmt.Errorf("discord: %w", webhook.ErrSignature), "invalid signature"},
		{webhook.ErrTooLarge, "body too large"},
		{webhook.ErrBusy, "busy"},
		{fmt.Errorf("read: %w", webhook.ErrSlow), "body too slow"},
		{errors.New("connection reset"), "unreadable body"},
	} {
		if got := webhook.Reason(tc.err); got != tc.want {
			t.Errorf("Reason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
