package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// runReview is "questions review": one question at a time, one key per
// decision, the review file saved after every decision.
func runReview(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	fs := flag.NewFlagSet("questions review", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var mf memoFlags
	mf.register(fs, getenv)
	only := fs.String("only", "", "review only `which` questions: new (no decision yet), reported (/report), flagged (withheld by bot.Flags: reported by two or more, or flagged by the answers and not approved)")
	dbPath := fs.String("db", "", "database `file` for --only reported|flagged and --export (default: the configured one)")
	export := fs.Bool("export", false, "print the decisions made in chat and kept in the database (the review file was read-only) as review file entries")
	if _, err := parseInterleaved(fs, args); err != nil {
		return 2
	}
	if *export {
		db, err := openDB(*dbPath, getenv)
		if err != nil {
			fmt.Fprintf(stderr, "studybot: %v\n", err)
			return 1
		}
		defer db.Close()
		if err := exportReviews(stdout, db); err != nil {
			fmt.Fprintf(stderr, "studybot: %v\n", err)
			return 1
		}
		return 0
	}
	path := mf.reviewPath()
	if path == "" {
		fmt.Fprint(stderr, "studybot questions review: the bundled memo has no review file: pass --review FILE\n")
		return 2
	}
	mf.noReview = true // every question, rejected ones too, so that undo can bring them back
	bank, err := loadBank(mf)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	rf, err := readReview(path)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	qs, err := reviewQueue(bank, rf, *only, *dbPath, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 2
	}
	ui := newReviewUI(stdin, stdout, getenv)
	defer ui.restore()
	if err := ui.run(bank, rf, path, qs); err != nil {
		ui.restore()
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	return 0
}

// reviewQueue returns the questions to review, in the daily post's draw
// order (reported ones: most reported first).
func reviewQueue(bank *questions.Bank, rf *reviewFile, only, dbPath string, getenv env) ([]*questions.Question, error) {
	all := bank.Top(0)
	switch only {
	case "":
		return all, nil
	case "new":
		var out []*questions.Question
		for _, q := range all {
			if _, done := rf.entries[q.ID]; !done {
				out = append(out, q)
			}
		}
		return out, nil
	case "reported":
		counts, err := reportCounts(dbPath, getenv)
		if err != nil {
			return nil, err
		}
		var out []*questions.Question
		for _, q := range all {
			if counts[q.ID] >= 1 {
				out = append(out, q)
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return counts[out[i].ID] > counts[out[j].ID] })
		return out, nil
	case "flagged":
		flags, approved, err := dbFlags(dbPath, getenv)
		if err != nil {
			return nil, err
		}
		var out []*questions.Question
		for _, q := range all {
			ok := approved[q.ID] || rf.entries[q.ID].Status == string(questions.Approved)
			if bot.Withholds(flags[q.ID], ok) {
				out = append(out, q)
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return len(flags[out[i].ID]) > len(flags[out[j].ID]) })
		return out, nil
	}
	return nil, fmt.Errorf("questions review: --only wants new, reported or flagged, got %q", only)
}

// dbFlags returns the flags (bot.Flags) of every question from the
// answers and reports of every space in the database, and the questions
// approved in chat and kept there.
func dbFlags(path string, getenv env) (map[string][]bot.Flag, map[string]bool, error) {
	db, err := openDB(path, getenv)
	if err != nil {
		return nil, nil, fmt.Errorf("flags: %w", err)
	}
	defer db.Close()
	stats, err := db.ItemStats(store.ItemQuery{})
	if err != nil {
		return nil, nil, fmt.Errorf("flags: %w", err)
	}
	flags := map[string][]bot.Flag{}
	for _, s := range stats {
		flags[s.QuestionID] = bot.Flags(s)
	}
	ds, err := db.ReviewDecisions()
	if err != nil {
		return nil, nil, fmt.Errorf("flags: %w", err)
	}
	approved := map[string]bool{}
	for _, d := range ds {
		approved[d.QuestionID] = d.Verdict == string(questions.Approved)
	}
	return flags, approved, nil
}

// reportCounts counts, per question ID, the users who reported it in any
// space of the database.
func reportCounts(path string, getenv env) (map[string]int, error) {
	db, err := openDB(path, getenv)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer db.Close()
	chans, err := db.Channels()
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	seen := map[store.SpaceRef]bool{}
	counts := map[string]int{}
	for _, c := range chans {
		if seen[c.Space] {
			continue
		}
		seen[c.Space] = true
		rs, _, err := db.Reports(c.Space)
		if err != nil {
			return nil, fmt.Errorf("reports: %w", err)
		}
		for id, list := range rs {
			counts[id] += len(list)
		}
	}
	return counts, nil
}

// openDB opens the database at path (default: the configured one)
// read-only.
func openDB(path string, getenv env) (*store.DB, error) {
	if path == "" {
		cfg, err := loadConfig(getenv("STUDYBOT_CONFIG"), getenv)
		if err != nil {
			return nil, err
		}
		path = cfg.DB
	}
	db, err := openExisting(path, true)
	if err != nil {
		return nil, fmt.Errorf("%w%s", err, lockedHint(err))
	}
	return db, nil
}

// reviewUI is the terminal side of "questions review": keys in, text
// out. On a terminal it reads single keys (stty -icanon -echo) and a
// reason as a line; elsewhere it reads one key per line.
type reviewUI struct {
	in     *bufio.Reader
	out    io.Writer
	tty    *os.File // the terminal, nil when stdin is not one
	saved  string   // stty -g before the flow
	getenv env
}

func newReviewUI(stdin io.Reader, stdout io.Writer, getenv env) *reviewUI {
	u := &reviewUI{in: bufio.NewReader(stdin), out: stdout, getenv: getenv}
	if f, ok := stdin.(*os.File); ok {
		if saved, err := stty(f, "-g"); err == nil {
			u.tty, u.saved = f, strings.TrimSpace(saved)
			u.keys()
		}
	}
	return u
}

// stty runs stty on the terminal f.
func stty(f *os.File, args ...string) (string, error) {
	cmd := exec.Command("stty", args...)
	cmd.Stdin = f
	out, err := cmd.Output()
	return string(out), err
}

// keys puts the terminal in single-key mode; Ctrl-C and Ctrl-D then
// arrive as keys (and quit), so the terminal is always given back.
func (u *reviewUI) keys() {
	if u.tty != nil {
		stty(u.tty, "-icanon", "-echo", "-isig", "min", "1")
	}
}

// restore gives the terminal back as it was.
func (u *reviewUI) restore() {
	if u.tty != nil {
		stty(u.tty, u.saved)
	}
}

// key reads one key, skipping line ends and blanks.
func (u *reviewUI) key() (byte, error) {
	for {
		c, err := u.in.ReadByte()
		if err != nil {
			return 0, err
		}
		if c != '\n' && c != '\r' && c != ' ' && c != '\t' {
			return c, nil
		}
	}
}

// line reads a line with the terminal's own line editing and echo.
func (u *reviewUI) line(prompt string) (string, error) {
	fmt.Fprint(u.out, prompt)
	u.restore()
	defer u.keys()
	s, err := u.in.ReadString('\n')
	if err != nil && s == "" {
		return "", err
	}
	return strings.TrimSpace(s), nil
}

// Ctrl-C and Ctrl-D as single-key mode delivers them.
const (
	ctrlC = 0x03
	ctrlD = 0x04
)

// step is one decision, kept for undo.
type step struct {
	pos  int          // the question's place in the queue
	id   string       // its ID
	prev *reviewEntry // its entry before the decision, nil for none
}

// run shows each question of qs and records the decisions in rf, saved to
// path after every one.
func (u *reviewUI) run(bank *questions.Bank, rf *reviewFile, path string, qs []*questions.Question) error {
	if len(qs) == 0 {
		fmt.Fprint(u.out, "nothing to review\n")
		return nil
	}
	var undo []step
	drafts := map[string]*editYAML{} // refused edits, to start the next edit from
	counts := map[string]int{}
	record := func(i int, q *questions.Question, e *reviewEntry) error {
		if err := rf.reload(path); err != nil {
			return err
		}
		st := step{pos: i, id: q.ID}
		if old, ok := rf.entries[q.ID]; ok {
			st.prev = &old
		}
		if e == nil {
			rf.unset(q.ID)
		} else {
			rf.set(q.ID, *e)
		}
		if err := rf.save(path); err != nil {
			return err
		}
		undo = append(undo, st)
		return nil
	}
	for i := 0; i < len(qs); {
		q := qs[i]
		u.show(i, len(qs), q, rf)
		fmt.Fprint(u.out, "[a]pprove [r]eject [e]dit [s]kip [u]ndo [q]uit > ")
		c, err := u.key()
		if errors.Is(err, io.EOF) || c == ctrlC || c == ctrlD {
			c = 'q'
		} else if err != nil {
			return fmt.Errorf("review: %w", err)
		}
		fmt.Fprintf(u.out, "%c\n", c)
		switch c {
		case 'a':
			if err := record(i, q, &reviewEntry{Status: string(questions.Approved)}); err != nil {
				return err
			}
			counts["approved"]++
			fmt.Fprintf(u.out, "approved %s (saved)\n", q.ID)
			i++
		case 'r':
			reason, err := u.line("reason: ")
			if err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("review: %w", err)
			}
			if reason == "" {
				fmt.Fprint(u.out, "a rejection needs a reason: not rejected\n")
				continue
			}
			if err := record(i, q, &reviewEntry{Status: string(questions.Rejected), Reason: reason}); err != nil {
				return err
			}
			counts["rejected"]++
			fmt.Fprintf(u.out, "rejected %s (saved)\n", q.ID)
			i++
		case 'e':
			e, err := u.edit(bank, q, drafts)
			if err != nil {
				fmt.Fprintf(u.out, "not edited: %v\n", err)
				continue
			}
			if err := record(i, q, e); err != nil {
				return err
			}
			counts["edited"]++
			fmt.Fprintf(u.out, "edited %s (saved)\n", q.ID)
			i++
		case 's':
			counts["skipped"]++
			i++
		case 'u':
			if len(undo) == 0 {
				fmt.Fprint(u.out, "nothing to undo\n")
				continue
			}
			st := undo[len(undo)-1]
			undo = undo[:len(undo)-1]
			if err := rf.reload(path); err != nil {
				return err
			}
			if st.prev == nil {
				rf.unset(st.id)
			} else {
				rf.set(st.id, *st.prev)
			}
			if err := rf.save(path); err != nil {
				return err
			}
			fmt.Fprintf(u.out, "undone: %s (saved)\n", st.id)
			i = st.pos
		case 'q':
			fmt.Fprintf(u.out, "quit: %d approved, %d rejected, %d edited, %d skipped; %s\n", counts["approved"], counts["rejected"], counts["edited"], counts["skipped"], path)
			return nil
		default:
			fmt.Fprintf(u.out, "unknown key %q\n", c)
		}
	}
	fmt.Fprintf(u.out, "done: %d approved, %d rejected, %d edited, %d skipped; %s\n", counts["approved"], counts["rejected"], counts["edited"], counts["skipped"], path)
	return nil
}

// show prints one question with its answer, source and current decision.
func (u *reviewUI) show(i, n int, q *questions.Question, rf *reviewFile) {
	status := "new"
	if e, ok := rf.entries[q.ID]; ok {
		status = e.Status
		if e.Reason != "" {
			status += ": " + e.Reason
		}
	}
	fmt.Fprintf(u.out, "\n── %d/%d  %s  [%s · %s]  %s\n第 %d 分野: %s\n\n%s\n\n", i+1, n, q.ID, q.Type, status, q.Source.Breadcrumb(), q.Domain, q.DomainTitle, q.Stem)
	for j, o := range q.Options {
		mark := " "
		if q.IsCorrectIndex(j) {
			mark = "*"
		}
		fmt.Fprintf(u.out, " %s %s. %s\n", mark, questions.Letter(j), o.Text)
	}
	fmt.Fprintf(u.out, "\n%s\n", q.Explanation)
	if q.Doubt != "" {
		fmt.Fprintf(u.out, "\n⚠ drafted by a model that doubts a memo line (not posted until approved): %s\n", q.Doubt)
	}
}

// editYAML is the temp file $EDITOR edits.
type editYAML struct {
	Stem        string   `yaml:"stem"`
	Options     []string `yaml:"options"`
	Answer      int      `yaml:"answer"`
	Answers     []int    `yaml:"answers,omitempty"`
	Choose      int      `yaml:"choose,omitempty"`
	Explanation string   `yaml:"explanation"`
}

// edit writes q to a temp YAML file, runs $EDITOR on it, reads it back
// and checks the edit with every quality rule. A refused edit is kept in
// drafts, so the next edit of q starts from it.
func (u *reviewUI) edit(bank *questions.Bank, q *questions.Question, drafts map[string]*editYAML) (*reviewEntry, error) {
	editor := u.getenv("VISUAL")
	if editor == "" {
		editor = u.getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	draft := drafts[q.ID]
	if draft == nil {
		draft = &editYAML{Stem: q.Stem, Answer: q.Answer}
		if q.Multi() {
			draft.Answers, draft.Choose = q.CorrectIndexes(), q.Choose
		}
		for _, o := range q.Options {
			draft.Options = append(draft.Options, o.Text)
		}
	}
	body, err := yaml.Marshal(draft)
	if err != nil {
		return nil, fmt.Errorf("edit: %w", err)
	}
	dir, err := os.MkdirTemp("", "studybot-edit-")
	if err != nil {
		return nil, fmt.Errorf("edit: %w", err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, q.ID+".yaml")
	head := "# Edit question " + q.ID + ", save and quit. answer (answers: of a choose-N question) is 0-based; explanation, if set, is\n# shown above the memo quote.\n"
	if err := os.WriteFile(tmp, append([]byte(head), body...), 0o600); err != nil {
		return nil, fmt.Errorf("edit: %w", err)
	}
	cmd := exec.Command("sh", "-c", editor+` "$1"`, "editor", tmp)
	cmd.Stdout, cmd.Stderr = u.out, u.out
	if u.tty != nil {
		cmd.Stdin = u.tty
	}
	u.restore()
	err = cmd.Run()
	u.keys()
	if err != nil {
		return nil, fmt.Errorf("edit: %s: %w", editor, err)
	}
	b, err := os.ReadFile(tmp)
	if err != nil {
		return nil, fmt.Errorf("edit: %w", err)
	}
	var got editYAML
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&got); err != nil {
		return nil, fmt.Errorf("edit: %w", err)
	}
	drafts[q.ID] = &got
	d := questions.Decision{ID: q.ID, Verdict: questions.Edited, Stem: got.Stem, Options: got.Options, Answer: got.Answer,
		Answers: got.Answers, Choose: got.Choose, Explanation: got.Explanation}
	if _, err := bank.CheckEdit(d); err != nil {
		var re *questions.ReviewError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("%s: %s (press e to edit again)", re.Rule, re.Reason)
		}
		return nil, err
	}
	delete(drafts, q.ID)
	answer := got.Answer
	return &reviewEntry{Status: string(questions.Edited), Stem: got.Stem, Options: got.Options, Answer: &answer,
		Answers: got.Answers, Choose: got.Choose, Explanation: got.Explanation}, nil
}
