package slackfake

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Block Kit and messaging limits, as documented at
// https://api.slack.com/reference/block-kit (blocks, elements, composition
// objects) and https://api.slack.com/methods/chat.postMessage.
const (
	// MaxBlocks is the number of blocks a message may carry.
	MaxBlocks = 50
	// MaxText is how long a message's top-level text may be.
	MaxText = 40000
	// MaxAck is the size at which Slack drops a Socket Mode response.
	MaxAck = 20 * 1024
	// MaxResponseURLPosts is how many times one response_url may be used.
	MaxResponseURLPosts = 5

	maxSectionText  = 3000
	maxSectionField = 2000
	maxFields       = 10
	maxHeaderText   = 150
	maxButtonText   = 75
	maxButtonValue  = 2000
	maxActionID     = 255
	maxBlockID      = 255
	maxActionsElems = 25
	maxContextElems = 10

	// The checkboxes element and its option objects:
	// https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element
	// (at most 10 options, action_id at most 255 characters) and
	// https://docs.slack.dev/reference/block-kit/composition-objects/option-object
	// (text and description at most 75 characters, value at most 150).
	maxCheckboxOptions = 10
	maxOptionText      = 75
	maxOptionValue     = 150
)

// validMarkup matches what may follow "<" in mrkdwn: user, channel and
// special mentions, and links.
var validMarkup = regexp.MustCompile(`^<(@[UW][A-Z0-9]+|#C[A-Z0-9]+(\|[^<>]*)?|![a-z^][^<>]*|(https?|mailto):[^<>\s]+(\|[^<>]*)?)>`)

// checkMrkdwn reports text that Slack would misread: "&", "<" and ">" must
// be escaped unless they form Slack's own markup ("> " opening a line
// is a quote).
func checkMrkdwn(where, s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			rest := s[i:]
			if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
				out = append(out, fmt.Sprintf("%s: unescaped & at %d in %q", where, i, excerpt(s, i)))
			}
		case '<':
			m := validMarkup.FindString(s[i:])
			if m == "" {
				out = append(out, fmt.Sprintf("%s: unescaped < at %d in %q", where, i, excerpt(s, i)))
				continue
			}
			i += len(m) - 1
		case '>':
			if (i == 0 || s[i-1] == '\n') && strings.HasPrefix(s[i:], "> ") {
				continue // a quote
			}
			out = append(out, fmt.Sprintf("%s: unescaped > at %d in %q", where, i, excerpt(s, i)))
		}
	}
	return out
}

func excerpt(s string, i int) string {
	lo, hi := max(0, i-20), min(len(s), i+20)
	for lo > 0 && !utf8.RuneStart(s[lo]) {
		lo--
	}
	for hi < len(s) && !utf8.RuneStart(s[hi]) {
		hi++
	}
	return s[lo:hi]
}

type textObj struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji *bool  `json:"emoji,omitempty"`
}

type element struct {
	Type           string      `json:"type"`
	ActionID       string      `json:"action_id"`
	Value          string      `json:"value"`
	Text           *textObj    `json:"text"`
	Style          string      `json:"style"`
	Options        []optionObj `json:"options"`
	InitialOptions []optionObj `json:"initial_options"`
}

// optionObj is an option composition object (checkboxes, selects).
type optionObj struct {
	Text        *textObj `json:"text"`
	Value       string   `json:"value"`
	Description *textObj `json:"description"`
}

type block struct {
	Type     string          `json:"type"`
	BlockID  string          `json:"block_id"`
	Text     *textObj        `json:"text"`
	Fields   []textObj       `json:"fields"`
	Elements json.RawMessage `json:"elements"`
}

// checkText checks a text object: its type, its length and (mrkdwn) its
// escaping.
func checkText(where string, t *textObj, max int, plainOnly bool) []string {
	if t == nil {
		return []string{where + ": missing text"}
	}
	var out []string
	switch t.Type {
	case "plain_text":
	case "mrkdwn":
		if plainOnly {
			out = append(out, where+": must be plain_text")
		}
		out = append(out, checkMrkdwn(where, t.Text)...)
	default:
		out = append(out, fmt.Sprintf("%s: text type %q", where, t.Type))
	}
	if n := utf8.RuneCountInString(t.Text); n > max {
		out = append(out, fmt.Sprintf("%s: %d characters, limit %d", where, n, max))
	}
	if t.Text == "" {
		out = append(out, where+": empty text")
	}
	return out
}

// ValidateBlocks checks a message's blocks (raw JSON array) against Block
// Kit's documented limits and returns every violation, and the block IDs
// it set.
func ValidateBlocks(raw []byte) (violations, blockIDs []string) {
	return validateBlocks(raw, MaxBlocks)
}

// validateBlocks is ValidateBlocks with the surface's block limit
// (MaxBlocks for messages, MaxHomeBlocks for a Home tab).
func validateBlocks(raw []byte, maxBlocks int) (violations, blockIDs []string) {
	if len(raw) == 0 {
		return nil, nil
	}
	var blocks []block
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return []string{"blocks: not a JSON array of blocks: " + err.Error()}, nil
	}
	var out []string
	if len(blocks) > maxBlocks {
		out = append(out, fmt.Sprintf("blocks: %d blocks, limit %d", len(blocks), maxBlocks))
	}
	ids := map[string]bool{}
	actionIDs := map[string]bool{}
	for i, b := range blocks {
		where := fmt.Sprintf("blocks[%d] (%s)", i, b.Type)
		if b.BlockID != "" {
			if ids[b.BlockID] {
				out = append(out, where+": duplicate block_id "+b.BlockID)
			}
			ids[b.BlockID] = true
			blockIDs = append(blockIDs, b.BlockID)
			if len(b.BlockID) > maxBlockID {
				out = append(out, fmt.Sprintf("%s: block_id of %d characters", where, len(b.BlockID)))
			}
		}
		switch b.Type {
		case "header":
			out = append(out, checkText(where+".text", b.Text, maxHeaderText, true)...)
		case "section":
			if b.Text == nil && len(b.Fields) == 0 {
				out = append(out, where+": neither text nor fields")
			}
			if b.Text != nil {
				out = append(out, checkText(where+".text", b.Text, maxSectionText, false)...)
			}
			if len(b.Fields) > maxFields {
				out = append(out, fmt.Sprintf("%s: %d fields, limit %d", where, len(b.Fields), maxFields))
			}
			for j := range b.Fields {
				out = append(out, checkText(fmt.Sprintf("%s.fields[%d]", where, j), &b.Fields[j], maxSectionField, false)...)
			}
		case "context":
			var els []textObj
			if err := json.Unmarshal(b.Elements, &els); err != nil {
				out = append(out, where+": elements: "+err.Error())
				break
			}
			if len(els) == 0 || len(els) > maxContextElems {
				out = append(out, fmt.Sprintf("%s: %d elements, want 1 to %d", where, len(els), maxContextElems))
			}
			for j := range els {
				out = append(out, checkText(fmt.Sprintf("%s.elements[%d]", where, j), &els[j], maxSectionText, false)...)
			}
		case "actions":
			var els []element
			if err := json.Unmarshal(b.Elements, &els); err != nil {
				out = append(out, where+": elements: "+err.Error())
				break
			}
			if len(els) == 0 || len(els) > maxActionsElems {
				out = append(out, fmt.Sprintf("%s: %d elements, want 1 to %d", where, len(els), maxActionsElems))
			}
			for j, e := range els {
				ew := fmt.Sprintf("%s.elements[%d]", where, j)
				if e.Type == "checkboxes" {
					out = append(out, checkCheckboxes(ew, e, actionIDs)...)
					continue
				}
				if e.Type != "button" {
					continue
				}
				if e.Style != "" && e.Style != "primary" && e.Style != "danger" {
					out = append(out, fmt.Sprintf("%s: button style %q", ew, e.Style))
				}
				out = append(out, checkText(ew+".text", e.Text, maxButtonText, true)...)
				if e.ActionID == "" || len(e.ActionID) > maxActionID {
					out = append(out, fmt.Sprintf("%s: action_id of %d characters", ew, len(e.ActionID)))
				}
				if actionIDs[e.ActionID] {
					out = append(out, ew+": duplicate action_id "+e.ActionID)
				}
				actionIDs[e.ActionID] = true
				if len(e.Value) > maxButtonValue {
					out = append(out, fmt.Sprintf("%s: value of %d characters", ew, len(e.Value)))
				}
			}
		case "divider":
		default:
			out = append(out, where+": block type the adapter does not use")
		}
	}
	return out, blockIDs
}

// validateMessage checks the blocks and fallback text of one outgoing
// message; text is mrkdwn unless mrkdwn is false.
func validateMessage(method string, blocks []byte, text string, mrkdwn bool) (violations, blockIDs []string) {
	v, ids := ValidateBlocks(blocks)
	for i := range v {
		v[i] = method + ": " + v[i]
	}
	if len(blocks) == 0 && text == "" {
		v = append(v, method+": neither blocks nor text")
	}
	if n := utf8.RuneCountInString(text); n > MaxText {
		v = append(v, fmt.Sprintf("%s: text of %d characters, limit %d", method, n, MaxText))
	}
	if mrkdwn {
		v = append(v, checkMrkdwn(method+": text", text)...)
	}
	return v, ids
}

// checkCheckboxes checks a checkboxes element: its action_id (unique among
// the message's, seen), 1 to 10 options, each with a text of at most 75
// characters and a unique value of at most 150, initial options among them.
func checkCheckboxes(where string, e element, seen map[string]bool) []string {
	var out []string
	if e.ActionID == "" || len(e.ActionID) > maxActionID {
		out = append(out, fmt.Sprintf("%s: action_id of %d characters", where, len(e.ActionID)))
	}
	if seen[e.ActionID] {
		out = append(out, where+": duplicate action_id "+e.ActionID)
	}
	seen[e.ActionID] = true
	if len(e.Options) == 0 || len(e.Options) > maxCheckboxOptions {
		out = append(out, fmt.Sprintf("%s: %d options, want 1 to %d", where, len(e.Options), maxCheckboxOptions))
	}
	values := map[string]bool{}
	for k, o := range e.Options {
		ow := fmt.Sprintf("%s.options[%d]", where, k)
		out = append(out, checkText(ow+".text", o.Text, maxOptionText, false)...)
		if o.Description != nil {
			out = append(out, checkText(ow+".description", o.Description, maxOptionText, false)...)
		}
		if o.Value == "" || len(o.Value) > maxOptionValue {
			out = append(out, fmt.Sprintf("%s: value of %d characters, want 1 to %d", ow, len(o.Value), maxOptionValue))
		}
		if values[o.Value] {
			out = append(out, ow+": duplicate value "+o.Value)
		}
		values[o.Value] = true
	}
	for k, o := range e.InitialOptions {
		if !values[o.Value] {
			out = append(out, fmt.Sprintf("%s.initial_options[%d]: value %q is not an option", where, k, o.Value))
		}
	}
	return out
}
