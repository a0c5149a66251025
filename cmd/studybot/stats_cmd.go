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
// starred; for a multi-answer question by option with every correct one
// starred, then by chosen set with the correct set starred), reporters and
// flags.
func printStats(w io.Writer, stats []store.ItemStat, bank *questions.Bank) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "QUESTION\tPOSTED\tANSWERED\tCORRECT\tDISCRIM (N)\tCHOICES\tREPORTS\tFLAGS")
	for _, s := range stats {
		choices := countsByKey(s.Choices, func(o string) bool { return o == s.AnswerID })
		if store.IsSetChoice(s.AnswerID) { // by option (each correct one starred), then by set
			correct := store.Snapshot{AnswerID: s.AnswerID}
			choices = append(countsByKey(s.Options, correct.IsCorrectOption), choices...)
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

// countsByKey writes counts as "key:n" sorted by key, a key for which
// starred is true marked "key*:n".
func countsByKey(counts map[string]int, starred func(string) bool) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		mark := ""
		if starred(k) {
			mark = "*"
		}
		out[i] = fmt.Sprintf("%s%s:%d", k, mark, counts[k])
	}
	return out
}
