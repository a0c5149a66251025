package discord_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
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
