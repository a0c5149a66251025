package discordfake

import "fmt"

// A string select menu (component type 3) and its limits, as documented at
// https://discord.com/developers/docs/interactions/message-components#select-menus:
// custom_id 1–100 characters, placeholder up to 150, 1–25 options, each
// with a label and a value of 1–100 characters and a description of up to
// 100, values unique; min_values 0–25 (default 1), max_values 1–25
// (default 1), min_values ≤ max_values ≤ the number of options.
const (
	maxSelectOptions = 25
	maxOptionText    = 100
	maxPlaceholder   = 150
)

type selectOption struct {
	Label       string `json:"label"`
	Value       string `json:"value"`
	Description string `json:"description"`
}

// checkSelect returns a string select menu's violations.
func checkSelect(c component) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if c.CustomID == "" || len(c.CustomID) > maxCustomID {
		bad("select custom_id of %d characters, want 1 to %d", len(c.CustomID), maxCustomID)
	}
	if n := runes(c.Placeholder); n > maxPlaceholder {
		bad("placeholder of %d characters, limit %d", n, maxPlaceholder)
	}
	if len(c.Options) == 0 || len(c.Options) > maxSelectOptions {
		bad("%d options, want 1 to %d", len(c.Options), maxSelectOptions)
	}
	values := map[string]bool{}
	for k, o := range c.Options {
		if n := runes(o.Label); n == 0 || n > maxOptionText {
			bad("options[%d].label of %d characters, want 1 to %d", k, n, maxOptionText)
		}
		if n := runes(o.Value); n == 0 || n > maxOptionText {
			bad("options[%d].value of %d characters, want 1 to %d", k, n, maxOptionText)
		}
		if n := runes(o.Description); n > maxOptionText {
			bad("options[%d].description of %d characters, limit %d", k, n, maxOptionText)
		}
		if values[o.Value] {
			bad("options[%d]: duplicate value %q", k, o.Value)
		}
		values[o.Value] = true
	}
	lo, hi := 1, 1
	if c.MinValues != nil {
		lo = *c.MinValues
	}
	if c.MaxValues != nil {
		hi = *c.MaxValues
	}
	if lo < 0 || lo > maxSelectOptions {
		bad("min_values %d, want 0 to %d", lo, maxSelectOptions)
	}
	if hi < 1 || hi > maxSelectOptions {
		bad("max_values %d, want 1 to %d", hi, maxSelectOptions)
	}
	if lo > hi {
		bad("min_values %d above max_values %d", lo, hi)
	}
	if len(c.Options) > 0 && hi > len(c.Options) {
		bad("max_values %d above the %d options", hi, len(c.Options))
	}
	return out
}

// Select builds a string select menu interaction: the user chose values
// in the menu customID of message messageID.
func Select(guild, channel, user, customID, messageID string, values []string) map[string]any {
	i := Click(guild, channel, user, customID, messageID)
	if values == nil {
		values = []string{}
	}
	i["data"] = map[string]any{"custom_id": customID, "component_type": 3, "values": values}
	return i
}
