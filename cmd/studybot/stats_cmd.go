package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// runStats is "questions stats": one line per question posted or
// reported in any space of the database, with its figures (daily answers
// only, see store.ItemStat) and flags (bot.Flags). Questions the memo no
// longer has are marked "gone".
func runStats(args []string, stdout, stderr io.Writer, getenv env) int {
	fs := flag.NewFlagSet("questions stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var mf memoFlags
	mf.register(fs, getenv)
	dbPath := fs.String("db", "", "database `file` (default: the configured one)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "studybot questions stats: unexpected %q\n", pos[0])
		return 2
	}
	bank, err := loadBank(mf)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	db, err := openDB(*dbPath, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	defer db.Close()
	stats, err := db.ItemStats(store.ItemQuery{})
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	printStats(stdout, stats, bank)
	return 0
}

// printStats writes the table: question, posts, answers, share correct,
// discrimination (with its answerers), choices by option ID (the answer
// starred), reporters and flags.
func printStats(w io.Writer, stats []store.ItemStat, bank *questions.Bank) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "QUESTION\tPOSTED\tANSWERED\tCORRECT\tDISCRIM (N)\tCHOICES\tREPORTS\tFLAGS")
	for _, s := range stats {
		opts := make([]string, 0, len(s.Choices))
		for o := range s.Choices {
			opts = append(opts, o)
		}
		sort.Strings(opts)
		choices := make([]string, len(opts))
		for i, o := range opts {
			mark := ""
			if o == s.AnswerID {
				mark = "*"
			}
			choices[i] = fmt.Sprintf("%s%s:%d", o, mark, s.Choices[o])
		}
		correct := "-"
		if s.Answered > 0 {
			correct = fmt.Sprintf("%.0f%%", s.Difficulty*100)
		}
		flags := bot.JoinFlags(bot.Flags(s))
		if _, err := bank.Get(s.QuestionID); err != nil {
			flags = strings.TrimPrefix(flags+",gone", ",")
		}
		if flags == "" {
			flags = "-"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s (%d)\t%s\t%d\t%s\n", s.QuestionID, s.Posted, s.Answered, correct,
			bot.FormatDiscrimination(s), s.DiscriminationN, strings.Join(choices, " "), s.Reporters, flags)
	}
	tw.Flush()
}
