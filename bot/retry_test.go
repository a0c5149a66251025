package bot_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
)

// countMetrics counts errors by kind.
type countMetrics struct {
	mu     sync.Mutex
	errors map[string]int
}

func (m *countMetrics) Posted(string)              {}
func (m *countMetrics) Answered(string, string)    {}
func (m *countMetrics) Command(string)             {}
func (m *countMetrics) SchedulerLag(time.Duration) {}
func (m *countMetrics) Error(kind string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.errors == nil {
		m.errors = map[string]int{}
	}
	m.errors[kind]++
}

func (m *countMetrics) count(kind string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.errors[kind]
}

// recordLog keeps the messages of the records at or above a level.
type recordLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *recordLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelError }
func (l *recordLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.msgs = append(l.msgs, r.Message)
	l.mu.Unlock()
	return nil
}
func (l *recordLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *recordLog) WithGroup(string) slog.Handler      { return l }

func (l *recordLog) count(sub string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.msgs {
		if strings.Contains(m, sub) {
			n++
		}
	}
	return n
}

var errNotInChannel = errors.New("slack: chat.postMessage: not_in_channel")

// TestFailingPostBacksOff is issue 11's endless retry: where every post
// fails at the platform (the bot is not a member), the due-loop used to
// try again every minute until the question would close, 8 hours later.
// Now it tries with a backoff (1, 2, 4, 8, 16, 30, 30 minutes apart),
// gives up on the slot after eight tries without posting results, tells
// the admins once (log, metric, /studybot status), and posts normally at
// the next slot once the platform works.
func TestFailingPostBacksOff(t *testing.T) {
	metrics, logs := &countMetrics{}, &recordLog{}
	h := bottest.New(t, monday, bot.Config{Lang: "en", Metrics: metrics, Logger: slog.New(logs)})
	var failing atomic.Bool
	failing.Store(true)
	var mu sync.Mutex
	var tries []time.Duration // card tries, as time after 09:00
	var otherOps []string
	nine := monday.Add(time.Hour)
	h.Platform.Fail = func(op string) error {
		mu.Lock()
		defer mu.Unlock()
		if op == "card" {
			tries = append(tries, h.Clock.Now().Sub(nine))
		} else if failing.Load() {
			otherOps = append(otherOps, op)
		}
		if failing.Load() {
			return errNotInChannel
		}
		return nil
	}
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	h.StartLoop()
	// minute by minute while tries are due, then by ten minutes (the
	// loop wakes at least once a minute of the clock either way)
	for now := nine; !now.After(nine.Add(8 * time.Hour)); {
		h.Step(now)
		if now.Sub(nine) < 2*time.Hour {
			now = now.Add(time.Minute)
		} else {
			now = now.Add(10 * time.Minute)
		}
	}
	mu.Lock()
	got, others := slices.Clone(tries), slices.Clone(otherOps)
	mu.Unlock()
	var want []time.Duration
	for _, m := range []int{0, 1, 3, 7, 15, 31, 61, 91} {
		want = append(want, time.Duration(m)*time.Minute)
	}
	if !slices.Equal(got, want) {
		t.Errorf("card tries over 8 hours at %v after 09:00, want %v", got, want)
	}
	if len(others) != 0 {
		t.Errorf("other platform calls for a question nobody saw: %v", others)
	}
	if n := metrics.count("post_gave_up"); n != 1 {
		t.Errorf("post_gave_up counted %d times, want once", n)
	}
	if n := logs.count("gave up on this slot"); n != 1 {
		t.Errorf("gave up logged %d times, want once", n)
	}
	p, err := h.DB.LatestPost(h.Space, "general")
	if err != nil || !p.Closed || p.MessageRef != "" {
		t.Errorf("the given-up post: closed %v, ref %q (%v)", p.Closed, p.MessageRef, err)
	}
	status := h.Command("adm", "general", true, "studybot", "status").Messages[0].Text()
	if !strings.Contains(status, "Last posting error") || !strings.Contains(status, "not_in_channel") {
		t.Errorf("status does not show the last error:\n%s", status)
	}

	// the admin invites the bot; the next slot posts once, normally
	failing.Store(false)
	tuesday := nine.AddDate(0, 0, 1)
	h.Step(tuesday)
	cards := h.Platform.Sent("card")
	if len(cards) != 1 {
		t.Fatalf("%d cards at Tuesday 09:00, want 1", len(cards))
	}
	p, err = h.DB.LatestPost(h.Space, "general")
	if err != nil || p.Closed || p.MessageRef != cards[0].Ref || !p.Slot.Equal(tuesday) {
		t.Errorf("Tuesday's post: %+v (%v)", p, err)
	}
	h.Step(tuesday.Add(time.Hour))
	if n := len(h.Platform.Sent("card")); n != 1 {
		t.Errorf("%d cards by 10:00 Tuesday, want still 1", n)
	}
	status = h.Command("adm", "general", true, "studybot", "status").Messages[0].Text()
	if strings.Contains(status, "Last posting error") {
		t.Errorf("status still shows an error after a good post:\n%s", status)
	}
}

// TestPostRetryRecovers: a platform that fails for a while (shorter than
// the backoff's reach) gets the card on a later try, and the question then
// closes with results as usual.
func TestPostRetryRecovers(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Lang: "en"})
	var failing atomic.Bool
	failing.Store(true)
	h.Platform.Fail = func(string) error {
		if failing.Load() {
			return errNotInChannel
		}
		return nil
	}
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	h.StartLoop()
	nine := monday.Add(time.Hour)
	h.Step(nine)
	h.Step(nine.Add(time.Minute))
	failing.Store(false)
	h.Step(nine.Add(2 * time.Minute)) // the next try is at 09:03
	if n := len(h.Platform.Sent("card")); n != 0 {
		t.Fatalf("%d cards before the next try is due", n)
	}
	h.Step(nine.Add(3 * time.Minute))
	cards := h.Platform.Sent("card")
	if len(cards) != 1 {
		t.Fatalf("%d cards at 09:03, want 1", len(cards))
	}
	h.Step(nine.Add(8 * time.Hour))
	posts := h.Platform.Sent("post")
	if len(posts) != 1 || posts[0].Msg.Kind != bot.KindResults || posts[0].Msg.PostID != cards[0].Msg.PostID {
		t.Errorf("at 17:00: %d posts, want the results", len(posts))
	}
}
