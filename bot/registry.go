package bot

import (
	"fmt"
	"strings"

	"github.com/studybot/studybot/bot/core"
)

// The command registry's entries live in bot/core, below the capabilities
// that answer them; the adapters read them here.
type (
	// OptionType is core.OptionType.
	OptionType = core.OptionType
	// Choice is core.Choice.
	Choice = core.Choice
	// Option is core.Option.
	Option = core.Option
	// CommandSpec is core.CommandSpec: one command.
	CommandSpec = core.CommandSpec
	// AdminCommand is core.AdminCommand: one subcommand of /studybot.
	AdminCommand = core.AdminCommand
)

// Option types (see core.OptionType).
const (
	OptionString  = core.OptionString
	OptionInteger = core.OptionInteger
	OptionBoolean = core.OptionBoolean
)

// Commands lists every command the core answers, in a fixed order;
// AdminCommands the subcommands of /studybot (core.Commands,
// core.AdminCommands).
var (
	Commands      = core.Commands
	AdminCommands = core.AdminCommands
)

// register adds a capability's handlers to the bot's tables.
func (b *Bot) register(h core.Handlers) {
	for name, f := range h.Commands {
		b.commands[name] = f
	}
	for name, f := range h.Admin {
		b.admin[name] = f
	}
}

// checkHandlers reports a registry entry no capability answers.
func (b *Bot) checkHandlers() error {
	for _, s := range core.Commands {
		if b.commands[s.Name] == nil {
			return fmt.Errorf("bot: no handler for /%s", s.Name)
		}
	}
	for _, s := range core.AdminCommands {
		if b.admin[s.Name] == nil {
			return fmt.Errorf("bot: no handler for /studybot %s", s.Name)
		}
	}
	return nil
}

// helpMessage lists the commands from the registry: everyone's with their
// hints and descriptions, then the admin subcommands.
func helpMessage(lang string) Message {
	var lines []string
	for _, s := range Commands {
		if s.Admin {
			continue
		}
		line := "/" + s.Name
		if s.Hint != "" {
			line += " " + s.Hint
		}
		lines = append(lines, line+" — "+s.Description[lang])
	}
	for _, s := range Commands {
		if s.Admin {
			lines = append(lines, T(lang, "help.admins", "/"+s.Name+" "+s.Hint))
		}
	}
	return Message{Title: T(lang, "help.title"), Body: strings.Join(lines, "\n")}
}

// handlers are the commands the core answers itself.
func (b *Bot) handlers() core.Handlers {
	return core.Handlers{Commands: map[string]core.CommandFunc{"studybot": b.cmdAdmin, "help": b.cmdHelp},
		Admin: map[string]core.AdminFunc{"web": b.adminWeb}}
}
