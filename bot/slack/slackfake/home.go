package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// MaxHomeBlocks is the number of blocks a Home tab view may carry.
const MaxHomeBlocks = 100

// maxViewBytes bounds a published view's JSON; Slack documents no figure
// for views.publish, so the fake takes the 250 KB of its other view
// payloads as the bound.
const maxViewBytes = 250 << 10

// checkPublish reads a views.publish request (a JSON body, as slack-go
// sends it) and checks it as Slack would: a user_id, a view of type
// "home" with at most MaxHomeBlocks blocks, each valid like a message's.
// It returns the body, or nil (a violation recorded) when Slack would
// refuse it outright.
func (s *Server) checkPublish(r *http.Request) map[string]any {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxViewBytes+1))
	if err != nil || len(raw) > maxViewBytes {
		s.violate(fmt.Sprintf("views.publish: body over %d bytes or unreadable", maxViewBytes))
		return nil
	}
	var req struct {
		UserID string `json:"user_id"`
		View   struct {
			Type   string          `json:"type"`
			Blocks json.RawMessage `json:"blocks"`
		} `json:"view"`
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &req); err != nil || json.Unmarshal(raw, &body) != nil {
		s.violate("views.publish: not a JSON object: " + string(raw))
		return nil
	}
	var bad []string
	if req.UserID == "" {
		bad = append(bad, "views.publish: user_id is required")
	}
	if req.View.Type != "home" {
		bad = append(bad, fmt.Sprintf("views.publish: view type %q, want home", req.View.Type))
	}
	var blocks []json.RawMessage
	if json.Unmarshal(req.View.Blocks, &blocks) != nil || len(blocks) == 0 {
		bad = append(bad, "views.publish: a view needs blocks")
	}
	v, _ := validateBlocks(req.View.Blocks, MaxHomeBlocks)
	for _, x := range v {
		bad = append(bad, "views.publish: "+x)
	}
	s.violate(bad...)
	if req.UserID == "" || req.View.Type != "home" {
		return nil
	}
	return body
}

// Views returns the views published for user, oldest first, as the
// blocks' raw JSON.
func (s *Server) Views(user string) []json.RawMessage {
	var out []json.RawMessage
	for _, c := range s.Calls("views.publish") {
		if c.Body["user_id"] != user {
			continue
		}
		b, _ := json.Marshal(c.Body["view"].(map[string]any)["blocks"])
		out = append(out, b)
	}
	return out
}

// AppHomeOpened builds an events_api payload (an event_callback) of a
// user opening the app's tab ("home" or "messages").
func AppHomeOpened(team, user, tab string) map[string]any {
	return map[string]any{"token": "x", "team_id": team, "api_app_id": "AFAKE", "type": "event_callback",
		"event_id": fmt.Sprintf("Ev%d", time.Now().UnixNano()), "event_time": time.Now().Unix(),
		"event": map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": tab,
			"event_ts": fmt.Sprintf("%d.000100", time.Now().Unix())}}
}

// HomeBlockAction builds a block_actions payload of a click on actionID
// in the Home tab: a view of type home, no channel, no message and no
// response_url, as Slack sends it.
func HomeBlockAction(team, user, actionID string) map[string]any {
	return map[string]any{
		"type": "block_actions", "team": map[string]any{"id": team, "domain": "fake"}, "user": map[string]any{"id": user, "username": user, "team_id": team},
		"api_app_id": "AFAKE", "token": "x", "container": map[string]any{"type": "view", "view_id": "V1"}, "trigger_id": "trig",
		"view": map[string]any{"id": "V1", "type": "home", "team_id": team, "blocks": []any{}},
		"actions": []any{map[string]any{"action_id": actionID, "block_id": "answers", "text": map[string]any{"type": "plain_text", "text": "x"},
			"value": actionID, "type": "button", "action_ts": fmt.Sprintf("%d.%06d", time.Now().Unix(), time.Now().Nanosecond()/1000)}},
	}
}
