package discord

import (
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/questions"
)

// manageGuild is the permission that makes a member an admin here, and the
// default_member_permissions of the admin command (Discord hides it from others).
const manageGuild = int64(discordgo.PermissionManageGuild)

func loc(ja string) *map[discordgo.Locale]string {
	return &map[discordgo.Locale]string{discordgo.Japanese: ja}
}

// applicationCommands derives Discord application commands from the core's
// registry (bot.Commands): typed options with choices (the domain option
// gets the memo's domains, with titles) and Japanese localisations.
func applicationCommands(memo *questions.Memo) []*discordgo.ApplicationCommand {
	var domainChoices []*discordgo.ApplicationCommandOptionChoice
	for _, d := range memo.Domains {
		if d.Number == questions.OtherDomain || len(domainChoices) == 25 {
			continue
		}
		name := cut(d.Label(), 100)
		domainChoices = append(domainChoices, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: d.Number,
			NameLocalizations: map[discordgo.Locale]string{discordgo.Japanese: name}})
	}
	var out []*discordgo.ApplicationCommand
	for _, c := range bot.Commands {
		ac := &discordgo.ApplicationCommand{Name: c.Name, Description: cut(c.Description["en"], 100),
			DescriptionLocalizations: loc(cut(c.Description["ja"], 100))}
		for _, o := range c.Options {
			ao := &discordgo.ApplicationCommandOption{Type: optionType(o.Type), Name: o.Name, Description: cut(o.Description["en"], 100),
				NameLocalizations: map[discordgo.Locale]string{discordgo.Japanese: o.Label["ja"]}, DescriptionLocalizations: map[discordgo.Locale]string{discordgo.Japanese: cut(o.Description["ja"], 100)},
				Required: o.Required}
			if o.Domains {
				ao.Choices = domainChoices
			}
			for _, ch := range o.Choices {
				ao.Choices = append(ao.Choices, &discordgo.ApplicationCommandOptionChoice{Name: ch.Label["en"], Value: ch.Value,
					NameLocalizations: map[discordgo.Locale]string{discordgo.Japanese: ch.Label["ja"]}})
			}
			ac.Options = append(ac.Options, ao)
		}
		contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
		if c.Admin {
			perm := manageGuild
			ac.DefaultMemberPermissions = &perm
			contexts = contexts[:1] // guilds only
		}
		ac.Contexts = &contexts
		out = append(out, ac)
	}
	return out
}

// optionType maps the core's option types to Discord's.
func optionType(t bot.OptionType) discordgo.ApplicationCommandOptionType {
	switch t {
	case bot.OptionInteger:
		return discordgo.ApplicationCommandOptionInteger
	case bot.OptionBoolean:
		return discordgo.ApplicationCommandOptionBoolean
	default:
		return discordgo.ApplicationCommandOptionString
	}
}

// args turns typed options back into the core's argument list, in the
// order of the command's registry entry: a string is split at spaces, an
// integer written out, a true boolean passes its name.
func args(name string, opts []*discordgo.ApplicationCommandInteractionDataOption) []string {
	get := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range opts {
		if o != nil { // a malformed interaction may carry null options
			get[o.Name] = o
		}
	}
	var out []string
	for _, c := range bot.Commands {
		if c.Name != name {
			continue
		}
		for _, spec := range c.Options {
			o := get[spec.Name]
			if o == nil {
				continue
			}
			switch v := o.Value.(type) {
			case string:
				out = append(out, splitFields(v)...)
			case bool:
				if v {
					out = append(out, spec.Name)
				}
			case float64:
				out = append(out, strconv.Itoa(int(v)))
			case int64:
				out = append(out, strconv.FormatInt(v, 10))
			}
		}
	}
	return out
}
