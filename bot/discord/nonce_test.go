package discord_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/discord/discordfake"
	"github.com/studybot/studybot/store"
)

// TestCardNonce: a card sent with a nonce whose answer was lost (Discord
// created the message, the connection dropped) and sent again with the
// same nonce comes back as the same message, as Discord's enforce_nonce
// does; without a nonce a second send is a second message.
func TestCardNonce(t *testing.T) {
	r := newRig(t)
	card := bot.Message{Kind: bot.KindCard, Title: "t", Body: "b"}
	r.fake.CrashAfter("C9")
	if _, err := r.ad.PostCardNonce(context.Background(), "C9", card, "p0123456789abcdef"); err == nil {
		t.Fatal("the dropped call succeeded")
	}
	ref, err := r.ad.PostCardNonce(context.Background(), "C9", card, "p0123456789abcdef")
	if err != nil || ref == "" {
		t.Fatalf("retry: %q %v", ref, err)
	}
	calls := r.fake.Calls(http.MethodPost, "/api/v9/channels/C9/messages")
	if r.fake.Created() != 1 || len(calls) != 2 {
		t.Fatalf("%d messages created from %d calls, want 1 from 2", r.fake.Created(), len(calls))
	}
	for _, c := range calls {
		if c.Body["nonce"] != "p0123456789abcdef" || c.Body["enforce_nonce"] != true || len(c.Body["embeds"].([]any)) != 1 {
			t.Errorf("sent %v", c.Body)
		}
	}
	if _, err := r.ad.PostCard(context.Background(), "C9", card); err != nil {
		t.Fatal(err)
	}
	if r.fake.Created() != 2 {
		t.Errorf("a card without a nonce: %d messages, want 2", r.fake.Created())
	}
}

// TestLostCardAnswerIsAdopted: the due-loop's 09:00 card is created but
// its answer is lost; the post is stored as a failed try and its retry, a
// minute later with the post's nonce, adopts the card Discord created
// instead of posting a second one.
func TestLostCardAnswerIsAdopted(t *testing.T) {
	r := newRig(t)
	if _, err := r.bot.EnsureChannel(r.space, "C9"); err != nil {
		t.Fatal(err)
	}
	r.fake.CrashAfter("C9")
	r.clock.Set(tuesday09)
	r.bot.RunDue(context.Background(), r.clock.Now())
	p, err := r.db.LatestPost(r.space, "C9")
	if err != nil || p.MessageRef != "" || p.SendFailures != 1 || r.fake.Created() != 1 {
		t.Fatalf("after the lost answer: %+v %v, %d created", p, err, r.fake.Created())
	}
	r.clock.Set(tuesday09.Add(time.Minute))
	r.bot.RunDue(context.Background(), r.clock.Now())
	p, _ = r.db.GetPost(p.ID)
	calls := r.fake.Calls(http.MethodPost, "/api/v9/channels/C9/messages")
	if r.fake.Created() != 1 || len(calls) != 2 || p.MessageRef == "" {
		t.Fatalf("after the retry: %d created from %d calls, ref %q", r.fake.Created(), len(calls), p.MessageRef)
	}
	if calls[0].Body["nonce"] != p.ID || calls[1].Body["nonce"] != p.ID {
		t.Errorf("nonces %v %v, want the post ID %s", calls[0].Body["nonce"], calls[1].Body["nonce"], p.ID)
	}
}

// TestUnconfirmedCardAdoptedByClick: a card whose intent outlived
// Discord's nonce window is committed unconfirmed and not posted again;
// the first click on it (the interaction names its message) adopts it, and
// at the close that message is the one edited to its closed state.
func TestUnconfirmedCardAdoptedByClick(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "READY", func() bool { return r.ad.State() == "connected" })
	if _, err := r.bot.EnsureChannel(r.space, "C9"); err != nil {
		t.Fatal(err)
	}
	// the process that posted the 09:00 card died before its commit, ten
	// minutes before this one starts
	q := r.bot.Bank().Questions[0]
	snap := store.Snapshot{QuestionID: q.ID, Domain: q.Domain, DomainTitle: q.DomainTitle, Type: string(q.Type), Stem: q.Stem, AnswerID: q.Correct().ID}
	card := bot.Message{Kind: bot.KindCard, Title: "card", Body: q.Stem}
	for i, o := range q.Options {
		snap.Options = append(snap.Options, store.SnapOption{ID: o.ID, Text: o.Text})
		card.Buttons = append(card.Buttons, bot.Button{ActionID: "sb1:a:" + store.PostID(r.space, "C9", tuesday09) + ":" + o.ID, Label: string(rune('A' + i)), Text: o.Text})
	}
	p, err := r.db.PreparePost(store.Post{Space: r.space, Channel: "C9", Slot: tuesday09, Question: snap, OpenedAt: tuesday09, ClosesAt: tuesday09.Add(8 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.RecordIntent(store.PostIntent{Post: p, Scheduled: true, Nonce: p.ID, At: tuesday09}); err != nil {
		t.Fatal(err)
	}
	ref, err := r.ad.PostCardNonce(context.Background(), "C9", card, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.clock.Set(tuesday09.Add(10 * time.Minute))
	r.bot.RunDue(context.Background(), r.clock.Now())
	got, err := r.db.GetPost(p.ID)
	if err != nil || !got.Unconfirmed || got.MessageRef != "" || r.fake.Created() != 1 {
		t.Fatalf("after the restart: %+v %v, %d messages", got, err, r.fake.Created())
	}
	click := discordfake.Click("G1", "C9", "U001", card.Buttons[0].ActionID, ref)
	if err := r.fake.Interact(click); err != nil {
		t.Fatal(err)
	}
	r.callbackFor(t, click["id"].(string))
	if got, _ = r.db.GetPost(p.ID); got.MessageRef != ref || got.Unconfirmed {
		t.Fatalf("after the click: ref %q (card %s), unconfirmed %v", got.MessageRef, ref, got.Unconfirmed)
	}
	r.clock.Set(got.ClosesAt)
	r.bot.RunDue(context.Background(), r.clock.Now())
	waitFor(t, "the closed card's edit", func() bool {
		return len(r.fake.Calls(http.MethodPatch, "/api/v9/channels/C9/messages/"+ref)) > 0
	})
	if r.fake.Created() != 2 { // the card, then the results
		t.Errorf("%d messages, want the card and the results", r.fake.Created())
	}
}
