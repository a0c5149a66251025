package discord_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/digest"
)

// TestPostFileAttachment: the digest's chart goes to Discord as a
// multipart message — payload_json with the embed (its image pointing at
// the attachment) and files[0] holding the PNG, which the fake decodes.
func TestPostFileAttachment(t *testing.T) {
	r := newRig(t)
	w := digest.Week{Lang: "en", Start: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Domains: []digest.Domain{{Number: 1, Title: "設計", Weight: 30, This: digest.Tally{Answered: 4, Correct: 3}, Last: digest.Tally{Answered: 2, Correct: 1}}}}
	png, err := digest.Render(w)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.ad.PostFile(context.Background(), "C1", bot.Message{Body: w.Text()}, bot.File{Name: "digest-2026-11-23.png", Data: png, Alt: "chart"}); err != nil {
		t.Fatal(err)
	}
	calls := r.fake.Calls("POST", "/api/v9/channels/C1/messages")
	if len(calls) != 1 {
		t.Fatalf("%d message posts, want 1", len(calls))
	}
	c := calls[0]
	if len(c.Files) != 1 || c.Files[0].Name != "digest-2026-11-23.png" || !bytes.Equal(c.Files[0].Data, png) {
		t.Fatalf("attachments %+v", c.Files)
	}
	embeds, _ := c.Body["embeds"].([]any)
	if len(embeds) != 1 {
		t.Fatalf("payload %s", c.Raw)
	}
	img, _ := embeds[0].(map[string]any)["image"].(map[string]any)
	if img["url"] != "attachment://digest-2026-11-23.png" {
		t.Errorf("embed image %v", img)
	}
}
