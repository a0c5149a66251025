package slack

import (
	"encoding/json"
	"testing"

	"github.com/slack-go/slack"

	"github.com/studybot/studybot/bot/slack/slackfake"
)

// TestClickCarriesCardTS: a click tells the core which message its button
// is on (the card's ts, from container.message_ts as Slack sends it): the
// core adopts a card posted just before a crash from its first click, as
// Slack has no idempotency key to find it by (bot/intent.go).
func TestClickCarriesCardTS(t *testing.T) {
	raw, err := json.Marshal(slackfake.BlockAction("T1", "C1", "U1", "sb1:a:p0123:o1", "1700000000.000100"))
	if err != nil {
		t.Fatal(err)
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal(raw, &cb); err != nil {
		t.Fatal(err)
	}
	a := &Adapter{}
	a.team.Store("T1")
	clicks := a.clicks(cb)
	if len(clicks) != 1 || clicks[0].MessageRef != "1700000000.000100" || clicks[0].ActionID != "sb1:a:p0123:o1" {
		t.Fatalf("clicks %+v", clicks)
	}
}
