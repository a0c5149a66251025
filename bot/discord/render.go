package discord

import (
	"strings"
	"unicode/utf8"

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
func embed(m bot.Message) *discordgo.MessageEmbed { return embedWithin(m, maxEmbedTotal) }

// embedWithin renders m as one embed of at most total characters (the
// 6,000 count across every embed of a message).
func embedWithin(m bot.Message, total int) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: cut(m.Title, min(maxTitle, max(total/4, 1))), Color: toneColour[m.Tone]}
	budget := total - len([]rune(e.Title)) - len([]rune(truncHint)) - 10
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
	d := cut(desc, max(min(maxDescription, budget/2), 1))
	truncated = d != desc
	e.Description = d
	budget -= len([]rune(d))
	if m.Context != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: cut(m.Context, max(min(maxFooter, 300, budget/2), 1))}
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
	if menu, ok := selectMenu(m); ok {
		return []discordgo.MessageComponent{menu}
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

// embeds renders several messages: at most 10 embeds per message, 6,000
// characters across them all.
func embeds(msgs []bot.Message) []*discordgo.MessageEmbed {
	var out []*discordgo.MessageEmbed
	left := maxEmbedTotal
	for _, m := range msgs {
		if len(out) == 10 || left < 200 {
			break
		}
		e := embedWithin(m, left)
		left -= embedSize(e)
		out = append(out, e)
	}
	return out
}

// embedSize counts an embed's characters as Discord does for the 6,000 limit.
func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	return n
}

// maxRows is how many action rows a message may carry.
const maxRows = 5

// meComponents renders the buttons of the progress view's messages
// (bot.KindMe): each message's buttons start a row, five to a row, at
// most maxRows rows in all; settings are secondary buttons.
func meComponents(msgs []bot.Message) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	for _, m := range msgs {
		if m.Kind != bot.KindMe {
			continue
		}
		var row discordgo.ActionsRow
		for _, b := range m.Buttons {
			if len(row.Components) == buttonsPerRow {
				rows = append(rows, row)
				row = discordgo.ActionsRow{}
			}
			style := discordgo.PrimaryButton
			if _, _, setting, _ := bot.ParseCommandAction(b.ActionID); setting {
				style = discordgo.SecondaryButton
			}
			row.Components = append(row.Components, discordgo.Button{CustomID: cut(b.ActionID, 100), Label: cut(b.Label, maxButtonLabel), Style: style})
		}
		if len(row.Components) > 0 {
			rows = append(rows, row)
		}
	}
	if len(rows) > maxRows {
		rows = rows[:maxRows]
	}
	return rows
}
