package discordfake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Discord's documented message limits
// (https://discord.com/developers/docs/resources/message#embed-object-embed-limits,
// https://discord.com/developers/docs/interactions/message-components).
const (
	// MaxContent is how long a message's content may be.
	MaxContent = 2000
	// MaxEmbeds is how many embeds a message may carry.
	MaxEmbeds = 10
	// MaxEmbedTotal bounds the characters of all embeds of a message.
	MaxEmbedTotal = 6000

	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxAuthor      = 256
	maxRows        = 5
	maxPerRow      = 5
	maxCustomID    = 100
	maxLabel       = 80
)

type embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author"`
}

type component struct {
	Type       int         `json:"type"`
	CustomID   string      `json:"custom_id"`
	Label      string      `json:"label"`
	Style      int         `json:"style"`
	URL        string      `json:"url"`
	Components []component `json:"components"`
	// a string select menu's (type 3)
	Placeholder string         `json:"placeholder"`
	MinValues   *int           `json:"min_values"`
	MaxValues   *int           `json:"max_values"`
	Options     []selectOption `json:"options"`
}

type message struct {
	Content    *string      `json:"content"`
	Embeds     *[]embed     `json:"embeds"`
	Components *[]component `json:"components"`
	Flags      int          `json:"flags"`
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// ValidateMessage checks a message body (a channel message, an edit, an
// interaction response's data or a webhook follow-up) against Discord's
// documented limits and returns every violation. edit allows a body that
// sets nothing new.
func ValidateMessage(where string, raw []byte, edit bool) []string {
	var m message
	if err := json.Unmarshal(raw, &m); err != nil {
		return []string{where + ": not a message object: " + err.Error()}
	}
	var out []string
	bad := func(format string, args ...any) { out = append(out, where+": "+fmt.Sprintf(format, args...)) }
	empty := true
	if m.Content != nil {
		if n := runes(*m.Content); n > MaxContent {
			bad("content of %d characters, limit %d", n, MaxContent)
		}
		empty = empty && *m.Content == ""
	}
	if m.Embeds != nil {
		es := *m.Embeds
		empty = empty && len(es) == 0
		if len(es) > MaxEmbeds {
			bad("%d embeds, limit %d", len(es), MaxEmbeds)
		}
		total := 0
		for i, e := range es {
			if n := runes(e.Title); n > maxTitle {
				bad("embeds[%d].title of %d characters, limit %d", i, n, maxTitle)
			}
			if n := runes(e.Description); n > maxDescription {
				bad("embeds[%d].description of %d characters, limit %d", i, n, maxDescription)
			}
			if len(e.Fields) > maxFields {
				bad("embeds[%d]: %d fields, limit %d", i, len(e.Fields), maxFields)
			}
			total += runes(e.Title) + runes(e.Description)
			for j, f := range e.Fields {
				if f.Name == "" || f.Value == "" {
					bad("embeds[%d].fields[%d]: empty name or value", i, j)
				}
				if n := runes(f.Name); n > maxFieldName {
					bad("embeds[%d].fields[%d].name of %d characters, limit %d", i, j, n, maxFieldName)
				}
				if n := runes(f.Value); n > maxFieldValue {
					bad("embeds[%d].fields[%d].value of %d characters, limit %d", i, j, n, maxFieldValue)
				}
				total += runes(f.Name) + runes(f.Value)
			}
			if e.Footer != nil {
				if n := runes(e.Footer.Text); n > maxFooter {
					bad("embeds[%d].footer of %d characters, limit %d", i, n, maxFooter)
				}
				total += runes(e.Footer.Text)
			}
			if e.Author != nil {
				if n := runes(e.Author.Name); n > maxAuthor {
					bad("embeds[%d].author of %d characters, limit %d", i, n, maxAuthor)
				}
				total += runes(e.Author.Name)
			}
			if e.Title == "" && e.Description == "" && len(e.Fields) == 0 && e.Footer == nil {
				bad("embeds[%d] is empty", i)
			}
		}
		if total > MaxEmbedTotal {
			bad("embeds total %d characters, limit %d", total, MaxEmbedTotal)
		}
	}
	if m.Components != nil {
		rows := *m.Components
		empty = empty && len(rows) == 0
		if len(rows) > maxRows {
			bad("%d action rows, limit %d", len(rows), maxRows)
		}
		ids := map[string]bool{}
		for i, row := range rows {
			if row.Type != 1 {
				bad("components[%d]: type %d at the top level, want an action row (1)", i, row.Type)
				continue
			}
			if len(row.Components) == 0 || len(row.Components) > maxPerRow {
				bad("components[%d]: %d buttons, want 1 to %d", i, len(row.Components), maxPerRow)
			}
			for j, c := range row.Components {
				if c.Type == 3 {
					if len(row.Components) != 1 {
						bad("components[%d]: a select menu shares its action row with %d other components", i, len(row.Components)-1)
					}
					for _, v := range checkSelect(c) {
						bad("components[%d][%d]: %s", i, j, v)
					}
					if ids[c.CustomID] {
						bad("components[%d][%d]: duplicate custom_id %s", i, j, c.CustomID)
					}
					ids[c.CustomID] = true
					continue
				}
				if c.Type != 2 {
					continue
				}
				if c.Style < 1 || c.Style > 5 {
					bad("components[%d][%d]: button style %d, want 1 to 5", i, j, c.Style)
				}
				if c.Style == 5 {
					if c.URL == "" || c.CustomID != "" {
						bad("components[%d][%d]: a link button needs a url and no custom_id", i, j)
					}
					continue
				}
				if c.CustomID == "" || len(c.CustomID) > maxCustomID {
					bad("components[%d][%d]: custom_id of %d characters, want 1 to %d", i, j, len(c.CustomID), maxCustomID)
				}
				if ids[c.CustomID] {
					bad("components[%d][%d]: duplicate custom_id %s", i, j, c.CustomID)
				}
				ids[c.CustomID] = true
				if n := runes(c.Label); n > maxLabel {
					bad("components[%d][%d]: label of %d characters, limit %d", i, j, n, maxLabel)
				}
			}
		}
	}
	if empty && !edit {
		bad("empty message (no content, embeds or components)")
	}
	return out
}
