package main

import (
	"fmt"
	"io"
	"strings"
)

// helpFlags are the arguments that ask for a command's usage.
var helpFlags = map[string]bool{"-h": true, "--help": true, "-help": true}

// lookupCommand returns the command at path.
func lookupCommand(path string) (cliCommand, bool) {
	for _, c := range cliCommands {
		if c.Path == path {
			return c, true
		}
	}
	return cliCommand{}, false
}

// isGroup reports whether path only groups subcommands ("" is the top).
func isGroup(path string) bool {
	if path == "" {
		return true
	}
	for _, g := range cliGroups {
		if g.Path == path {
			return true
		}
	}
	return false
}

// helpWanted reports whether args ask for usage (-h, --help or -help
// before any "--") and for which command or group: the longest run of
// leading words that names one. A word a group does not know is left to
// the dispatcher, which says it is unknown.
func helpWanted(args []string) (string, bool) {
	path := ""
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		next := strings.TrimSpace(path + " " + a)
		if _, ok := lookupCommand(next); ok || isGroup(next) {
			path = next
			continue
		}
		if isGroup(path) {
			return "", false
		}
		break // a positional argument of a command
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if helpFlags[a] {
			return path, true
		}
	}
	return "", false
}

// runHelp is "studybot help [COMMAND...]".
func runHelp(args []string, stdout, stderr io.Writer) int {
	path := strings.Join(args, " ")
	if _, ok := lookupCommand(path); !ok && !isGroup(path) {
		fmt.Fprintf(stderr, "studybot help: unknown command %q\n\n%s", path, topHelp())
		return exitUsage
	}
	writeHelp(stdout, path)
	return exitOK
}

// writeHelp prints the usage of the command or group at path: the whole
// list for "", the subcommands for a group, the usage of a command.
func writeHelp(w io.Writer, path string) {
	switch {
	case path == "":
		fmt.Fprint(w, topHelp())
	case isGroup(path):
		fmt.Fprint(w, groupHelp(path))
	default:
		c, _ := lookupCommand(path)
		fmt.Fprintf(w, "studybot %s — %s\n\nUsage:\n%s", c.Path, c.Summary, indent(c.Usage))
	}
}

// topHelp is "studybot help": every command with its summary, the exit
// codes and the flags of a bare studybot.
func topHelp() string {
	var b strings.Builder
	b.WriteString("studybot — a daily quiz from your study memo, on Slack, Discord or this terminal.\n\nUsage:\n")
	b.WriteString("  studybot [flags]                 " + mustCommand("").Summary + "\n")
	b.WriteString("  studybot COMMAND [flags] [args]\n\nCommands:\n")
	for _, c := range cliCommands {
		if c.Path != "" {
			fmt.Fprintf(&b, "  %-20s %s\n", c.Path, c.Summary)
		}
	}
	b.WriteString("\nRun \"studybot COMMAND --help\" (or \"studybot help COMMAND\") for its usage and flags.\n\n")
	b.WriteString(exitCodesUsage)
	b.WriteString("\nFlags of a bare studybot:\n" + runFlagsUsage)
	return b.String()
}

// groupHelp lists a group's subcommands.
func groupHelp(group string) string {
	var b strings.Builder
	for _, g := range cliGroups {
		if g.Path == group {
			fmt.Fprintf(&b, "studybot %s — %s\n\nUsage:\n  studybot %s SUBCOMMAND [flags] [args]\n\nSubcommands:\n", g.Path, g.Summary, g.Path)
		}
	}
	for _, c := range cliCommands {
		if sub, ok := strings.CutPrefix(c.Path, group+" "); ok {
			fmt.Fprintf(&b, "  %-10s %s\n", sub, c.Summary)
		}
	}
	fmt.Fprintf(&b, "\nRun \"studybot %s SUBCOMMAND --help\" for its usage and flags.\n", group)
	return b.String()
}

// subcommands returns the names of a group's subcommands, for the
// "want lint, export …" messages.
func subcommands(group string) string {
	var subs []string
	for _, c := range cliCommands {
		if sub, ok := strings.CutPrefix(c.Path, group+" "); ok {
			subs = append(subs, sub)
		}
	}
	if len(subs) < 2 {
		return strings.Join(subs, "")
	}
	return strings.Join(subs[:len(subs)-1], ", ") + " or " + subs[len(subs)-1]
}

// mustCommand returns the command at path, which the table has.
func mustCommand(path string) cliCommand {
	c, ok := lookupCommand(path)
	if !ok {
		panic("studybot: no command " + path)
	}
	return c
}

// indent indents every non-empty line of s by two spaces.
func indent(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "")
}
