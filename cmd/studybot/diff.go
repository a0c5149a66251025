package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/studybot/studybot/questions"
)

// runDiff is "studybot questions diff OLD.md NEW.md": the questions added,
// removed and changed between two versions of a memo, each read with the
// config, questions and review files beside it, so an edit can be reviewed
// before it is deployed. It exits 0 whatever the differences, 1 when a
// memo cannot be read or yields no questions, 2 on bad usage.
func runDiff(args []string, stdout, stderr io.Writer, getenv env) int {
	fs := flag.NewFlagSet("questions diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	weights := fs.String("weights", getenv("STUDYBOT_WEIGHTS"), "domain weights `\"1=22,2=17,…\" or file`, for both memos")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 2 {
		fmt.Fprint(stderr, "studybot questions diff: want two memo files: OLD.md NEW.md\n")
		return 2
	}
	var banks [2]*questions.Bank
	for i, memo := range pos {
		b, err := loadBank(memoFlags{memo: memo, weights: *weights})
		if err != nil {
			fmt.Fprintf(stderr, "studybot: %v\n", err)
			return 1
		}
		banks[i] = b
	}
	changes, unchanged := questions.Diff(banks[0], banks[1])
	printDiff(stdout, pos[0], pos[1], banks[0], banks[1], changes, unchanged)
	return 0
}

// printDiff writes the summary, then one line per question that differs:
// "+" added, "-" removed, "~" changed (with what changed).
func printDiff(w io.Writer, oldName, newName string, old, new *questions.Bank, changes []questions.Change, unchanged int) {
	n := map[questions.ChangeKind]int{}
	for _, c := range changes {
		n[c.Kind]++
	}
	fmt.Fprintf(w, "%s (%d questions) → %s (%d questions)\n", oldName, len(old.Questions), newName, len(new.Questions))
	fmt.Fprintf(w, "added %d, removed %d, changed %d, unchanged %d\n", n[questions.Added], n[questions.Removed], n[questions.Changed], unchanged)
	for _, c := range changes {
		switch c.Kind {
		case questions.Added:
			fmt.Fprintf(w, "+ %s  %s\n", c.ID, oneLine(c.New.Stem))
		case questions.Removed:
			fmt.Fprintf(w, "- %s  %s\n", c.ID, oneLine(c.Old.Stem))
		case questions.Changed:
			fmt.Fprintf(w, "~ %s  %s  (%s)\n", c.ID, oneLine(c.New.Stem), strings.Join(c.Fields, ", "))
		}
	}
}

// oneLine is a stem on one line, cut to 60 runes.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return s
}
