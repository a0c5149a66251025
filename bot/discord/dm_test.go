package discord_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// TestDM: a direct message opens the DM channel (POST /users/@me/channels
// with the recipient's snowflake) once and posts the message there as an
// embed.
func TestDM(t *testing.T) {
	r := newRig(t)
	const user = "222222222222222222"
	m := bot.Message{Title: "🔁 Time to review", Body: "You have 2 items due for review. Run /review to start."}
	for i := 0; i < 2; i++ {
		if err := r.ad.DM(context.Background(), user, m); err != nil {
			t.Fatalf("DM %d: %v", i+1, err)
		}
	}
	opens := r.fake.Calls(http.MethodPost, "/api/v9/users/@me/channels")
	if len(opens) != 1 || opens[0].Body["recipient_id"] != user {
		t.Fatalf("DM channel opened %d times: %+v", len(opens), opens)
	}
	ch := r.fake.DMChannel(user)
	posts := r.fake.Calls(http.MethodPost, "/api/v9/channels/"+ch+"/messages")
	if ch == "" || len(posts) != 2 || !strings.Contains(string(posts[0].Raw), "2 items due") {
		t.Fatalf("messages in the DM channel %q: %+v", ch, posts)
	}
}

// TestDMBlocked: a user who blocks DMs makes Discord answer 50007 "Cannot
// send messages to this user": DM returns an error wrapping
// bot.ErrDMBlocked with the code.
func TestDMBlocked(t *testing.T) {
	r := newRig(t)
	const user = "333333333333333333"
	r.fake.BlockDMs(user)
	err := r.ad.DM(context.Background(), user, bot.Message{Body: "hi"})
	if !errors.Is(err, bot.ErrDMBlocked) || !strings.Contains(err.Error(), "50007") {
		t.Fatalf("DM to a user who blocks DMs: %v", err)
	}
}

// TestReminderThroughDiscord: /review with settings "remind 21:00" (the
// registry's option) sets the reminder through the gateway; the due pass
// at 21:00 sends it as a DM, and a user who blocks DMs is tried once and
// not the next day.
func TestReminderThroughDiscord(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "READY", r.fake.Ready)
	const ok, blocked = "444444444444444444", "555555555555555555"
	r.fake.BlockDMs(blocked)
	q := bottest.Bank(t).Top(0)[0]
	for _, u := range []string{ok, blocked} {
		_, err := r.db.UpdateCard(r.space, u, q.Item, func(c *store.Card, _ bool) error {
			c.Reps, c.State, c.Stability, c.Due, c.LastReview = 1, 2, 1, r.clock.Now().Add(-time.Hour), r.clock.Now().Add(-25*time.Hour)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.command(t, "G1", u, 0, "review", map[string]any{"settings": "remind 21:00"}); !strings.Contains(got, "21:00") || !strings.Contains(got, "Asia/Tokyo") {
			t.Fatalf("/review remind: %s", got)
		}
	}
	at := time.Date(2026, 12, 1, 21, 0, 0, 0, tokyo)
	for day := 0; day < 3; day++ {
		now := at.AddDate(0, 0, day)
		r.clock.Set(now)
		r.bot.RunDue(context.Background(), now)
	}
	if posts := r.fake.Calls(http.MethodPost, "/api/v9/channels/"+r.fake.DMChannel(ok)+"/messages"); len(posts) != 3 || !strings.Contains(string(posts[0].Raw), "復習する項目が 1 件") {
		t.Errorf("reminders to %s: %d, first %s", ok, len(posts), posts)
	}
	if posts := r.fake.Calls(http.MethodPost, "/api/v9/channels/"+r.fake.DMChannel(blocked)+"/messages"); len(posts) != 1 {
		t.Errorf("a user who blocks DMs was tried %d times, want 1", len(posts))
	}
	if rem, err := r.db.GetReminder(r.space, blocked); err != nil || !rem.Blocked {
		t.Errorf("blocked user's reminder: %+v, %v", rem, err)
	}
}
