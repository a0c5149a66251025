package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/studybot/studybot/bot"
)

const (
	readmePath     = "../../README.md"
	docsDir        = "../../docs"
	tableBegin     = "<!-- commands:begin"
	tableEnd       = "<!-- commands:end -->"
	readmeSnapshot = "testdata/readme/before-issue22.md"
	readmeReworded = "testdata/readme/reworded.txt"
)

// adminLine is what the README's table says of a /studybot subcommand the
// registry names: its arguments and one line on what it does. (The
// registry has no description of its own for admin subcommands.)
type adminLine struct{ args, what string }

// adminLines covers every bot.AdminCommands entry; TestReadmeCommandTable
// fails when a subcommand is added without its line, or one is removed.
var adminLines = map[string]adminLine{
	"schedule":     {"<cron> [tz]", "when this channel's question is posted (at most one an hour)"},
	"close-after":  {"<duration>", "how long a question stays open: 1h to 24h"},
	"domains":      {"<1,3,6>\\|all", "which exam domains this channel draws from"},
	"lang":         {"ja\\|en", "this channel's language"},
	"pool":         {"approved\\|approved-first\\|all", "which questions the daily post and /quiz use"},
	"pause":        {"", "stop posting in this channel"},
	"resume":       {"", "post on schedule again"},
	"post-now":     {"", "post a question now"},
	"status":       {"", "this channel's settings and its last posting error"},
	"history":      {"", "the last 10 questions, marked when their memo passage changed"},
	"reports":      {"", "the questions people reported"},
	"review":       {"[approve <id>\\|reject <id> <reason>]", "privately, the next undecided question with Approve / Reject / Skip"},
	"reload":       {"", "rebuild the question bank from the memo files"},
	"insights":     {"", "flagged and hardest questions of 30 days; the team's readiness"},
	"digest":       {"on [mon…sun] [HH:MM\\|first]\\|off\\|now", "this channel's weekly digest (chart and text)"},
	"clear-report": {"<question-id>", "clear a question's reports so it may be posted again"},
	"web":          {"", "privately, a one-time sign-in link to the web pages (10 minutes)"},
}

// commandTable renders the README's command table from the registry: one
// line per command, everyone's first (hint, English description, example),
// then each /studybot subcommand.
func commandTable() string {
	var b strings.Builder
	b.WriteString("| command | what | e.g. |\n|---|---|---|\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
	example := func(key string) string {
		if key == "" {
			return ""
		}
		return "`" + cell(bot.T("en", key)) + "`"
	}
	for _, c := range bot.Commands {
		if c.Admin {
			continue
		}
		name := "`/" + strings.TrimSpace(c.Name+" "+cell(c.Hint)) + "`"
		for _, a := range c.Aliases {
			name += " (`/" + a + "`)"
		}
		b.WriteString("| " + name + " | " + lowerFirst(c.Description["en"]) + " | " + example(c.Example) + " |\n")
	}
	for _, c := range bot.Commands {
		if !c.Admin {
			continue
		}
		for _, s := range bot.AdminCommands {
			l := adminLines[s.Name]
			name := "`/" + strings.TrimSpace(c.Name+" "+s.Name+" "+l.args) + "`"
			b.WriteString("| " + name + " | admin: " + l.what + " | " + example(s.Example) + " |\n")
		}
	}
	return b.String()
}

// lowerFirst lowers the first letter of a registry description, to read
// like the admin lines.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// TestReadmeCommandTable: the README's command table is what the registry
// renders (go test ./cmd/studybot -run TestReadmeCommandTable -update),
// and every admin subcommand has its line.
func TestReadmeCommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range bot.AdminCommands {
		seen[s.Name] = true
		if l, ok := adminLines[s.Name]; !ok || l.what == "" {
			t.Errorf("admin subcommand %q has no line in adminLines (readme_test.go)", s.Name)
		}
	}
	for name := range adminLines {
		if !seen[name] {
			t.Errorf("adminLines has %q, which the registry no longer has", name)
		}
	}
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	i := strings.Index(readme, tableBegin)
	j := strings.Index(readme, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q … %q", tableBegin, tableEnd)
	}
	i += strings.Index(readme[i:], "\n") + 1
	got := commandTable()
	if *update {
		readme = readme[:i] + got + readme[j:]
		if err := os.WriteFile(readmePath, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if readme[i:j] != got {
		t.Errorf("README.md's command table differs from the registry; run go test ./cmd/studybot -run TestReadmeCommandTable -update\n%s", firstDiff(got, readme[i:j]))
	}
	for _, c := range bot.Commands {
		if !strings.Contains(got, "`/"+c.Name) {
			t.Errorf("the table lacks /%s", c.Name)
		}
	}
}

// docsSet is README.md and every page under docs/, whitespace collapsed,
// pages apart.
func docsSet(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(docsDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, f := range append([]string{readmePath}, files...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, normalize(string(b)))
	}
	return strings.Join(parts, " ¶ ")
}

var spaces = regexp.MustCompile(`\s+`)

func normalize(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

// readmeUnits splits markdown into what a reader takes as one piece: a
// paragraph, a list item, a table row, a code block. Headings are left
// out (the pages have their own).
func readmeUnits(md string) []string {
	var units []string
	var cur []string
	flush := func() {
		if u := normalize(strings.Join(cur, "\n")); u != "" {
			units = append(units, u)
		}
		cur = nil
	}
	fence := false
	item := regexp.MustCompile(`^(- |\d+\. )`)
	for _, l := range strings.Split(md, "\n") {
		tl := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(tl, "```"):
			if !fence {
				flush()
			}
			cur = append(cur, l)
			if fence {
				flush()
			}
			fence = !fence
		case fence:
			cur = append(cur, l)
		case tl == "":
			flush()
		case strings.HasPrefix(tl, "#"):
			flush()
		case strings.HasPrefix(tl, "|"):
			flush()
			if !strings.HasPrefix(tl, "|---") {
				cur = append(cur, l)
				flush()
			}
		case item.MatchString(l):
			flush()
			cur = append(cur, l)
		default:
			cur = append(cur, l)
		}
	}
	flush()
	return units
}

// reworded reads testdata/readme/reworded.txt: per line, the start of an
// old README unit that the new pages say differently, a tab, and where
// and how.
func reworded(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(readmeReworded)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		prefix, where, ok := strings.Cut(l, "\t")
		if !ok || strings.TrimSpace(where) == "" {
			t.Fatalf("%s: %q: want the unit's start, a tab, and where it went", readmeReworded, l)
		}
		m[prefix] = where
	}
	return m
}

// TestDocsKeepEverything: every paragraph, list item, table row and code
// block of the README before it was split (testdata/readme/
// before-issue22.md) is still in README.md + docs/*.md, word for word, or
// is listed in testdata/readme/reworded.txt with where it went.
func TestDocsKeepEverything(t *testing.T) {
	old, err := os.ReadFile(readmeSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	set := docsSet(t)
	rw := reworded(t)
	used := map[string]bool{}
	for _, u := range readmeUnits(string(old)) {
		if strings.Contains(set, u) {
			continue
		}
		found := false
		for prefix := range rw {
			if strings.HasPrefix(u, prefix) {
				found, used[prefix] = true, true
			}
		}
		if !found {
			t.Errorf("lost from the docs (or list it in %s):\n%s", readmeReworded, u)
		}
	}
	for prefix := range rw {
		if !used[prefix] {
			t.Errorf("%s: %q matches no old unit that is missing: remove the line", readmeReworded, prefix)
		}
	}
}

// TestDocsKeepEveryName: every command, flag, setting key, environment
// variable and file name the old README mentions — every `code span`,
// STUDYBOT_* name, --flag and file name — appears in README.md + docs/*.md.
func TestDocsKeepEveryName(t *testing.T) {
	old, err := os.ReadFile(readmeSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	set := docsSet(t)
	var prose []string // the old README without its code blocks
	fence := false
	for _, l := range strings.Split(string(old), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
			continue
		}
		if !fence {
			prose = append(prose, l)
		}
	}
	names := map[string]bool{}
	for _, m := range regexp.MustCompile("``(.+?)``|`([^`]+)`").FindAllStringSubmatch(strings.Join(prose, "\n"), -1) {
		names[normalize(m[1]+m[2])] = true
	}
	for _, re := range []string{`STUDYBOT_[A-Z0-9_]+`, `--[a-z][a-z-]+`, `[\w./<>-]+\.(?:md|yaml|yml|go|json|jsonl|ttf|db|png|txt)\b`} {
		for _, m := range regexp.MustCompile(re).FindAllString(string(old), -1) {
			names[m] = true
		}
	}
	if len(names) < 100 {
		t.Fatalf("only %d names found in the old README", len(names))
	}
	for n := range names {
		if !strings.Contains(set, n) {
			t.Errorf("the docs no longer mention %q", n)
		}
	}
}

// mdLink is a markdown link's target.
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// slug is the anchor GitHub gives a heading.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestDocsLinks: every relative link of README.md and docs/*.md names a
// file that exists and, with a #fragment, a heading of that page.
func TestDocsLinks(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(docsDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append([]string{readmePath, "../../deploy/README.md"}, files...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, frag, _ := strings.Cut(target, "#")
			full := f
			if path != "" {
				full = filepath.Join(filepath.Dir(f), path)
			}
			page, err := os.ReadFile(full)
			if err != nil {
				if _, serr := os.Stat(full); serr != nil {
					t.Errorf("%s: link %q: %v", f, target, serr)
				}
				continue // a directory
			}
			if frag == "" {
				continue
			}
			found := false
			for _, l := range strings.Split(string(page), "\n") {
				if h, ok := strings.CutPrefix(l, "#"); ok && slug(strings.TrimLeft(h, "#")) == frag {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: link %q: %s has no such heading", f, target, full)
			}
		}
	}
}

// TestReadmeTop: the README opens with the two commands (the second is
// what .ci/run runs) and stays a page read in two minutes; the reference
// belongs in docs/.
func TestReadmeTop(t *testing.T) {
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	const top = "# studybot\n\n```sh\ngo run ./cmd/studybot\ngo test -race ./...\n```\n"
	if !strings.HasPrefix(string(b), top) {
		t.Errorf("README.md must open with\n%s", top)
	}
	if n := strings.Count(string(b), "\n"); n > 150 {
		t.Errorf("README.md has %d lines; keep it under 150 and move the reference to docs/", n)
	}
}
