package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/studybot/studybot/questions"
)

func runQuestions(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "studybot questions: want %s (studybot questions --help)\n", subcommands("questions"))
		return 2
	}
	if args[0] == "review" {
		return runReview(args[1:], stdin, stdout, stderr, getenv)
	}
	if args[0] == "diff" {
		return runDiff(args[1:], stdout, stderr, getenv)
	}
	if args[0] == "stats" {
		return runStats(args[1:], stdout, stderr, getenv)
	}
	if args[0] == "draft" {
		return runDraft(args[1:], stdout, stderr, getenv)
	}
	fs := flag.NewFlagSet("questions "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	var mf memoFlags
	mf.register(fs, getenv)
	format, top := "json", 0
	if args[0] == "export" {
		fs.StringVar(&format, "format", "json", "output `format`: json or yaml")
		fs.IntVar(&top, "top", 0, "export only the first `N` questions the daily post would draw (0: all, in bank order)")
	}
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return 2
	}
	bank, err := loadBank(mf)
	if err != nil && (bank == nil || !errors.Is(err, questions.ErrNoQuestions)) {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	switch args[0] {
	case "lint":
		printLint(stdout, bank, mf.memo)
		if err != nil {
			fmt.Fprintf(stderr, "studybot: %v\n", err)
			return 1
		}
		if len(bank.AuthoredErrors) > 0 {
			fmt.Fprintf(stderr, "studybot: %d authored questions left out (see above)\n", len(bank.AuthoredErrors))
			return 1
		}
		if len(bank.ReviewErrors) > 0 {
			fmt.Fprintf(stderr, "studybot: %d review decisions not applied (see above)\n", len(bank.ReviewErrors))
			return 1
		}
		return 0
	case "export":
		if err != nil { // lint rejects this memo: no questions to export
			fmt.Fprintf(stderr, "studybot: %v (see studybot questions lint)\n", err)
			return 1
		}
		if err := exportBank(stdout, bank, format, top); err != nil {
			fmt.Fprintf(stderr, "studybot: %v\n", err)
			return 2
		}
		return 0
	case "show":
		if len(pos) != 1 {
			fmt.Fprint(stderr, "studybot questions show: want one question ID (see \"questions export\")\n")
			return 2
		}
		q, err := bank.Get(pos[0])
		if err != nil {
			fmt.Fprintf(stderr, "studybot: %v\n", err)
			return 1
		}
		printQuestion(stdout, q)
		return 0
	}
	fmt.Fprintf(stderr, "studybot questions: unknown subcommand %q (want %s)\n", args[0], subcommands("questions"))
	return 2
}

func printLint(w io.Writer, bank *questions.Bank, memo string) {
	r := bank.Lint()
	m := bank.Memo
	fmt.Fprintf(w, "memo: %s", memoName(memo))
	if m.Exam != "" {
		fmt.Fprintf(w, " — %s", m.Exam)
	}
	fmt.Fprintf(w, "\nitems: %d, tables: %d, headings: %d\n", len(m.Items), len(m.Tables), len(m.Headings))
	fmt.Fprintf(w, "questions kept: %d (every one passes all %d quality rules; confidence ≥ %.2f, mean %.2f)\n", r.Total, len(questions.Rules), questions.MinConfidence, r.MeanConfidence)
	fmt.Fprintf(w, "token leaks in what ships: %d\n\nby domain (share of the bank against the exam weight):\n", r.TokenLeaks)
	var wsum float64
	for _, d := range m.Domains {
		wsum += d.Weight
	}
	for _, d := range m.Domains {
		weight := ""
		if d.Weight > 0 && wsum > 0 {
			weight = fmt.Sprintf("  %3.0f%% vs %3.0f%%", pct(r.ByDomain[d.Number], r.Total), d.Weight/wsum*100)
		}
		fmt.Fprintf(w, "  %-48s %4d%s\n", d.Label(), r.ByDomain[d.Number], weight)
	}
	printCounts(w, "distractors from", r.ByKin)
	printCounts(w, "options name", r.ByKind)
	fmt.Fprint(w, "\nby type:\n")
	for _, t := range questions.Types {
		fmt.Fprintf(w, "  %-18s %4d\n", t, r.ByType[t])
	}
	fmt.Fprintf(w, "\ncorrect answer position: A %d, B %d, C %d, D %d", r.Positions[0], r.Positions[1], r.Positions[2], r.Positions[3])
	if r.Multi > 0 {
		fmt.Fprintf(w, " (%d choose-N questions left out: no one position)", r.Multi)
	}
	fmt.Fprintln(w)
	printCounts(w, "dropped by rule", r.Dropped)
	printDraftsLint(w, bank, memo)
	if len(bank.AuthoredErrors) > 0 {
		fmt.Fprintf(w, "\nauthored questions left out (%d):\n", len(bank.AuthoredErrors))
		for _, e := range bank.AuthoredErrors {
			fmt.Fprintf(w, "  %v\n", e)
		}
	}
	if len(bank.ReviewErrors) > 0 {
		fmt.Fprintf(w, "\nreview decisions not applied (%d):\n", len(bank.ReviewErrors))
		for _, e := range bank.ReviewErrors {
			fmt.Fprintf(w, "  %v\n", e)
		}
	}
	printCounts(w, "definitions not asked about", r.Skipped)
	fmt.Fprintf(w, "\ndefinitions to review (%d):\n", len(r.Problems))
	for _, p := range r.Problems {
		lines := make([]string, len(p.Lines))
		for i, l := range p.Lines {
			lines[i] = fmt.Sprint(l)
		}
		fmt.Fprintf(w, "  %-9s %s (lines %s): %s\n", p.Kind, p.Term, strings.Join(lines, ", "), p.Detail)
	}
	fmt.Fprint(w, "\nwarnings:\n")
	if len(r.Warnings) == 0 {
		fmt.Fprint(w, "  none\n")
	}
	for _, x := range r.Warnings {
		fmt.Fprintf(w, "  %s\n", x)
	}
}

func pct(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) * 100 / float64(total)
}

// printCounts prints a titled block of counts, keys sorted.
func printCounts(w io.Writer, title string, counts map[string]int) {
	fmt.Fprintf(w, "\n%s:\n", title)
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		fmt.Fprint(w, "  none\n")
	}
	for _, k := range keys {
		fmt.Fprintf(w, "  %-28s %4d\n", k, counts[k])
	}
}

// exportRecord is one question as "questions export" writes it.
type exportRecord struct {
	ID          string       `json:"id" yaml:"id"`
	Domain      int          `json:"domain" yaml:"domain"`
	DomainTitle string       `json:"domain_title" yaml:"domain_title"`
	Type        string       `json:"type" yaml:"type"`
	Stem        string       `json:"stem" yaml:"stem"`
	Options     []string     `json:"options" yaml:"options"`
	OptionIDs   []string     `json:"option_ids" yaml:"option_ids"`
	Answer      int          `json:"answer" yaml:"answer"`
	Answers     []int        `json:"answers,omitempty" yaml:"answers,omitempty"`
	Choose      int          `json:"choose,omitempty" yaml:"choose,omitempty"`
	Difficulty  int          `json:"difficulty" yaml:"difficulty"`
	Kin         string       `json:"kin" yaml:"kin"`
	Confidence  float64      `json:"confidence" yaml:"confidence"`
	Rank        int          `json:"rank" yaml:"rank"`
	Approved    bool         `json:"approved" yaml:"approved"`
	Draft       bool         `json:"draft,omitempty" yaml:"draft,omitempty"`
	Doubt       string       `json:"doubt,omitempty" yaml:"doubt,omitempty"`
	Explanation string       `json:"explanation" yaml:"explanation"`
	Source      exportSource `json:"source" yaml:"source"`
}

type exportSource struct {
	Path []string `json:"path" yaml:"path"`
	Line int      `json:"line" yaml:"line"`
}

func exportBank(w io.Writer, bank *questions.Bank, format string, top int) error {
	qs := bank.Questions
	if top > 0 {
		qs = bank.Top(top)
	}
	recs := make([]exportRecord, 0, len(qs))
	for _, q := range qs {
		r := exportRecord{ID: q.ID, Domain: q.Domain, DomainTitle: q.DomainTitle, Type: string(q.Type), Stem: q.Stem,
			Answer: q.Answer, Difficulty: q.Difficulty, Kin: q.Kin, Confidence: q.Confidence, Rank: q.Rank, Approved: q.Approved, Draft: q.Draft, Doubt: q.Doubt, Explanation: q.Explanation,
			Source: exportSource{Path: q.Source.Path, Line: q.Source.Line}}
		if q.Multi() {
			r.Answers, r.Choose = q.CorrectIndexes(), q.Choose
		}
		for _, o := range q.Options {
			r.Options = append(r.Options, o.Text)
			r.OptionIDs = append(r.OptionIDs, o.ID)
		}
		recs = append(recs, r)
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(recs)
	case "yaml":
		enc := yaml.NewEncoder(w)
		defer enc.Close()
		return enc.Encode(recs)
	}
	return fmt.Errorf("export: unknown format %q (want json or yaml)", format)
}

func printQuestion(w io.Writer, q *questions.Question) {
	fmt.Fprintf(w, "%s  [%s · %s · difficulty %d]\n第 %d 分野: %s\n\n%s\n\n", q.ID, q.Type, q.Kin, q.Difficulty, q.Domain, q.DomainTitle, q.Stem)
	for i, o := range q.Options {
		mark := " "
		if q.IsCorrectIndex(i) { // every correct option of a choose-N question
			mark = "*"
		}
		fmt.Fprintf(w, "%s %s. %s\n", mark, questions.Letter(i), o.Text)
	}
	fmt.Fprintf(w, "\n%s\n", q.Explanation)
	if q.Source.Passage != "" {
		fmt.Fprintf(w, "\nconfidence %.2f, rank %d — the whole passage:\n%s\n", q.Confidence, q.Rank, q.Source.Passage)
	}
}

func runLookup(args []string, stdout, stderr io.Writer, getenv env) int {
	fs := flag.NewFlagSet("lookup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var mf memoFlags
	mf.register(fs, getenv)
	limit := fs.Int("n", 5, "show at most `N` results")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) == 0 {
		fmt.Fprint(stderr, "studybot lookup: want a query, e.g. studybot lookup CodeDeploy ロールバック\n")
		return 2
	}
	bank, err := loadBank(mf)
	if bank == nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	query := strings.Join(pos, " ")
	res := bank.Index.Search(query, *limit)
	if len(res) == 0 {
		fmt.Fprintf(stdout, "no passage of the memo matches %q\n", query)
		return 0
	}
	for i, r := range res {
		printResult(stdout, i+1, r)
	}
	return 0
}

func printResult(w io.Writer, n int, r questions.Result) {
	d := r.Doc
	fmt.Fprintf(w, "%d. %s (line %d, %s)\n", n, d.Breadcrumb, d.Line, r.Match)
	for _, l := range strings.Split(d.Text, "\n") {
		fmt.Fprintf(w, "   %s\n", l)
	}
	for _, x := range d.Details {
		fmt.Fprintf(w, "     - %s\n", x)
	}
}
