package slack

import (
	"strconv"

	"github.com/slack-go/slack"

	"github.com/studybot/studybot/bot"
)

// Questions with more than one answer: an open card whose message asks to
// choose several options (bot.Message.Choose) shows them as a checkboxes
// element and a Submit button in one actions block. Checking a box sends a
// block_actions payload of type "checkboxes", acknowledged and otherwise
// ignored; Submit's payload carries the boxes' state (state.values, by
// block_id and action_id), whose selected options' values (the option
// IDs) go to the core in bot.Click.Values.

// Limits of the checkboxes element and its option objects, from
// https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element
// (at most 10 options) and
// https://docs.slack.dev/reference/block-kit/composition-objects/option-object
// (text and description at most 75 characters, value at most 150).
const (
	maxCheckboxes   = 10
	maxOptionText   = 75
	maxOptionValue  = 150
	pickActionID    = "pick"
	pickBlockPrefix = "pick:"
)

// multiSelect renders the actions block of an open multi-answer card:
// checkboxes then Submit. Its block_id is new on each rendering, as Slack
// asks of an updated message ("If a message is updated, use a new
// block_id"), so a card update (the answer count) may clear boxes checked
// but not yet submitted: the core then refuses the short set and says so.
// It returns nil for any other message and for a closed card.
func multiSelect(m bot.Message) *slack.ActionBlock {
	if m.Choose < 2 || m.Submit == nil || m.Submit.Disabled || len(m.Buttons) == 0 {
		return nil
	}
	var opts []*slack.OptionBlockObject
	for i, b := range m.Buttons {
		if i == maxCheckboxes || len(b.Value) > maxOptionValue {
			break
		}
		opts = append(opts, slack.NewOptionBlockObject(b.Value, plain(b.Label+") "+b.Text, maxOptionText), nil))
	}
	submit := slack.NewButtonBlockElement(m.Submit.ActionID, m.Submit.ActionID, plain(m.Submit.Label, maxButtonText))
	submit.Style = slack.StylePrimary
	id := pickBlockPrefix + m.PostID + ":" + blockKey + "." + strconv.FormatUint(blockVersion.Add(1), 10)
	return slack.NewActionBlock(id, slack.NewCheckboxGroupsBlockElement(pickActionID, opts...), submit)
}

// multiSize estimates the JSON size of a multi-answer card's actions block.
func multiSize(m bot.Message) int {
	n := 150 + len(m.Submit.ActionID)*2
	for _, b := range m.Buttons {
		n += 80 + len(b.Value) + jsonLen(b.Label+") "+b.Text)
	}
	return n
}

// checked returns the option values checked in the checkboxes of block
// blockID, as the block_actions payload's state reports them.
func checked(cb slack.InteractionCallback, blockID string) []string {
	if cb.BlockActionState == nil {
		return nil
	}
	var out []string
	for _, act := range cb.BlockActionState.Values[blockID] {
		if act.Type != slack.ActionType(slack.METCheckboxGroups) {
			continue
		}
		for _, o := range act.SelectedOptions {
			out = append(out, o.Value)
		}
	}
	return out
}

// submitKey tells apart the clicks of one user on one button (a Submit on
// a multi-answer card, a Home tab button pressed again tomorrow), which
// share an action ID: a block_actions payload carries its action_ts in the
// action (the top-level one is empty), the same in a retry and new on each
// click.
func submitKey(cb slack.InteractionCallback, c bot.Click) string {
	for _, act := range cb.ActionCallback.BlockActions {
		if act != nil && act.ActionID == c.ActionID && act.ActionTs != "" {
			return ":" + act.ActionTs
		}
	}
	return ""
}
