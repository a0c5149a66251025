package slack_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/studybot/studybot/bot/slack/slackfake"
)

// TestSocketModeReplayedAndMalformedEnvelopes: a slash command delivered
// again (Slack's redelivery, a new envelope with the same trigger ID) is
// acknowledged without running again; malformed envelopes (null actions,
// payloads of the wrong shape, unknown types, a large payload) neither
// crash the adapter nor stall its event loop: a command sent after them is
// answered as usual.
func TestSocketModeReplayedAndMalformedEnvelopes(t *testing.T) {
	r := newRig(t, "socket")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.RunSocket(ctx, socketmode.OptionPingInterval(time.Minute)) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "Socket Mode connection", r.fake.Connected)

	cmd := slackfake.SlashCommand("T0001", "C1", "U1", "memo", "CodeDeploy")
	var acks []string
	for i := 0; i < 2; i++ {
		id, err := r.fake.Send("slash_commands", cmd)
		if err != nil {
			t.Fatal(err)
		}
		raw, ok := r.fake.WaitAck(id, 3*time.Second)
		if !ok {
			t.Fatalf("delivery %d not acked", i)
		}
		acks = append(acks, string(raw))
	}
	if !strings.Contains(acks[0], "CodeDeploy") || strings.Contains(acks[1], "CodeDeploy") {
		t.Errorf("first ack %.100s; redelivery ack %.100s (want the reply once)", acks[0], acks[1])
	}

	for _, env := range []struct {
		typ     string
		payload any
	}{
		{"interactive", map[string]any{"type": "block_actions", "user": map[string]any{"id": "U1"}, "actions": []any{nil, nil}}},
		{"interactive", map[string]any{"type": "block_actions", "user": nil, "channel": nil, "actions": []any{map[string]any{"action_id": "sb1:a:x:y"}}}},
		{"interactive", "not an object"},
		{"slash_commands", []any{1, 2, 3}},
		{"slash_commands", map[string]any{"command": "/memo"}}, // no user, no trigger ID
		{"events_api", map[string]any{"type": "event_callback", "event": map[string]any{"type": strings.Repeat("x", 1<<20)}}},
		{"no_such_type", map[string]any{}},
	} {
		if _, err := r.fake.Send(env.typ, env.payload); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.slash(t, "U2", "/memo CodeDeploy"); !strings.Contains(got, "CodeDeploy") {
		t.Errorf("a command after the malformed envelopes: %.200s", got)
	}
}
