package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// maxReviewBytes bounds a review file.
const maxReviewBytes = 4 << 20

// reviewHeader opens every review file studybot writes.
const reviewHeader = "# studybot review file: one entry per question ID (approved, rejected with a reason, or edited).\n" +
	"# Written by \"studybot questions review\"; safe to edit by hand and to keep in git.\n"

// reviewFileFor is the review file beside a memo: exam.md →
// exam.review.yaml; the bundled memo has none.
func reviewFileFor(memo string) string {
	if memo == "" {
		return ""
	}
	return strings.TrimSuffix(memo, filepath.Ext(memo)) + ".review.yaml"
}

// reviewEntry is one question's entry in a review file.
type reviewEntry struct {
	Status      string   `yaml:"status"`
	Reason      string   `yaml:"reason,omitempty"`
	Stem        string   `yaml:"stem,omitempty"`
	Options     []string `yaml:"options,omitempty"`
	Answer      *int     `yaml:"answer,omitempty"`
	Answers     []int    `yaml:"answers,omitempty"`
	Choose      int      `yaml:"choose,omitempty"`
	Explanation string   `yaml:"explanation,omitempty"`

	line int
}

// decision returns the entry as the questions package takes it.
func (e reviewEntry) decision(id string) questions.Decision {
	d := questions.Decision{ID: id, Verdict: questions.Verdict(e.Status), Reason: e.Reason, Stem: e.Stem,
		Options: e.Options, Answers: e.Answers, Choose: e.Choose, Explanation: e.Explanation, Line: e.line}
	if e.Answer != nil {
		d.Answer = *e.Answer
	}
	return d
}

// reviewFile is a parsed review file: entries by question ID, and the IDs
// in file order.
type reviewFile struct {
	entries map[string]reviewEntry
	order   []string
}

// parseReview reads a review file: a mapping of question ID to
// {status: approved|rejected|edited, reason, stem, options, answer
// (0-based), answers and choose (a multi-answer edit), explanation}. Unknown keys are errors, so a typo is not
// silently ignored.
func parseReview(src []byte) (*reviewFile, error) {
	rf := &reviewFile{entries: map[string]reviewEntry{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return rf, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: want a mapping of question ID to decision", root.Line)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var e reviewEntry
		dec := yaml.NewDecoder(bytes.NewReader(mustMarshal(v)))
		dec.KnownFields(true)
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("line %d: %s: %v", k.Line, k.Value, err)
		}
		if _, dup := rf.entries[k.Value]; dup {
			return nil, fmt.Errorf("line %d: %s is reviewed twice", k.Line, k.Value)
		}
		e.line = k.Line
		rf.entries[k.Value] = e
		rf.order = append(rf.order, k.Value)
	}
	return rf, nil
}

// decisions returns the file's entries in file order.
func (rf *reviewFile) decisions() []questions.Decision {
	out := make([]questions.Decision, 0, len(rf.order))
	for _, id := range rf.order {
		out = append(out, rf.entries[id].decision(id))
	}
	return out
}

// set records an entry for id (replacing any).
func (rf *reviewFile) set(id string, e reviewEntry) {
	if _, ok := rf.entries[id]; !ok {
		rf.order = append(rf.order, id)
	}
	rf.entries[id] = e
}

// unset removes id's entry.
func (rf *reviewFile) unset(id string) {
	if _, ok := rf.entries[id]; !ok {
		return
	}
	delete(rf.entries, id)
	for i, x := range rf.order {
		if x == id {
			rf.order = append(rf.order[:i], rf.order[i+1:]...)
			break
		}
	}
}

// reload re-reads the file at path into rf, so that a save does not undo
// what someone else (an admin's /studybot review) wrote meanwhile.
func (rf *reviewFile) reload(path string) error {
	fresh, err := readReview(path)
	if err != nil {
		return err
	}
	*rf = *fresh
	return nil
}

// readReview reads the review file at path; a missing file is an empty
// review.
func readReview(path string) (*reviewFile, error) {
	b, err := readFileLimit(path, maxReviewBytes)
	if errors.Is(err, os.ErrNotExist) {
		return &reviewFile{entries: map[string]reviewEntry{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("review file: %w", err)
	}
	rf, err := parseReview(b)
	if err != nil {
		return nil, fmt.Errorf("review file %s: %w", path, err)
	}
	return rf, nil
}

// save writes the review file atomically (a temp file beside it, then
// rename), entries sorted by ID so that diffs stay small.
func (rf *reviewFile) save(path string) error {
	body, err := yaml.Marshal(rf.entries) // yaml.v3 sorts map keys
	if err != nil {
		return fmt.Errorf("review file: %w", err)
	}
	if len(rf.entries) == 0 {
		body = nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".review-*.yaml")
	if err != nil {
		return fmt.Errorf("review file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	mode := os.FileMode(0o644)  // a team file, kept in git
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	err = tmp.Chmod(mode)
	if err == nil {
		_, err = tmp.WriteString(reviewHeader)
	}
	if err == nil {
		_, err = tmp.Write(body)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("review file: %w", err)
	}
	return nil
}

// applyReview applies the memo's review file (path; "" for none) to the
// bank. Decisions not applied are recorded on the bank as
// "file:line: ID: rule: reason"; a file that cannot be read or parsed is
// an error.
func applyReview(bank *questions.Bank, path string) error {
	if path == "" {
		return nil
	}
	rf, err := readReview(path)
	if err != nil {
		return err
	}
	for _, e := range bank.ApplyReview(rf.decisions()) {
		var re *questions.ReviewError
		if errors.As(e, &re) {
			e = fmt.Errorf("%s:%d: %s: %s: %s", path, re.Line, re.ID, re.Rule, re.Reason)
		}
		bank.ReviewErrors = append(bank.ReviewErrors, e)
	}
	return nil
}

// fileReviewer writes the decisions admins make in chat (/studybot
// review) to the review file, one read-modify-write at a time.
type fileReviewer struct {
	mu   sync.Mutex
	path string
}

// RecordReview sets the question's entry in the review file.
func (f *fileReviewer) RecordReview(d questions.Decision) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	rf, err := readReview(f.path)
	if err != nil {
		return err
	}
	e := reviewEntry{Status: string(d.Verdict), Reason: d.Reason}
	if d.Verdict == questions.Edited { // an edit made on the web page
		answer := d.Answer
		e.Stem, e.Options, e.Answer, e.Explanation = d.Stem, d.Options, &answer, d.Explanation
		e.Answers, e.Choose = d.Answers, d.Choose // a multi-answer edit's set
	}
	rf.set(d.ID, e)
	return rf.save(f.path)
}

// chatReviewer returns what takes chat review decisions: the review file
// at path when it can be written, else nil (the bot keeps them in the
// store, for "questions review --export").
func chatReviewer(path string) bot.ReviewRecorder {
	if path == "" || !writable(path) {
		return nil
	}
	return &fileReviewer{path: path}
}

// writable reports whether path can be replaced by a rename (its
// directory takes a new file) and, when it exists, is not read-only.
func writable(path string) bool {
	probe, err := os.CreateTemp(filepath.Dir(path), ".review-probe-*")
	if err != nil {
		return false
	}
	probe.Close()
	os.Remove(probe.Name())
	if _, err := os.Stat(path); err == nil {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return false
		}
		f.Close()
	}
	return true
}

// exportReviews writes the review decisions kept in the database (made in
// chat while the review file was read-only) as review file entries.
func exportReviews(w io.Writer, db *store.DB) error {
	ds, err := db.ReviewDecisions()
	if err != nil {
		return err
	}
	rf := &reviewFile{entries: map[string]reviewEntry{}}
	for _, d := range ds {
		rf.set(d.QuestionID, reviewEntry{Status: d.Verdict, Reason: d.Reason, Stem: d.Stem, Options: d.Options, Answer: d.Answer,
			Answers: d.Answers, Choose: d.Choose, Explanation: d.Explanation})
	}
	if len(ds) == 0 {
		return nil
	}
	body, err := yaml.Marshal(rf.entries)
	if err != nil {
		return fmt.Errorf("export reviews: %w", err)
	}
	_, err = w.Write(body)
	return err
}
