package slack_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/store"
)

// TestDM: a direct message opens the DM with conversations.open (a bot
// token, one user) and posts into the D channel it returns; the channel is
// kept, so the next message opens nothing.
func TestDM(t *testing.T) {
	r := newRig(t, "socket")
	m := bot.Message{Title: "🔁 Time to review", Body: "You have 2 items due for review. Run /review to start."}
	for i := 0; i < 2; i++ {
		if err := r.ad.DM(context.Background(), "U7", m); err != nil {
			t.Fatalf("DM %d: %v", i+1, err)
		}
	}
	opens := r.fake.Calls("conversations.open")
	if len(opens) != 1 || opens[0].Form.Get("users") != "U7" || opens[0].Token != "xoxb-test" {
		t.Fatalf("conversations.open calls: %+v", opens)
	}
	dm := r.fake.DMChannel("U7")
	posts := r.fake.Calls("chat.postMessage")
	if dm == "" || !strings.HasPrefix(dm, "D") || len(posts) != 2 || posts[1].Form.Get("channel") != dm || !strings.Contains(posts[1].Form.Get("text"), "2 items due") {
		t.Fatalf("DM channel %q, posts %+v", dm, posts)
	}
}

// TestDMRefused: each refusal Slack documents for conversations.open comes
// back wrapping bot.ErrDMBlocked, naming the code, and nothing is posted;
// a misconfigured token (not_allowed_token_type) is an error but no
// refusal of the user.
func TestDMRefused(t *testing.T) {
	r := newRig(t, "socket")
	for _, code := range []string{"user_not_found", "user_not_visible", "user_disabled", "cannot_dm_bot", "invalid_user_combination"} {
		user := "U" + strings.ToUpper(strings.ReplaceAll(code, "_", ""))
		r.fake.RefuseDM(user, code)
		err := r.ad.DM(context.Background(), user, bot.Message{Body: "hi"})
		if !errors.Is(err, bot.ErrDMBlocked) || !strings.Contains(err.Error(), code) {
			t.Errorf("%s: %v", code, err)
		}
	}
	if err := r.ad.DM(context.Background(), "not-a-user", bot.Message{Body: "hi"}); !errors.Is(err, bot.ErrDMBlocked) {
		t.Errorf("malformed user: %v", err)
	}
	if n := len(r.fake.Calls("chat.postMessage")); n != 0 {
		t.Errorf("%d messages posted to refused users", n)
	}
	wrong, err := studyslack.New(studyslack.Config{BotToken: "xoxp-user-token", AppToken: "xapp-test", APIURL: r.fake.URL()}, r.bot)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wrong.Close() })
	if err := wrong.DM(context.Background(), "U7", bot.Message{Body: "hi"}); err == nil || errors.Is(err, bot.ErrDMBlocked) || !strings.Contains(err.Error(), "not_allowed_token_type") {
		t.Errorf("user token: %v", err)
	}
}

// TestReminderThroughSlack: a /review remind set through a slash command
// is sent by the due pass as a direct message through the fake; a user
// Slack refuses (deactivated) is tried once and the reminder stops.
func TestReminderThroughSlack(t *testing.T) {
	r := newRig(t, "socket")
	r.runSocket(t)
	r.fake.RefuseDM("UGONE", "user_disabled")
	q := bottest.Bank(t).Top(0)[0]
	for _, u := range []string{"U7", "UGONE"} {
		_, err := r.db.UpdateCard(r.space, u, q.Item, func(c *store.Card, _ bool) error {
			c.Reps, c.State, c.Stability, c.Due, c.LastReview = 1, 2, 1, r.clock.Now().Add(-time.Hour), r.clock.Now().Add(-25*time.Hour)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		id, err := r.fake.Send("slash_commands", r.fake.SlashCommand("T0001", "C1", u, "review", "remind 21:00"))
		if err != nil {
			t.Fatal(err)
		}
		raw, ok := r.fake.WaitAck(id, 3*time.Second)
		if !ok || !strings.Contains(ackText(t, raw), "21:00") {
			t.Fatalf("%s: /review remind ack %s", u, raw)
		}
	}
	at := time.Date(2026, 12, 1, 21, 0, 0, 0, tokyo)
	r.clock.Set(at)
	r.bot.RunDue(context.Background(), at)
	posts := r.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != r.fake.DMChannel("U7") || !strings.Contains(posts[0].Form.Get("text"), "復習する項目が 1 件") {
		t.Fatalf("reminder posts: %+v", posts)
	}
	if rem, err := r.db.GetReminder(r.space, "UGONE"); err != nil || !rem.Blocked {
		t.Fatalf("refused user's reminder: %+v, %v", rem, err)
	}
	r.clock.Set(at.AddDate(0, 0, 1))
	r.bot.RunDue(context.Background(), at.AddDate(0, 0, 1))
	var opens []slackfake.Call
	for _, c := range r.fake.Calls("conversations.open") {
		if c.Form.Get("users") == "UGONE" {
			opens = append(opens, c)
		}
	}
	if len(opens) != 1 || len(r.fake.Calls("chat.postMessage")) != 2 {
		t.Errorf("next day: UGONE opened %d times, %d posts", len(opens), len(r.fake.Calls("chat.postMessage")))
	}
}
