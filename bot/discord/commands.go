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

// applicationCommands describes the core's commands as Discord application
// commands: typed options (domain as an integer choice with titles, window
// as a choice) and Japanese localisations.
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
	domain := func(required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "domain", Description: "Exam domain",
			NameLocalizations: map[discordgo.Locale]string{discordgo.Japanese: "分野"}, DescriptionLocalizations: map[discordgo.Locale]string{discordgo.Japanese: "試験の分野"},
			Required: required, Choices: domainChoices}
	}
	str := func(name, ja, desc, descJa string, required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc,
			NameLocalizations: map[discordgo.Locale]string{discordgo.Japanese: ja}, DescriptionLocalizations: map[discordgo.Locale]string{discordgo.Japanese: descJa},
			Required: required}
	}
	opts := map[string][]*discordgo.ApplicationCommandOption{
		"quiz": {domain(false)},
		"memo": {str("query", "検索語", "What to look up", "検索する言葉", true)},
		"leaderboard": {domain(false),
			{Type: discordgo.ApplicationCommandOptionString, Name: "window", Description: "Period", NameLocalizations: map[discordgo.Locale]string{discordgo.Japanese: "期間"},
				DescriptionLocalizations: map[discordgo.Locale]string{discordgo.Japanese: "集計する期間"},
				Choices: []*discordgo.ApplicationCommandOptionChoice{
					{Name: "this week", Value: "week", NameLocalizations: map[discordgo.Locale]string{discordgo.Japanese: "今週"}},
					{Name: "this month", Value: "month", NameLocalizations: map[discordgo.Locale]string{discordgo.Japanese: "今月"}},
					{Name: "all time", Value: "all", NameLocalizations: map[discordgo.Locale]string{discordgo.Japanese: "全期間"}}}},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "accuracy", Description: "Rank by accuracy instead",
				NameLocalizations: map[discordgo.Locale]string{discordgo.Japanese: "正解率"}, DescriptionLocalizations: map[discordgo.Locale]string{discordgo.Japanese: "正解率で並べる"}}},
		"explain":  {str("id", "id", "Question ID", "問題 ID", true)},
		"report":   {str("id", "id", "Question ID", "問題 ID", true), str("reason", "理由", "What is wrong", "何が誤りか", true)},
		"studybot": {str("args", "引数", "schedule|close-after|domains|lang|pause|resume|post-now|status|reports|clear-report …", "設定の内容（例: schedule 0 9 * * 1-5）", true)},
	}
	var out []*discordgo.ApplicationCommand
	for _, c := range bot.Commands {
		ac := &discordgo.ApplicationCommand{Name: c.Name, Description: cut(c.Description["en"], 100),
			DescriptionLocalizations: loc(cut(c.Description["ja"], 100)), Options: opts[c.Name]}
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

// args turns typed options back into the core's argument list.
func args(name string, opts []*discordgo.ApplicationCommandInteractionDataOption) []string {
	get := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range opts {
		get[o.Name] = o
	}
	var out []string
	str := func(k string) {
		if o := get[k]; o != nil {
			if s, ok := o.Value.(string); ok {
				out = append(out, splitFields(s)...)
			}
		}
	}
	if o := get["accuracy"]; o != nil {
		if b, ok := o.Value.(bool); ok && b {
			out = append(out, "accuracy")
		}
	}
	if o := get["domain"]; o != nil {
		switch v := o.Value.(type) {
		case float64:
			out = append(out, strconv.Itoa(int(v)))
		case int64:
			out = append(out, strconv.FormatInt(v, 10))
		}
	}
	str("window")
	str("query")
	str("id")
	str("reason")
	str("args")
	return out
}
