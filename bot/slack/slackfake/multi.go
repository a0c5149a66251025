package slackfake

import (
	"fmt"
	"time"
)

// Payloads of a multi-answer card: a checkboxes element and a Submit
// button in one actions block. Slack sends a block_actions payload when a
// box is checked (an action of type "checkboxes") and when Submit is
// clicked (a button action); both carry the block's input state under
// state.values[block_id][action_id].

// checkboxState is the state.values of one checkboxes element with the
// given options selected.
func checkboxState(blockID, checkboxID string, selected []string) map[string]any {
	opts := []any{}
	for _, v := range selected {
		opts = append(opts, map[string]any{"text": map[string]any{"type": "plain_text", "text": v}, "value": v})
	}
	return map[string]any{"values": map[string]any{blockID: map[string]any{checkboxID: map[string]any{"type": "checkboxes", "selected_options": opts}}}}
}

func actionTS() string {
	return fmt.Sprintf("%d.%06d", time.Now().Unix(), time.Now().Nanosecond()/1000)
}

// BlockSubmit builds the block_actions payload of a click on the button
// submitID in block blockID while the checkboxes checkboxID of that block
// have selected checked (option values).
func BlockSubmit(team, channel, user, blockID, checkboxID, submitID, messageTS string, selected []string) map[string]any {
	p := BlockAction(team, channel, user, submitID, messageTS)
	act := p["actions"].([]any)[0].(map[string]any)
	act["block_id"] = blockID
	p["state"] = checkboxState(blockID, checkboxID, selected)
	return p
}

// CheckboxChange builds the block_actions payload Slack sends when a box of
// the checkboxes checkboxID in block blockID is checked or unchecked,
// leaving selected checked.
func CheckboxChange(team, channel, user, blockID, checkboxID, messageTS string, selected []string) map[string]any {
	p := BlockAction(team, channel, user, checkboxID, messageTS)
	st := checkboxState(blockID, checkboxID, selected)
	act := st["values"].(map[string]any)[blockID].(map[string]any)[checkboxID].(map[string]any)
	p["actions"] = []any{map[string]any{"type": "checkboxes", "action_id": checkboxID, "block_id": blockID,
		"selected_options": act["selected_options"], "action_ts": actionTS()}}
	p["state"] = st
	return p
}

// BlockSubmit is the package's BlockSubmit with a response_url served by the
// fake.
func (s *Server) BlockSubmit(team, channel, user, blockID, checkboxID, submitID, messageTS string, selected []string) map[string]any {
	p := BlockSubmit(team, channel, user, blockID, checkboxID, submitID, messageTS, selected)
	p["response_url"] = s.ResponseURL()
	return p
}
