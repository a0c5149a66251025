package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/studybot/studybot/bot"
)

// Discord's embed and component limits.
const (
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxEmbedTotal  = 6000
	maxContent     = 2000
	maxButtonLabel = 80
	buttonsPerRow  = 5
	truncHint      = "…（長いので省略しました / truncated）"
)

var cut = bot.Truncate

func splitFields(s string) []string { return strings.Fields(s) }

var toneColour = map[bot.Tone]int{bot.Neutral: 0x5865F2, bot.Good: 0x57F287, bot.Bad: 0xED4245}

// embed renders a message as one embed within Discord's limits (6,000
// characters in all, 25 fields), truncating with a hint rather than failing.
func embed(m bot.Message) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: cut(m.Title, maxTitle), Color: toneColour[m.Tone]}
	budget := maxEmbedTotal - len([]rune(e.Title)) - len([]rune(truncHint)) - 10
	desc := m.Body
	if m.Kind == bot.KindCard {
		var opts []string
		for _, b := range m.Buttons {
			opts = append(opts, "**"+b.Label+")** "+b.Text)
		}
		desc += "\n\n" + strings.Join(opts, "\n")
	}
	if m.Quote != "" {
		lines := strings.Split(m.Quote, "\n")
		for i, l := range lines {
			lines[i] = "> " + l
		}
		desc += "\n\n" + strings.Join(lines, "\n")
	}
	truncated := false
	d := cut(desc, min(maxDescription, budget/2))
	truncated = d != desc
	e.Description = d
	budget -= len([]rune(d))
	if m.Context != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: cut(m.Context, min(maxFooter, 300))}
		budget -= len([]rune(e.Footer.Text))
	}
	for i, f := range m.Fields {
		name, val := cut(f.Name, maxFieldName), cut(f.Value, maxFieldValue)
		if name == "" {
			name = "\u200b"
		}
		if val == "" {
			val = "\u200b"
		}
		size := len([]rune(name)) + len([]rune(val))
		if i >= maxFields-1 || size > budget {
			truncated = true
			break
		}
		budget -= size
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: val})
	}
	if truncated {
		if e.Footer == nil {
			e.Footer = &discordgo.MessageEmbedFooter{}
		}
		e.Footer.Text = cut(strings.TrimSpace(e.Footer.Text+" "+truncHint), maxFooter)
	}
	return e
}

// components renders answer buttons, five to a row; closed cards keep
// their buttons, disabled.
func components(m bot.Message) []discordgo.MessageComponent {
	if len(m.Buttons) == 0 {
		return nil
	}
	var rows []discordgo.MessageComponent
	var row discordgo.ActionsRow
	for _, b := range m.Buttons {
		if len(row.Components) == buttonsPerRow {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
		row.Components = append(row.Components, discordgo.Button{CustomID: cut(b.ActionID, 100), Label: cut(b.Label, maxButtonLabel),
			Style: discordgo.PrimaryButton, Disabled: b.Disabled})
	}
	return append(rows, row)
}

// embeds renders several messages (at most 10 embeds per message).
func embeds(msgs []bot.Message) []*discordgo.MessageEmbed {
	var out []*discordgo.MessageEmbed
	for _, m := range msgs {
		if len(out) == 10 {
			break
		}
		out = append(out, embed(m))
	}
	return out
}
