package bot_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// at is Monday 30 November 2026 at h:m:s in Tokyo.
func at(h, m, s int) time.Time { return time.Date(2026, 11, 30, h, m, s, 0, tokyo) }

// latest returns the channel's latest post.
func latest(t *testing.T, h *bottest.Harness, channel string) store.Post {
	t.Helper()
	p, err := h.DB.LatestPost(h.Space, channel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// admin runs an admin command and fails the test on an error reply.
func admin(t *testing.T, h *bottest.Harness, args ...string) string {
	t.Helper()
	r := h.Command("adm", "general", true, "studybot", args...)
	if len(r.Messages) == 0 || r.Messages[0].Kind == bot.KindError {
		t.Fatalf("%v: %s", args, body(r))
	}
	return body(r)
}

// TestScheduleChangesNeverCloseEarly is issue 21's measurement: after a
// 09:00 post announced to close at 17:00, changing the schedule to 09:01
// (and again, minute after minute), or the zone to Asia/Shanghai (its
// 09:00 is 10:00 in Tokyo), or close-after to 1h, neither closes the open
// question nor posts again; it closes at 17:00 as its card says, and the
// next card comes on the next day — also after a restart in between.
func TestScheduleChangesNeverCloseEarly(t *testing.T) {
	tests := []struct {
		name    string
		changes [][]string // one change a minute from 09:00:30
		check   time.Time  // a time before 17:00 to run the loop at
		next    time.Time  // Tuesday's card
	}{
		{"schedule 1 9", [][]string{{"schedule", "1", "9", "*", "*", "1-5"}}, at(9, 1, 0), at(9, 1, 0).AddDate(0, 0, 1)},
		{"schedule a minute later, again and again", [][]string{
			{"schedule", "1", "9", "*", "*", "1-5"}, {"schedule", "2", "9", "*", "*", "1-5"},
			{"schedule", "3", "9", "*", "*", "1-5"}, {"schedule", "4", "9", "*", "*", "1-5"},
		}, at(9, 5, 0), at(9, 4, 0).AddDate(0, 0, 1)},
		{"zone Asia/Shanghai", [][]string{{"schedule", "0", "9", "*", "*", "1-5", "Asia/Shanghai"}}, at(10, 0, 0), at(10, 0, 0).AddDate(0, 0, 1)},
		{"close-after 1h", [][]string{{"close-after", "1h"}}, at(10, 0, 0), at(9, 0, 0).AddDate(0, 0, 1)},
	}
	for _, tt := range tests {
		for _, restart := range []bool{false, true} {
			name := tt.name
			if restart {
				name += ", restarted"
			}
			t.Run(name, func(t *testing.T) {
				h := bottest.New(t, monday, bot.Config{})
				if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
					t.Fatal(err)
				}
				h.Clock.Set(at(9, 0, 0))
				h.RunDue()
				first := latest(t, h, "general")
				if !first.ClosesAt.Equal(at(17, 0, 0)) || !strings.Contains(h.Platform.Sent("card")[0].Msg.Context, "17:00") {
					t.Fatalf("09:00 post closes %v, card %q", first.ClosesAt, h.Platform.Sent("card")[0].Msg.Context)
				}
				for i, args := range tt.changes {
					h.Clock.Set(at(9, i, 30))
					reply := admin(t, h, args...)
					if strings.Contains(reply, "09:0") && !strings.Contains(reply, "12/1") {
						t.Errorf("%v promises a post today: %s", args, reply)
					}
					h.Clock.Set(at(9, i+1, 0))
					h.RunDue()
				}
				if restart {
					h.Restart()
				}
				h.Clock.Set(tt.check)
				h.RunDue()
				if p := latest(t, h, "general"); p.ID != first.ID || p.Closed || len(h.Platform.Sent("card")) != 1 || len(h.Platform.Sent("post")) != 0 {
					t.Fatalf("at %v: latest %s closed %v, %d cards, %d posts; want the 09:00 question open alone",
						tt.check.Format("15:04"), p.ID, p.Closed, len(h.Platform.Sent("card")), len(h.Platform.Sent("post")))
				}
				h.Clock.Set(at(16, 59, 59))
				h.RunDue()
				if p, _ := h.DB.GetPost(first.ID); p.Closed {
					t.Fatal("closed before 17:00")
				}
				h.Clock.Set(at(17, 0, 0))
				h.RunDue()
				if p, _ := h.DB.GetPost(first.ID); !p.Closed || !p.ClosedAt.Equal(at(17, 0, 0)) {
					t.Fatalf("closed %v at %v, want at 17:00", p.Closed, p.ClosedAt)
				}
				h.Clock.Set(tt.next.Add(-time.Second))
				h.RunDue()
				if n := len(h.Platform.Sent("card")); n != 1 {
					t.Fatalf("%d cards before Tuesday's slot", n)
				}
				h.Clock.Set(tt.next)
				h.RunDue()
				if n := len(h.Platform.Sent("card")); n != 2 {
					t.Fatalf("%d cards at Tuesday's slot %v, want 2", n, tt.next)
				}
			})
		}
	}
}

// TestCardShowsRealClose: the close a card announces is the one the
// question has, to the second — a post-now at 08:59:30 (before a 09:00
// slot) used to say 16:59 and close at 09:00.
func TestCardShowsRealClose(t *testing.T) {
	tests := []struct {
		name     string
		schedule []string
		config   bot.Config
		posted   time.Time // a post-now then
		want     time.Time // its close
	}{
		{"08:59:30 before the 09:00 slot", nil, bot.Config{}, at(8, 59, 30), at(17, 0, 0)},
		{"07:30:10, the 09:00 slot two hours later", nil, bot.Config{}, at(7, 30, 10), at(8, 59, 0)},
		{"hourly, post-now at 09:00:20 (10:00 is skipped, 11:00 posts)", []string{"schedule", "0", "*", "*", "*", "*"}, bot.Config{}, at(9, 0, 20), at(10, 59, 0)},
		{"08:58:30 before the 09:00 slot: not cut to a minute", nil, bot.Config{}, at(8, 58, 30), at(16, 59, 0)},
		{"close_after 1m in config (clamped to 1h)", []string{"schedule", "0", "9", "*", "*", "1"}, bot.Config{CloseAfter: time.Minute}, at(11, 0, 0), at(12, 0, 0)},
		{"close_after 48h in config (clamped to 24h)", []string{"schedule", "0", "9", "*", "*", "1"}, bot.Config{CloseAfter: 48 * time.Hour}, at(11, 0, 0), at(11, 0, 0).AddDate(0, 0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := bottest.New(t, at(7, 0, 0), tt.config)
			if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
				t.Fatal(err)
			}
			if tt.schedule != nil {
				admin(t, h, tt.schedule...)
			}
			h.Clock.Set(tt.posted)
			p, err := h.Bot.PostNow(t.Context(), h.Space, "general")
			if err != nil {
				t.Fatal(err)
			}
			card := h.Platform.Sent("card")[0].Msg
			if !p.ClosesAt.Equal(tt.want) || !strings.Contains(card.Context, tt.want.Format("15:04")) {
				t.Fatalf("closes %v, card %q; want %v", p.ClosesAt.In(tokyo), card.Context, tt.want)
			}
			// a click a second before the close counts, the loop closes it at
			// the close and not before
			h.Clock.Set(tt.want.Add(-time.Second))
			h.RunDue()
			if r := h.Click("u1", "general", card.Buttons[0].ActionID); r.Messages[0].Kind != bot.KindFeedback {
				t.Fatalf("a click a second before the close: %s", body(r))
			}
			if p, _ := h.DB.GetPost(p.ID); p.Closed {
				t.Fatal("closed before its card says")
			}
			h.Clock.Set(tt.want)
			h.RunDue()
			if p, _ := h.DB.GetPost(p.ID); !p.Closed || !p.ClosedAt.Equal(tt.want) {
				t.Fatalf("closed %v at %v, want %v", p.Closed, p.ClosedAt, tt.want)
			}
		})
	}
}

// TestOnePostAnHour: the minimum interval is measured from the last
// card's actual time, not its slot. On an hourly schedule whose 09:00 card
// went out at 09:00:20 the 10:00 slot waits until 10:00:20 (the due-loop
// wakes then) rather than being skipped; a post-now within the hour is
// refused with the time; the 09:00 slot after an 08:59:30 post-now is
// skipped, as the open question's close is after it.
func TestOnePostAnHour(t *testing.T) {
	t.Run("hourly, the first card late", func(t *testing.T) {
		h := bottest.New(t, at(8, 30, 0), bot.Config{})
		if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
			t.Fatal(err)
		}
		admin(t, h, "schedule", "0", "*", "*", "*", "*")
		h.StartLoop()
		h.Step(at(9, 0, 20)) // the loop's turn came late
		if n := len(h.Platform.Sent("card")); n != 1 {
			t.Fatalf("%d cards at 09:00:20", n)
		}
		h.Step(at(10, 0, 0))
		if n := len(h.Platform.Sent("card")); n != 1 {
			t.Fatalf("%d cards at 10:00, 59m40s after the last", n)
		}
		if next := h.Bot.NextEvent(h.Clock.Now()); !next.Equal(at(10, 0, 20)) {
			t.Errorf("next event %v, want 10:00:20", next.In(tokyo))
		}
		h.Step(at(10, 0, 20))
		cards := h.Platform.Sent("card")
		if len(cards) != 2 {
			t.Fatalf("%d cards at 10:00:20, want 2", len(cards))
		}
		p := latest(t, h, "general")
		if !p.Slot.Equal(at(10, 0, 0)) || !p.OpenedAt.Equal(at(10, 0, 20)) || !p.ClosesAt.Equal(at(10, 59, 0)) {
			t.Errorf("10:00 post: slot %v opened %v closes %v", p.Slot.In(tokyo), p.OpenedAt.In(tokyo), p.ClosesAt.In(tokyo))
		}
		if posts := h.Platform.Sent("post"); len(posts) != 1 || posts[0].Msg.PostID != cards[0].Msg.PostID {
			t.Errorf("the 09:00 question's results: %d posts", len(posts))
		}
	})
	t.Run("post-now at 08:59:30, then the 09:00 slot", func(t *testing.T) {
		h := bottest.New(t, at(8, 0, 0), bot.Config{Lang: "en"})
		if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
			t.Fatal(err)
		}
		h.StartLoop()
		h.Clock.Set(at(8, 59, 30))
		if _, err := h.Bot.PostNow(t.Context(), h.Space, "general"); err != nil {
			t.Fatal(err)
		}
		h.Step(at(9, 0, 0))
		h.Step(at(9, 59, 30))
		if n, p := len(h.Platform.Sent("card")), latest(t, h, "general"); n != 1 || p.Closed {
			t.Fatalf("%d cards by 09:59:30, closed %v", n, p.Closed)
		}
		r := h.Command("adm", "general", true, "studybot", "post-now")
		if r.Messages[0].Kind != bot.KindError || !strings.Contains(body(r), "17:00") {
			t.Errorf("post-now while open: %s", body(r))
		}
		if _, err := h.Bot.PostNow(t.Context(), h.Space, "general"); !errors.Is(err, bot.ErrQuestionOpen) {
			t.Errorf("PostNow while open: %v", err)
		}
		if n := len(h.Platform.Sent("card")); n != 1 {
			t.Errorf("%d cards", n)
		}
	})
}
