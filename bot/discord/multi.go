package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/studybot/studybot/bot"
)

// Questions with more than one answer: a card asking to choose several
// options (bot.Message.Choose) carries one string select menu (component
// type 3) instead of answer buttons, with min_values = max_values = the
// number to choose, so Discord sends the interaction once the learner has
// picked exactly that many; its custom_id is the card's Submit action and
// data.values (the chosen options' IDs) go to the core in bot.Click.Values.
// A closed card keeps the menu, disabled.

// Limits of a select menu and its options, from
// https://discord.com/developers/docs/components/reference#string-select:
// 25 options, custom_id 100 characters, placeholder 150, an option's label,
// value and description 100 each, min_values 0–25, max_values 1–25. A
// select menu fills an action row alone.
const (
	maxSelectOptions  = 25
	maxOptionLabel    = 100
	maxOptionDesc     = 100
	maxSelectHolder   = 150
	maxSelectCustomID = 100
)

// selectMenu renders a multi-answer card's options as a select menu in its
// own action row; ok is false for any other message.
func selectMenu(m bot.Message) (row discordgo.ActionsRow, ok bool) {
	if m.Choose < 2 || m.Submit == nil || len(m.Buttons) == 0 {
		return row, false
	}
	var opts []discordgo.SelectMenuOption
	for i, b := range m.Buttons {
		if i == maxSelectOptions {
			break
		}
		prefix, text := []rune(b.Label+") "), []rune(b.Text)
		o := discordgo.SelectMenuOption{Label: cut(string(prefix)+b.Text, maxOptionLabel), Value: b.Value}
		if shown := maxOptionLabel - len(prefix) - 1; len(prefix)+len(text) > maxOptionLabel && shown > 0 {
			// a cut label goes on in the description, as far as it fits
			o.Description = cut("…"+string(text[shown:]), maxOptionDesc)
		}
		opts = append(opts, o)
	}
	n := min(m.Choose, len(opts))
	menu := discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu, CustomID: cut(m.Submit.ActionID, maxSelectCustomID),
		Placeholder: cut(m.Submit.Text, maxSelectHolder), MinValues: &n, MaxValues: n, Options: opts, Disabled: m.Submit.Disabled}
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}}, true
}
