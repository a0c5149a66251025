package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/studybot/studybot/bot"
)

func TestRenderStaysWithinLimits(t *testing.T) {
	m := bot.Message{Kind: bot.KindLookup, Title: strings.Repeat("長い見出し", 60), Body: strings.Repeat("本文", 3000), Quote: strings.Repeat("引用\n", 2000)}
	for i := 0; i < 60; i++ {
		m.Fields = append(m.Fields, bot.Field{Name: "第 1 分野 › 試験メモ", Value: strings.Repeat("パッセージ <script>&", 200)})
	}
	blocks, text := render(m)
	if len(blocks) > maxBlocks {
		t.Errorf("%d blocks", len(blocks))
	}
	payload, _ := json.Marshal(map[string]any{"response_type": "ephemeral", "text": text, "blocks": blocks})
	if len(payload) >= 20<<10 {
		t.Errorf("ack payload %d bytes, Socket Mode refuses 20 KB", len(payload))
	}
	if !strings.Contains(string(payload), "truncated") {
		t.Error("no truncation hint")
	}
	if strings.Contains(string(payload), "<script>") {
		t.Error("mrkdwn not escaped")
	}
	// our mentions survive escaping, a user's typed ones do not
	if got := mdText("1. "+mentionMarker("U123")+" & <b> <@U999>", 100); got != "1. <@U123> &amp; &lt;b&gt; &lt;@U999&gt;" {
		t.Errorf("escape = %q", got)
	}
}

func TestRenderCard(t *testing.T) {
	m := bot.Message{Kind: bot.KindCard, Title: "📝", Body: "stem", PostID: "p1", Buttons: []bot.Button{{ActionID: "sb1:a:p1:x", Label: "A", Text: "one"}, {ActionID: "sb1:a:p1:y", Label: "B", Text: "two"}}, Context: "closes 17:00"}
	blocks, _ := render(m)
	js, _ := json.Marshal(blocks)
	s := string(js)
	for _, want := range []string{`"type":"actions"`, `"action_id":"sb1:a:p1:x"`, `*A)* one`, `closes 17:00`} {
		if !strings.Contains(s, want) {
			t.Errorf("card lacks %s: %s", want, s)
		}
	}
	m.Buttons[0].Disabled, m.Buttons[1].Disabled = true, true
	blocks, _ = render(m)
	js, _ = json.Marshal(blocks)
	if strings.Contains(string(js), `"actions"`) {
		t.Error("closed card keeps its buttons")
	}
}
