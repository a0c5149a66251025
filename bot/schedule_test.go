package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
)

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		spec, tz string
		want     error // nil: accepted; errAny: refused for any reason
	}{
		{"0 9 * * 1-5", "Asia/Tokyo", nil},
		{"@daily", "Asia/Tokyo", nil},
		{"30 8 1 * *", "UTC", nil},
		{"0 * * * *", "UTC", nil}, // hourly is the limit
		{"@every 1h", "UTC", nil},
		{"0 9,10 * * *", "UTC", nil},
		{"0 9 29 2 *", "UTC", nil}, // leap days come
		{"0 1 * * *", "America/New_York", nil},
		{"@every 1s", "UTC", bot.ErrScheduleTooOften},
		{"@every 59m", "UTC", bot.ErrScheduleTooOften},
		{"* * * * *", "UTC", bot.ErrScheduleTooOften},
		{"*/15 * * * *", "Asia/Tokyo", bot.ErrScheduleTooOften},
		{"0,30 9 * * *", "UTC", bot.ErrScheduleTooOften},
		{"* 9 29 2 *", "UTC", bot.ErrScheduleTooOften},
		{"0 9 31 2 *", "UTC", bot.ErrScheduleNever},
		{"0 9 30 2 *", "Asia/Tokyo", bot.ErrScheduleNever},
		{"0 9 31 4,6,9,11 *", "UTC", bot.ErrScheduleNever},
		{"61 9 * * *", "UTC", errAny},
		{"0 9 * *", "UTC", errAny},
		{"CRON_TZ=UTC 0 9 * * *", "UTC", errAny},
		{"0 9 * * *", "Mars/Base", errAny},
		{"", "UTC", errAny},
	}
	for _, tt := range tests {
		t.Run(tt.spec+" "+tt.tz, func(t *testing.T) {
			_, err := bot.ParseSchedule(tt.spec, tt.tz)
			switch {
			case tt.want == nil && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want == errAny && err == nil, tt.want != nil && tt.want != errAny && !errors.Is(err, tt.want):
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

var errAny = errors.New("any error")

// TestScheduleCommandRefusesPace: the admin command explains a schedule
// that posts too often or never, and keeps the old one.
func TestScheduleCommandRefusesPace(t *testing.T) {
	tests := []struct {
		args []string
		says string
	}{
		{[]string{"@every", "1s", "UTC"}, "at most one question an hour"},
		{[]string{"*", "*", "*", "*", "*"}, "at most one question an hour"},
		{[]string{"0", "9", "31", "2", "*"}, "never posts"},
	}
	h := bottest.New(t, monday, bot.Config{Lang: "en"})
	for _, tt := range tests {
		r := h.Command("adm", "general", true, "studybot", append([]string{"schedule"}, tt.args...)...)
		if m := r.Messages[0]; m.Kind != bot.KindError || !strings.Contains(m.Text(), tt.says) {
			t.Errorf("%v: %s", tt.args, m.Text())
		}
	}
	if ch, _ := h.DB.GetChannel(h.Space, "general"); ch.Cron != bot.DefaultSchedule {
		t.Errorf("schedule changed to %q", ch.Cron)
	}
}

// TestDueLoop drives the one due-loop with the injected clock: it posts at
// 09:00, does nothing in between, picks up a schedule change at once (a
// wake-up, no restart), closes the question before the next and stops with
// Close.
func TestDueLoop(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{})
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	h.StartLoop()
	nine := monday.Add(time.Hour)
	h.Step(nine)
	if n := len(h.Platform.Sent("card")); n != 1 {
		t.Fatalf("%d cards at 09:00", n)
	}
	h.Step(nine.Add(30 * time.Minute))
	if n := len(h.Platform.Sent("")); n != 1 {
		t.Fatalf("%d messages by 09:30, want the one card", n)
	}
	_, created := h.Clock.Timers()
	r := h.Command("adm", "general", true, "studybot", "schedule", "0", "10", "*", "*", "*")
	if r.Messages[0].Kind == bot.KindError {
		t.Fatalf("schedule: %s", r.Messages[0].Text())
	}
	h.WaitIdle(created) // the wake-up was handled
	// 10:00 comes while the 09:00 question is announced open until 17:00:
	// the slot is skipped, nothing is closed early (issue 21)
	h.Step(nine.Add(time.Hour))
	if cards, posts := h.Platform.Sent("card"), h.Platform.Sent("post"); len(cards) != 1 || len(posts) != 0 {
		t.Fatalf("at 10:00: %d cards, %d posts; want the 09:00 card alone", len(cards), len(posts))
	}
	h.Step(nine.Add(8 * time.Hour)) // 17:00, the card's close
	if posts := h.Platform.Sent("post"); len(posts) != 1 || posts[0].Msg.Kind != bot.KindResults {
		t.Fatalf("at 17:00: %d posts, want the results", len(posts))
	}
	h.Step(nine.Add(25 * time.Hour)) // Tuesday 10:00, the new schedule's slot
	cards, posts := h.Platform.Sent("card"), h.Platform.Sent("post")
	if len(cards) != 2 || len(posts) != 1 || posts[0].Msg.PostID != cards[0].Msg.PostID {
		t.Fatalf("on Tuesday at 10:00: %d cards, %d posts", len(cards), len(posts))
	}
	if next := h.Bot.NextEvent(h.Clock.Now()); next.IsZero() || !next.After(h.Clock.Now()) {
		t.Errorf("next event %v", next)
	}
}

// TestStaleChannelWriteDoesNotCloseOpenPost is issue 11's lost update: a
// channel record read before the 09:00 post and written back after it
// used to move LastFired backwards, and the 09:30 RunDue then closed the
// 09:00 question 7.5 hours early and posted its results.
func TestStaleChannelWriteDoesNotCloseOpenPost(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{})
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	stale, err := h.DB.GetChannel(h.Space, "general") // an admin command reads…
	if err != nil {
		t.Fatal(err)
	}
	h.Clock.Set(monday.Add(time.Hour))
	h.RunDue() // …the 09:00 post goes out…
	stale.Lang = "en"
	if err := h.DB.PutChannel(stale); err != nil { // …and the admin writes back
		t.Fatal(err)
	}
	h.Clock.Set(monday.Add(90 * time.Minute))
	h.RunDue()
	p, err := h.DB.LatestPost(h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	if p.Closed || len(h.Platform.Sent("post")) != 0 || len(h.Platform.Sent("card")) != 1 {
		t.Errorf("09:30: post closed %v, %d results, %d cards", p.Closed, len(h.Platform.Sent("post")), len(h.Platform.Sent("card")))
	}
}

// stuckPlatform hangs in one kind of call until its context is done.
type stuckPlatform struct {
	*bottest.Platform
	op      string
	once    sync.Once
	entered chan struct{}
	ended   chan error
}

func (p *stuckPlatform) hang(ctx context.Context, op string) error {
	if op != p.op {
		return nil
	}
	p.once.Do(func() { close(p.entered) })
	<-ctx.Done()
	p.ended <- ctx.Err()
	return ctx.Err()
}

func (p *stuckPlatform) PostCard(ctx context.Context, channel string, m bot.Message) (string, error) {
	if err := p.hang(ctx, "card"); err != nil {
		return "", err
	}
	return p.Platform.PostCard(ctx, channel, m)
}

func (p *stuckPlatform) UpdateCard(ctx context.Context, channel, ref string, m bot.Message) error {
	if err := p.hang(ctx, "update"); err != nil {
		return err
	}
	return p.Platform.UpdateCard(ctx, channel, ref, m)
}

// TestCloseCancelsStuckPlatformCalls: a platform call that never returns
// by itself (post-now, the due-loop's post, a card flush) is cancelled by
// Close after the shutdown grace, so shutdown cannot hang.
func TestCloseCancelsStuckPlatformCalls(t *testing.T) {
	tests := []struct {
		name  string
		op    string
		start func(h *bottest.Harness)
	}{
		{"post-now", "card", func(h *bottest.Harness) {
			h.Command("adm", "general", true, "studybot", "post-now")
		}},
		{"due-loop", "card", func(h *bottest.Harness) {
			h.StartLoop()
			h.Clock.Set(monday.Add(time.Hour))
		}},
		{"card flush", "update", func(h *bottest.Harness) {
			h.Bot.StartUpdater()
			if _, err := h.Bot.PostNow(t.Context(), h.Space, "general"); err != nil {
				t.Fatal(err)
			}
			card := h.Platform.Sent("card")[0].Msg
			h.Click("ann", "general", card.Buttons[0].ActionID)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := bottest.New(t, monday, bot.Config{ShutdownGrace: 50 * time.Millisecond, UpdateEvery: time.Millisecond})
			stuck := &stuckPlatform{Platform: h.Platform, op: tt.op, entered: make(chan struct{}), ended: make(chan error, 10)}
			h.Bot.AddPlatform(stuck)
			if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
				t.Fatal(err)
			}
			tt.start(h)
			select {
			case <-stuck.entered:
			case <-time.After(5 * time.Second):
				t.Fatal("the platform call never started")
			}
			closed := make(chan struct{})
			go func() { h.Bot.Close(); close(closed) }()
			select {
			case <-closed:
			case <-time.After(5 * time.Second):
				t.Fatal("Close hangs on a stuck platform call")
			}
			if err := <-stuck.ended; !errors.Is(err, context.Canceled) {
				t.Errorf("the stuck call ended with %v", err)
			}
		})
	}
}

// TestAdminCommandsLeaveLastFired: no admin command writes LastFired (the
// due path's); schedule and resume set SkipUntil instead, so that slots
// from before the change are not caught up.
func TestAdminCommandsLeaveLastFired(t *testing.T) {
	tests := [][]string{
		{"schedule", "0", "10", "*", "*", "*"},
		{"pause"},
		{"resume"},
		{"close-after", "6h"},
		{"lang", "en"},
		{"domains", "1,3"},
	}
	h := bottest.New(t, monday, bot.Config{})
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	nine := monday.Add(time.Hour)
	h.Clock.Set(nine)
	h.RunDue()
	for _, args := range tests {
		h.Clock.Add(time.Minute)
		r := h.Command("adm", "general", true, "studybot", args...)
		if r.Messages[0].Kind == bot.KindError {
			t.Fatalf("%v: %s", args, r.Messages[0].Text())
		}
		ch, err := h.DB.GetChannel(h.Space, "general")
		if err != nil || !ch.LastFired.Equal(nine) {
			t.Errorf("after %v: last fired %v, want %v (%v)", args, ch.LastFired, nine, err)
		}
	}
	ch, _ := h.DB.GetChannel(h.Space, "general")
	if ch.Cron != "0 10 * * *" || ch.CloseAfter != 6*time.Hour || ch.Lang != "en" || len(ch.Domains) != 2 || ch.Paused || !ch.SkipUntil.After(nine) {
		t.Errorf("settings: %+v", ch)
	}
	// the 10:00 slot after the change comes while the 09:00 question is
	// open (announced until 17:00): skipped; nothing from before the change
	// is caught up; Tuesday's 10:00 posts
	h.Clock.Set(monday.Add(2 * time.Hour))
	h.RunDue()
	if n := len(h.Platform.Sent("card")); n != 1 {
		t.Errorf("%d cards by Monday 10:00, want 1", n)
	}
	h.Clock.Set(monday.Add(26 * time.Hour))
	h.RunDue()
	if n := len(h.Platform.Sent("card")); n != 2 {
		t.Errorf("%d cards by Tuesday 10:00, want 2", n)
	}
}

// TestRefusedPostNowClosesNothing: a post-now for a slot already posted is
// refused by the slot guard before the open question is closed.
func TestRefusedPostNowClosesNothing(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{})
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	h.Clock.Set(monday.Add(time.Hour))
	h.RunDue()
	if _, err := h.Bot.PostNow(t.Context(), h.Space, "general"); err == nil {
		t.Fatal("post-now for a posted slot succeeded")
	}
	p, err := h.DB.LatestPost(h.Space, "general")
	if err != nil || p.Closed || len(h.Platform.Sent("post")) != 0 {
		t.Errorf("the open question was closed by a refused post-now: %v %v", p.Closed, err)
	}
}
