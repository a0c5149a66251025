package bot_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// giveDue gives user n answered cards of live memo items, all due now.
func giveDue(t *testing.T, h *bottest.Harness, user string, n int) {
	t.Helper()
	seen := map[string]bool{}
	for _, q := range h.Bot.Bank().Top(0) {
		if len(seen) == n {
			break
		}
		if seen[q.Item] {
			continue
		}
		seen[q.Item] = true
		_, err := h.DB.UpdateCard(h.Space, user, q.Item, func(c *store.Card, _ bool) error {
			c.Reps, c.State, c.Stability, c.Domain = 1, 2, 1, q.Domain
			c.LastReview = h.Clock.Now().Add(-48 * time.Hour)
			c.First, c.Due = c.LastReview, h.Clock.Now().Add(-time.Hour)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != n {
		t.Fatalf("the bank has only %d items", len(seen))
	}
}

// dmLog records the direct messages the fake platform is asked to send,
// with the bot's clock at that moment, and can refuse some users.
type dmLog struct {
	mu    sync.Mutex
	at    map[string][]time.Time // every attempt, delivered or not
	refus map[string]error
}

func watchDMs(h *bottest.Harness) *dmLog {
	l := &dmLog{at: map[string][]time.Time{}, refus: map[string]error{}}
	h.Platform.FailDM = func(user string) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.at[user] = append(l.at[user], h.Clock.Now())
		return l.refus[user]
	}
	return l
}

func (l *dmLog) attempts(user string) []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.at[user]...)
}

func (l *dmLog) refuse(user string, err error) {
	l.mu.Lock()
	l.refus[user] = err
	l.mu.Unlock()
}

// delivered counts the reminders the fake platform delivered to user.
func delivered(h *bottest.Harness, user string) []bottest.Sent {
	var out []bottest.Sent
	for _, s := range h.Platform.Sent("dm") {
		if s.Channel == user {
			out = append(out, s)
		}
	}
	return out
}

// set runs a /review setting while the due-loop runs and waits for the
// loop's turn after the wake the command causes.
func set(t *testing.T, h *bottest.Harness, user string, args ...string) string {
	t.Helper()
	_, created := h.Clock.Timers()
	r := h.Command(user, "", false, "review", args...)
	if len(r.Messages) != 1 || r.Messages[0].Kind == bot.KindError {
		t.Fatalf("/review %v: %+v", args, r)
	}
	h.WaitIdle(created)
	return r.Messages[0].Body
}

// TestRemindOncePerDay drives the clock over sixty days: the reminder goes
// out at 09:00 Tokyo time and never before, once a day however often the
// loop looks, with the number of items due; moved to 21:00 after the
// day's reminder, it waits for the next day; never to a user who did not
// opt in, who opted out, or who has nothing due.
func TestRemindOncePerDay(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, tokyo)
	h := bottest.New(t, start, bot.Config{Lang: "en"})
	dms := watchDMs(h)
	giveDue(t, h, "alice", 3)
	giveDue(t, h, "bob", 2)  // never asks
	giveDue(t, h, "dave", 2) // asks, then turns it off
	h.StartLoop()
	if body := set(t, h, "alice", "remind", "09:00"); !strings.Contains(body, "09:00 (Asia/Tokyo)") {
		t.Errorf("set reply: %q", body)
	}
	set(t, h, "carol", "remind", "09:00") // nothing due
	set(t, h, "dave", "remind", "08:00")
	set(t, h, "dave", "remind", "off")
	const moved = 30 // on this day, after the 09:00 reminder, alice moves it to 21:00
	hour := func(day int) time.Duration {
		if day > moved {
			return 21 * time.Hour
		}
		return 9 * time.Hour
	}
	for day := 0; day < 60; day++ {
		d := start.AddDate(0, 0, day)
		h.Step(d.Add(hour(day) - time.Minute))
		if n := len(delivered(h, "alice")); n != day {
			t.Fatalf("day %d, a minute early: %d reminders, want %d", day, n, day)
		}
		for _, at := range []time.Duration{hour(day), hour(day) + time.Minute, 13 * time.Hour, 21 * time.Hour, 23*time.Hour + 59*time.Minute} {
			if at < hour(day) {
				continue
			}
			h.Step(d.Add(at))
			if n := len(delivered(h, "alice")); n != day+1 {
				t.Fatalf("day %d %v: %d reminders, want %d", day, at, n, day+1)
			}
			if day == moved && at == 13*time.Hour {
				set(t, h, "alice", "remind", "21:00")
			}
		}
	}
	got := dms.attempts("alice")
	for i, at := range got {
		if want := start.AddDate(0, 0, i).Add(hour(i)); !at.Equal(want) {
			t.Fatalf("reminder %d at %v, want %v", i, at.In(tokyo), want)
		}
	}
	m := delivered(h, "alice")[0].Msg
	if !strings.Contains(m.Body, "3 items due") || !strings.Contains(m.Body, "/review") {
		t.Errorf("reminder: %+v", m)
	}
	for _, u := range []string{"bob", "carol", "dave"} {
		if n := len(dms.attempts(u)); n != 0 {
			t.Errorf("%s got %d reminders", u, n)
		}
	}
}

// TestRemindRestart: a restart (the store reopened, a new Bot) right after
// the reminder went out does not send it again; one that was down at the
// reminder's time sends it when it comes back within the grace period,
// and skips the day after a longer downtime.
func TestRemindRestart(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, tokyo)
	h := bottest.New(t, start, bot.Config{})
	giveDue(t, h, "alice", 1)
	h.StartLoop()
	set(t, h, "alice", "remind", "09:00")
	h.Step(start.Add(9 * time.Hour))
	if n := len(delivered(h, "alice")); n != 1 {
		t.Fatalf("before the restart: %d reminders", n)
	}
	h.Restart()
	h.StartLoop() // its first turn looks at everything at 09:00
	h.Step(start.Add(9*time.Hour + 30*time.Minute))
	if n := len(delivered(h, "alice")); n != 1 {
		t.Fatalf("after a restart the same day: %d reminders, want 1", n)
	}
	// down over the next day's 09:00, back at 11:00
	day1 := start.AddDate(0, 0, 1)
	h.Step(day1.Add(8 * time.Hour))
	h.Restart()
	h.Clock.Set(day1.Add(11 * time.Hour))
	h.StartLoop()
	if n := len(delivered(h, "alice")); n != 2 {
		t.Fatalf("back within grace: %d reminders, want 2", n)
	}
	h.Restart()
	h.StartLoop()
	h.Step(day1.Add(12 * time.Hour))
	if n := len(delivered(h, "alice")); n != 2 {
		t.Fatalf("restart after the catch-up: %d reminders, want 2", n)
	}
	// down from before day 2's 09:00 until 16:00, past the 6h grace
	day2 := start.AddDate(0, 0, 2)
	h.Step(day2.Add(8 * time.Hour))
	h.Restart()
	h.Clock.Set(day2.Add(16 * time.Hour))
	h.StartLoop()
	h.Step(day2.Add(23 * time.Hour))
	if n := len(delivered(h, "alice")); n != 2 {
		t.Fatalf("back after the grace: %d reminders, want 2 (the day is skipped)", n)
	}
	h.Step(start.AddDate(0, 0, 3).Add(9 * time.Hour))
	if n := len(delivered(h, "alice")); n != 3 {
		t.Fatalf("the day after: %d reminders, want 3", n)
	}
}

// TestRemindBlocked: a user the platform refuses to message is tried once,
// then never again (over weeks) until they set the reminder again; the
// status says why.
func TestRemindBlocked(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, tokyo)
	h := bottest.New(t, start, bot.Config{Lang: "en"})
	dms := watchDMs(h)
	dms.refuse("dave", fmt.Errorf("fake: 50007 Cannot send messages to this user: %w", bot.ErrDMBlocked))
	giveDue(t, h, "dave", 2)
	h.StartLoop()
	set(t, h, "dave", "remind", "09:00")
	for day := 0; day < 21; day++ {
		d := start.AddDate(0, 0, day)
		for _, at := range []time.Duration{9 * time.Hour, 9*time.Hour + time.Minute, 9*time.Hour + 11*time.Minute, 20 * time.Hour} {
			h.Step(d.Add(at))
		}
	}
	if n := len(dms.attempts("dave")); n != 1 {
		t.Fatalf("a blocked user was tried %d times, want 1", n)
	}
	r := h.Command("dave", "", false, "review", "remind")
	if body := r.Messages[0].Body; !strings.Contains(body, "stopped") {
		t.Errorf("status of a blocked reminder: %q", body)
	}
	// after allowing DMs the user turns it on again
	dms.refuse("dave", nil)
	set(t, h, "dave", "remind", "09:00")
	h.Step(start.AddDate(0, 0, 21).Add(9 * time.Hour))
	if n := len(delivered(h, "dave")); n != 1 {
		t.Fatalf("after setting it again: %d delivered", n)
	}
}

// TestRemindTransientFailure: a failing delivery is tried remindTries
// times a day (at 09:00, 09:01, 09:11), and after three such days the
// reminder stops; a failure followed by a success delivers exactly one
// reminder that day.
func TestRemindTransientFailure(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, tokyo)
	h := bottest.New(t, start, bot.Config{})
	dms := watchDMs(h)
	down := errors.New("fake: 503 service unavailable")
	dms.refuse("erin", down)
	giveDue(t, h, "erin", 1)
	giveDue(t, h, "finn", 1)
	h.StartLoop()
	set(t, h, "erin", "remind", "09:00")
	set(t, h, "finn", "remind", "09:00")
	dms.refuse("finn", down) // fails once, then works
	steps := []time.Duration{9 * time.Hour, 9*time.Hour + time.Minute, 9*time.Hour + 2*time.Minute, 9*time.Hour + 11*time.Minute, 9*time.Hour + 30*time.Minute, 22 * time.Hour}
	for day := 0; day < 10; day++ {
		d := start.AddDate(0, 0, day)
		for i, at := range steps {
			h.Step(d.Add(at))
			if day == 0 && i == 0 {
				dms.refuse("finn", nil)
			}
		}
		if want := min(3*(day+1), 9); len(dms.attempts("erin")) != want {
			t.Fatalf("day %d: erin tried %d times, want %d", day, len(dms.attempts("erin")), want)
		}
	}
	at := dms.attempts("erin")
	for i, want := range []time.Duration{9 * time.Hour, 9*time.Hour + time.Minute, 9*time.Hour + 11*time.Minute} {
		if !at[i].Equal(start.Add(want)) {
			t.Errorf("try %d at %v, want %v", i+1, at[i].In(tokyo), start.Add(want).In(tokyo))
		}
	}
	if n := len(delivered(h, "erin")); n != 0 {
		t.Errorf("erin: %d delivered", n)
	}
	f := dms.attempts("finn")
	if len(delivered(h, "finn")) != 10 || len(f) != 11 || !f[1].Equal(start.Add(9*time.Hour+time.Minute)) || !f[2].Equal(start.AddDate(0, 0, 1).Add(9*time.Hour)) {
		t.Errorf("finn: %d delivered, tries at %v", len(delivered(h, "finn")), f)
	}
	r := h.Command("erin", "", false, "review", "remind")
	if body := r.Messages[0].Body; !strings.Contains(body, "止まって") {
		t.Errorf("status after days of failures: %q", body)
	}
}

// TestRemindDST: in New York, a reminder in the spring-forward gap (02:30
// on 8 March 2026) and one in the fall-back fold (01:30 on 1 November
// 2026, which happens twice) each go out once per local day, at their
// local time on the other days.
func TestRemindDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 6, 0, 0, 0, 0, ny)
	h := bottest.New(t, start, bot.Config{})
	dms := watchDMs(h)
	giveDue(t, h, "gap", 1)
	giveDue(t, h, "fold", 1)
	h.StartLoop()
	for _, u := range []string{"gap", "fold"} {
		set(t, h, u, "tz", "America/New_York")
	}
	set(t, h, "gap", "remind", "02:30")
	set(t, h, "fold", "remind", "01:30")
	run := func(from, to time.Time) {
		for at := from; at.Before(to); at = at.Add(30 * time.Minute) {
			h.Step(at)
		}
	}
	run(start, time.Date(2026, 3, 11, 0, 0, 0, 0, ny))
	h.Step(time.Date(2026, 10, 30, 0, 0, 0, 0, ny))
	run(time.Date(2026, 10, 30, 0, 0, 0, 0, ny), time.Date(2026, 11, 4, 0, 0, 0, 0, ny))
	check := func(user string, at string, days []string) {
		t.Helper()
		got := dms.attempts(user)
		if len(got) != len(days) {
			t.Fatalf("%s: %d reminders, want %d: %v", user, len(got), len(days), got)
		}
		for i, g := range got {
			local := g.In(ny)
			if local.Format("2006-01-02") != days[i] {
				t.Errorf("%s reminder %d on %s, want %s", user, i, local, days[i])
			}
			if days[i] != "2026-03-08" && local.Format("15:04") != at {
				t.Errorf("%s reminder %d at %s, want %s", user, i, local, at)
			}
		}
	}
	days := []string{"2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10",
		"2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03"}
	check("gap", "02:30", days)
	check("fold", "01:30", days)
	if g := dms.attempts("fold")[7]; g.In(ny).Format("15:04 MST") != "01:30 EDT" {
		t.Errorf("fold day: reminder at %s, want the first 01:30 (EDT)", g.In(ny).Format("15:04 MST"))
	}
}

// TestRemindZoneChange: a zone change never brings a second reminder on
// a local date that already had one. Tokyo's 07:00 reminder of 1 December
// arrives at 03:30 on 1 December in Kolkata: moved there half an hour
// later, the user's next reminder is Kolkata's 07:00 on 2 December, not 3½
// hours later. The reverse move (London to Tokyo, after London's 07:00)
// goes on with Tokyo's next 07:00.
func TestRemindZoneChange(t *testing.T) {
	at := func(d, hh, mm int) time.Time { return time.Date(2026, 12, d, hh, mm, 0, 0, time.UTC) }
	start := at(1, 0, 0).AddDate(0, 0, -1) // 30 Nov 00:00 UTC
	h := bottest.New(t, start, bot.Config{})
	dms := watchDMs(h)
	giveDue(t, h, "tk", 1)
	giveDue(t, h, "ld", 1)
	h.StartLoop()
	set(t, h, "tk", "remind", "07:00") // Tokyo, the space's zone
	set(t, h, "ld", "tz", "Europe/London")
	set(t, h, "ld", "remind", "07:00")
	for step := start.Add(30 * time.Minute); step.Before(at(3, 0, 0)); step = step.Add(30 * time.Minute) {
		h.Step(step)
		switch {
		case step.Equal(start.Add(22*time.Hour + 30*time.Minute)):
			set(t, h, "tk", "tz", "Asia/Kolkata") // 04:00 on 1 Dec there
		case step.Equal(at(1, 8, 0)):
			set(t, h, "ld", "tz", "Asia/Tokyo") // 17:00 on 1 Dec there
		}
	}
	want := map[string][]time.Time{
		// Tokyo 07:00 on 1 Dec (22:00 UTC on 30 Nov), then Kolkata 07:00 on 2 Dec
		"tk": {start.Add(22 * time.Hour), at(2, 1, 30)},
		// London 07:00 on 30 Nov and 1 Dec, then Tokyo 07:00 on 2 and 3 Dec
		"ld": {start.Add(7 * time.Hour), at(1, 7, 0), at(1, 22, 0), at(2, 22, 0)},
	}
	for u, w := range want {
		got := dms.attempts(u)
		if len(got) != len(w) {
			t.Errorf("%s: reminders at %v, want %v", u, got, w)
			continue
		}
		for i := range w {
			if !got[i].Equal(w[i]) {
				t.Errorf("%s: reminders at %v, want %v", u, got, w)
				break
			}
		}
	}
}

// noDM is a platform without direct messages.
type noDM struct{ bot.Platform }

// TestRemindCommands: what /review remind and /review tz accept and
// refuse, and which zone a reminder starts in.
func TestRemindCommands(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Lang: "en"})
	if r := h.Command("admin", "C1", true, "studybot", "schedule", "0", "9", "*", "*", "1-5", "Europe/London"); r.Messages[0].Kind == bot.KindError {
		t.Fatalf("schedule: %+v", r)
	}
	for _, tt := range []struct {
		channel string
		args    []string
		err     bool
		want    string
	}{
		{"", []string{"remind"}, false, "No reminder is set"},
		{"", []string{"remind", "25:00"}, true, `"25:00"`},
		{"", []string{"remind", "9"}, true, "HH:MM"},
		{"", []string{"remind", "21:60"}, true, "21:60"},
		{"", []string{"remind", "ab:cd"}, true, "ab:cd"},
		{"", []string{"tz", "Mars/Olympus_Mons"}, true, "Mars/Olympus_Mons"},
		{"", []string{"tz", "Local"}, true, "IANA"},
		{"", []string{"snooze"}, true, "/review remind 21:00"},
		{"", []string{"remind", "21:00", "daily"}, true, "/review remind"},
		{"", []string{"remind", "２１：００"}, false, "21:00 (Asia/Tokyo)"}, // a DM: the space's zone
		{"", []string{"remind"}, false, "every day at 21:00 (Asia/Tokyo)"},
		{"", []string{"tz", "UTC"}, false, "Time zone set to UTC"},
		{"", []string{"remind", "7:05"}, false, "07:05 (UTC)"},
		{"", []string{"remind", "OFF"}, false, "Reminders are off"},
		{"", []string{"tz"}, false, "Time zone: UTC"},
	} {
		r := h.Command("ann", tt.channel, false, "review", tt.args...)
		if len(r.Messages) != 1 || !r.Private || (r.Messages[0].Kind == bot.KindError) != tt.err || !strings.Contains(r.Messages[0].Body, tt.want) {
			t.Errorf("/review %v: %+v, want error %v with %q", tt.args, r, tt.err, tt.want)
		}
	}
	// in a channel with a zone, a new reminder starts in it
	if r := h.Command("ben", "C1", false, "review", "remind", "08:15"); !strings.Contains(r.Messages[0].Body, "08:15 (Europe/London)") {
		t.Errorf("in a London channel: %+v", r)
	}
	// a platform without direct messages
	h.Bot.AddPlatform(noDM{h.Platform})
	if r := h.Command("cat", "", false, "review", "remind", "08:00"); r.Messages[0].Kind != bot.KindError || !strings.Contains(r.Messages[0].Body, "direct messages") {
		t.Errorf("without DMs: %+v", r)
	}
}
