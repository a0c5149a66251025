package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// helpPaths is every command and group path of the command line.
func helpPaths() []string {
	var paths []string
	for _, c := range cliCommands {
		paths = append(paths, c.Path)
	}
	for _, g := range cliGroups {
		paths = append(paths, g.Path)
	}
	return paths
}

// TestHelpEverywhere: every command, subcommand and group answers -h,
// --help and "studybot help PATH" with its usage on stdout, naming
// itself, and exits 0.
func TestHelpEverywhere(t *testing.T) {
	for _, path := range helpPaths() {
		words := strings.Fields(path)
		for _, args := range [][]string{
			append(append([]string{}, words...), "--help"),
			append(append([]string{}, words...), "-h"),
			append([]string{"help"}, words...),
		} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, out, errs := runCmd(t, args...)
				if code != 0 {
					t.Errorf("exit %d, want 0; stderr: %s", code, errs)
				}
				if errs != "" {
					t.Errorf("stderr: %s", errs)
				}
				if name := strings.TrimSpace("studybot " + path); !strings.Contains(out, name) || !strings.Contains(out, "Usage:") {
					t.Errorf("usage does not name %q:\n%s", name, out)
				}
			})
		}
	}
}

// TestHelpAfterArguments: --help anywhere before "--" wins over the
// command's own arguments and flags; a word a group does not know is
// still an error.
func TestHelpAfterArguments(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"questions", "show", "abc", "--help"}, 0, "studybot questions show ID"},
		{[]string{"lookup", "CodeDeploy", "-h"}, 0, "studybot lookup [--memo F]"},
		{[]string{"questions", "review", "--only", "new", "--help"}, 0, "studybot questions review [--memo F]"},
		{[]string{"--db", "x.db", "--help"}, 0, "Flags of a bare studybot"},
		{[]string{"questions", "--help"}, 0, "draft"},
		{[]string{"store", "-h"}, 0, "compact"},
		{[]string{"frob", "--help"}, 2, ""},
		{[]string{"questions", "frob", "--help"}, 2, ""},
		{[]string{"help", "frob"}, 2, ""},
	} {
		code, out, errs := runCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("%q: exit %d (want %d)\nstdout: %s\nstderr: %s", tc.args, code, tc.code, out, errs)
		}
	}
}

// flagLine is a flag in the flag package's own listing ("  -db file").
var flagLine = regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`)

// usageFlag is a flag named in a usage text ("--db", "-n").
var usageFlag = regexp.MustCompile(`(?:^|[\s\[])--?([a-z][a-z0-9-]*)`)

// TestUsageNamesEveryFlag: each command's usage names every flag its flag
// set defines and no flag it lacks. The flag set's own listing comes from
// an unknown flag, which makes the flag package print it.
func TestUsageNamesEveryFlag(t *testing.T) {
	for _, c := range cliCommands {
		if !strings.Contains(c.Usage, "Flags:") {
			continue // takes no flags (healthcheck, version, help)
		}
		t.Run(c.Path, func(t *testing.T) {
			code, _, errs := runCmd(t, append(strings.Fields(c.Path), "--no-such-flag")...)
			if code != exitUsage {
				t.Fatalf("an unknown flag: exit %d, want %d", code, exitUsage)
			}
			defined := map[string]bool{}
			for _, m := range flagLine.FindAllStringSubmatch(errs, -1) {
				defined[m[1]] = true
			}
			if len(defined) == 0 {
				t.Fatalf("no flag listing on an unknown flag:\n%s", errs)
			}
			named := map[string]bool{}
			_, flags, _ := strings.Cut(c.Usage, "Flags:")
			for _, m := range usageFlag.FindAllStringSubmatch(flags, -1) {
				named[m[1]] = true
			}
			for f := range defined {
				if !named[f] {
					t.Errorf("the usage of %q lacks its flag --%s", c.Path, f)
				}
			}
			for f := range named {
				if !defined[f] {
					t.Errorf("the usage of %q names --%s, which it does not take", c.Path, f)
				}
			}
		})
	}
}

// TestCommandTableComplete: the dispatcher knows every command of the
// table, and the table every word the dispatcher knows.
func TestCommandTableComplete(t *testing.T) {
	for _, c := range cliCommands {
		if c.Path == "" || c.Path == "help" {
			continue
		}
		// a known command with a bad flag is a usage error, never "unknown command"
		_, _, errs := runCmd(t, append(strings.Fields(c.Path), "--no-such-flag")...)
		if strings.Contains(errs, "unknown command") || strings.Contains(errs, "unknown subcommand") || strings.Contains(errs, "want \"") {
			t.Errorf("%q is in the table but not dispatched: %s", c.Path, errs)
		}
		if c.Summary == "" || strings.Contains(c.Summary, "\n") {
			t.Errorf("%q: the summary must be one line", c.Path)
		}
		if !strings.HasPrefix(c.Usage, "studybot "+c.Path) {
			t.Errorf("%q: the usage must start with its synopsis", c.Path)
		}
	}
	src, err := os.ReadFile("app.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`case "([a-z]+)":`).FindAllStringSubmatch(string(src), -1) {
		if _, ok := lookupCommand(m[1]); !ok && !isGroup(m[1]) {
			t.Errorf("app.go dispatches %q, which the command table lacks", m[1])
		}
	}
}

// commandLineDoc renders docs/command-line.md from the command table.
func commandLineDoc() string {
	var b strings.Builder
	b.WriteString("# The command line\n\n")
	b.WriteString("<!-- generated from cmd/studybot/commands.go: go test ./cmd/studybot -run TestCommandLineDoc -update -->\n\n")
	b.WriteString("Every command and subcommand takes `-h` or `--help`: it prints the usage below and exits 0.\n")
	b.WriteString("`studybot help` lists them all; `studybot help questions review` is `studybot questions review --help`.\n\n")
	b.WriteString("| command | what |\n|---|---|\n")
	for _, c := range cliCommands {
		name := strings.TrimSpace("studybot " + c.Path)
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s |\n", name, strings.ReplaceAll(name, " ", "-"), c.Summary)
	}
	b.WriteString("\n" + exitCodesUsage)
	for _, c := range cliCommands {
		fmt.Fprintf(&b, "\n## %s\n\n%s.\n\n```\n%s```\n", strings.TrimSpace("studybot "+c.Path), upperFirst(c.Summary), c.Usage)
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// TestCommandLineDoc: docs/command-line.md is what the command table
// renders (go test ./cmd/studybot -run TestCommandLineDoc -update).
func TestCommandLineDoc(t *testing.T) {
	const page = "../../docs/command-line.md"
	got := commandLineDoc()
	if *update {
		if err := os.WriteFile(page, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the command table; run go test ./cmd/studybot -run TestCommandLineDoc -update\n%s", page, firstDiff(got, string(want)))
	}
}
