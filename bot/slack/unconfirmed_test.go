package slack_test

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/store"
)

// TestUnconfirmedCardAdoptedByClick: Slack has no idempotency key, so a
// card whose process died before its commit is committed unconfirmed after
// the restart and not posted again; the first click on it (its
// container.message_ts) adopts it, and at the close that card is the one
// updated (the fake refuses chat.update of a message the bot never
// posted) and the results are posted.
func TestUnconfirmedCardAdoptedByClick(t *testing.T) {
	r := newRig(t, "socket")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.RunSocket(ctx, socketmode.OptionPingInterval(time.Minute)) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "Socket Mode connection", r.fake.Connected)
	if _, err := r.bot.EnsureChannel(r.space, "C1"); err != nil {
		t.Fatal(err)
	}
	// the dead process: its intent, then the card Slack accepted
	q := r.bot.Bank().Questions[0]
	id := store.PostID(r.space, "C1", tuesday09)
	snap := store.Snapshot{QuestionID: q.ID, Domain: q.Domain, DomainTitle: q.DomainTitle, Type: string(q.Type), Stem: q.Stem, AnswerID: q.Correct().ID}
	card := bot.Message{Kind: bot.KindCard, Title: "card", Body: q.Stem}
	for i, o := range q.Options {
		snap.Options = append(snap.Options, store.SnapOption{ID: o.ID, Text: o.Text})
		card.Buttons = append(card.Buttons, bot.Button{ActionID: "sb1:a:" + id + ":" + o.ID, Label: string(rune('A' + i)), Text: o.Text})
	}
	p, err := r.db.PreparePost(store.Post{Space: r.space, Channel: "C1", Slot: tuesday09, Question: snap, OpenedAt: tuesday09, ClosesAt: tuesday09.Add(8 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.RecordIntent(store.PostIntent{Post: p, Scheduled: true, Nonce: p.ID, At: tuesday09}); err != nil {
		t.Fatal(err)
	}
	ts, err := r.ad.PostCard(context.Background(), "C1", card)
	if err != nil {
		t.Fatal(err)
	}
	// the restart a few seconds later: no second card
	r.clock.Set(tuesday09.Add(5 * time.Second))
	r.bot.RunDue(context.Background(), r.clock.Now())
	got, err := r.db.GetPost(p.ID)
	if err != nil || !got.Unconfirmed || got.MessageRef != "" || len(r.fake.Calls("chat.postMessage")) != 1 {
		t.Fatalf("after the restart: %+v %v, %d posts", got, err, len(r.fake.Calls("chat.postMessage")))
	}
	env, err := r.fake.Send("interactive", slackfake.BlockAction("T0001", "C1", "U001", card.Buttons[0].ActionID, ts))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.fake.WaitAck(env, 5*time.Second); !ok {
		t.Fatal("the click was not acknowledged")
	}
	waitFor(t, "the click to adopt the card", func() bool { got, _ = r.db.GetPost(p.ID); return got.MessageRef == ts && !got.Unconfirmed })
	r.clock.Set(got.ClosesAt)
	r.bot.RunDue(context.Background(), r.clock.Now())
	waitFor(t, "the closed card's update", func() bool {
		for _, c := range r.fake.Calls("chat.update") {
			if c.Form.Get("ts") == ts {
				return true
			}
		}
		return false
	})
	if n := len(r.fake.Calls("chat.postMessage")); n != 2 {
		t.Errorf("%d messages, want the card and the results", n)
	}
}
