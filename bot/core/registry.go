package core

import (
	"context"
	"strings"

	"github.com/studybot/studybot/bot/render"

	"github.com/studybot/studybot/store"
)

// OptionType is the type of a command option, for platforms with typed
// commands (Discord).
type OptionType int

// Option types.
const (
	// OptionString is free text; on platforms that pass one string it is
	// split into arguments at spaces.
	OptionString OptionType = iota + 1
	// OptionInteger is a whole number (a domain).
	OptionInteger
	// OptionBoolean is a flag: when true, the option's name is passed as
	// an argument ("accuracy").
	OptionBoolean
)

// Choice is one allowed value of an option.
type Choice struct {
	// Value is what the core receives.
	Value string
	// Label is what users see, per language.
	Label map[string]string
}

// Option is a typed argument of a command.
type Option struct {
	// Name is the option's name ("domain"), in English.
	Name string
	// Label is the option's name per language (Discord shows it).
	Label map[string]string
	// Description is a one-line description per language.
	Description map[string]string
	// Type is the option's type.
	Type OptionType
	// Required options must be given.
	Required bool
	// Choices, if any, are the only values allowed.
	Choices []Choice
	// Domains makes the bank's exam domains the choices (of an integer option).
	Domains bool
}

// CommandSpec is one command: what adapters register and show (name,
// descriptions, typed options, admin or not), what /help and usage errors
// say (Hint, Usage and Example keys). The capability that answers it
// registers its handler under Name (Handlers). Adding a command is one
// entry in Commands, its texts and its handler.
type CommandSpec struct {
	// Name is the command name without slash.
	Name string
	// Aliases are other names HandleCommand accepts ("lb").
	Aliases []string
	// Hint is the argument hint ("[domain]"), as Slack's usage_hint and in /help.
	Hint string
	// Description is a one-line description, per language.
	Description map[string]string
	// Options are the typed arguments, in the order the core reads them.
	Options []Option
	// Admin commands are refused to non-admins and not offered in DMs.
	Admin bool
	// Usage is the catalog key of the text that says what arguments the
	// command takes (empty: it takes none).
	Usage string
	// Example is the catalog key of an example invocation.
	Example string
}

// SlackDescription is the description shown in Slack's command list:
// Slack has no localisation, so both languages, Japanese first.
func (s CommandSpec) SlackDescription() string {
	return s.Description["ja"] + " / " + s.Description["en"]
}

// AdminCommand is one subcommand of /studybot.
type AdminCommand struct {
	// Name is the subcommand ("schedule").
	Name string
	// Usage is the catalog key of what arguments it takes (empty: none).
	Usage string
	// Example is the catalog key of an example invocation.
	Example string
	// Channel subcommands act on the channel they are used in (and are
	// refused in DMs); the others act on the whole space.
	Channel bool
	// Posts subcommands make the bot post in the channel (now or on
	// schedule), so adapters check the bot may post there.
	Posts bool
}

// Commands lists every command the core answers, in a fixed order;
// AdminCommands the subcommands of /studybot. Both are filled in init (a
// handler may refer to them, which a variable's initialiser cannot).
var (
	Commands      []CommandSpec
	AdminCommands []AdminCommand
)

func init() {
	ja := func(ja, en string) map[string]string { return map[string]string{"ja": ja, "en": en} }
	domain := Option{Name: "domain", Label: ja("分野", "domain"), Description: ja("試験の分野", "Exam domain"), Type: OptionInteger, Domains: true}
	id := Option{Name: "id", Label: ja("id", "id"), Description: ja("問題 ID", "Question ID"), Type: OptionString, Required: true}
	AdminCommands = []AdminCommand{
		{Name: "schedule", Usage: "sched.usage", Example: "sched.example", Channel: true, Posts: true},
		{Name: "close-after", Usage: "closeafter.usage", Example: "closeafter.example", Channel: true},
		{Name: "domains", Usage: "domains.usage", Example: "domains.example", Channel: true},
		{Name: "lang", Usage: "lang.usage", Example: "lang.example", Channel: true},
		{Name: "pool", Usage: "pool.usage", Example: "pool.example", Channel: true},
		{Name: "pause", Channel: true},
		{Name: "resume", Channel: true, Posts: true},
		{Name: "post-now", Channel: true, Posts: true},
		{Name: "status", Channel: true},
		{Name: "history", Channel: true},
		{Name: "reports"},
		{Name: "review"},
		{Name: "reload"},
		{Name: "insights"},
		{Name: "digest", Usage: "digest.usage", Example: "digest.example", Channel: true},
		{Name: "clear-report", Usage: "clearreport.usage", Example: "clearreport.example"},
		{Name: "web"}, // a sign-in link to the web pages (issue 23)
	}
	subs := AdminNames()
	Commands = []CommandSpec{
		{Name: "quiz", Hint: "[domain]", Description: ja("練習問題を出す（自分だけ）", "A practice question just for you"),
			Options: []Option{domain}, Usage: "quiz.usage", Example: "quiz.example"},
		{Name: "memo", Hint: "<query>", Description: ja("メモを検索する", "Look something up in the memo"),
			Options: []Option{{Name: "query", Label: ja("検索語", "query"), Description: ja("検索する言葉", "What to look up"), Type: OptionString, Required: true}},
			Usage:   "memo.usage", Example: "memo.example"},
		{Name: "leaderboard", Aliases: []string{"lb"}, Hint: "[accuracy] [domain] [week|month|all]", Description: ja("ランキングを表示する", "Show the leaderboard"),
			Options: []Option{domain,
				{Name: "window", Label: ja("期間", "window"), Description: ja("集計する期間", "Period"), Type: OptionString, Choices: []Choice{
					{Value: "week", Label: ja("今週", "this week")},
					{Value: "month", Label: ja("今月", "this month")},
					{Value: "all", Label: ja("全期間", "all time")}}},
				{Name: "accuracy", Label: ja("正解率", "accuracy"), Description: ja("正解率で並べる", "Rank by accuracy instead"), Type: OptionBoolean}},
			Usage: "lb.usage", Example: "lb.example"},
		{Name: "streak", Description: ja("連続記録を表示する", "Show your streak")},
		{Name: "stats", Description: ja("分野別の成績を表示する", "Your accuracy per domain")},
		{Name: "review", Hint: "[remind <HH:MM>|off] [tz <zone>]", Description: ja("自分の復習（間違えた項目が最適な間隔で戻ってくる）", "Your spaced-repetition review"),
			Options: []Option{{Name: "settings", Label: ja("設定", "settings"), Description: ja("remind 21:00 / remind off / tz Asia/Tokyo", "remind 21:00 / remind off / tz Europe/London"), Type: OptionString}},
			Usage:   "learn.usage", Example: "learn.example"},
		{Name: "explain", Hint: "<question-id>", Description: ja("問題の解説を表示する", "Explain a question"),
			Options: []Option{id}, Usage: "explain.usage", Example: "explain.example"},
		{Name: "report", Hint: "<question-id> <reason>", Description: ja("問題の誤りを報告する", "Report a wrong or unclear question"),
			Options: []Option{id, {Name: "reason", Label: ja("理由", "reason"), Description: ja("何が誤りか", "What is wrong"), Type: OptionString, Required: true}},
			Usage:   "report.usage", Example: "report.example"},
		{Name: "studybot", Hint: subs, Admin: true, Description: ja("このチャンネルの出題設定（管理者）", "Channel settings (admins)"),
			Options: []Option{{Name: "args", Label: ja("引数", "args"), Description: ja("設定の内容（例: schedule 0 9 * * 1-5）", subs+" …"),
				Type: OptionString, Required: true}},
			Usage: "admin.usage", Example: "admin.example"},
		{Name: "help", Aliases: []string{"start"}, Description: ja("使い方", "How to use studybot")},
	}
}

// IsAdmin reports whether the command needs an admin, so that adapters
// look up a user's admin status only then.
func (c Command) IsAdmin() bool {
	s, ok := LookupCommand(strings.TrimPrefix(strings.ToLower(c.Name), "/"))
	return ok && s.Admin
}

// PostsHere reports whether the command makes the bot post in its channel
// (an admin subcommand marked Posts, used in a channel), so that adapters
// can check the bot may post there and tell the admin at once.
func (c Command) PostsHere() bool {
	if !c.IsAdmin() || c.DM || c.Channel == "" || len(c.Args) == 0 {
		return false
	}
	sub, ok := LookupAdmin(strings.ToLower(c.Args[0]))
	return ok && sub.Posts
}

// LookupCommand returns the command called name (or one of its aliases).
func LookupCommand(name string) (CommandSpec, bool) {
	for _, s := range Commands {
		if s.Name == name {
			return s, true
		}
		for _, a := range s.Aliases {
			if a == name {
				return s, true
			}
		}
	}
	return CommandSpec{}, false
}

// LookupAdmin returns the /studybot subcommand called name.
func LookupAdmin(name string) (AdminCommand, bool) {
	for _, s := range AdminCommands {
		if s.Name == name {
			return s, true
		}
	}
	return AdminCommand{}, false
}

// AdminNames lists the /studybot subcommands ("schedule|close-after|…").
func AdminNames() string {
	names := make([]string, len(AdminCommands))
	for i, s := range AdminCommands {
		names[i] = s.Name
	}
	return strings.Join(names, "|")
}

// CommandFunc answers a command in lang.
type CommandFunc func(ctx context.Context, c Command, lang string) render.Response

// AdminFunc answers a /studybot subcommand with its arguments; ch is the
// channel's settings for Channel subcommands (zero for the others).
type AdminFunc func(ctx context.Context, c Command, args []string, ch store.Channel, lang string) render.Response

// Handlers is what a capability registers with the core: the commands and
// /studybot subcommands it answers, by their registry names.
type Handlers struct {
	// Commands are handlers of Commands entries.
	Commands map[string]CommandFunc
	// Admin are handlers of AdminCommands entries.
	Admin map[string]AdminFunc
}
