package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// screen collects what the program writes to the terminal.
type screen struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	mark int // where the next wait starts looking
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// waitFor waits until want appears after the last match, and moves past it.
func (s *screen) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.Lock()
		i := strings.Index(s.buf.String()[s.mark:], want)
		if i >= 0 {
			s.mark += i + len(want)
			s.mu.Unlock()
			return
		}
		text := s.buf.String()
		s.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("the terminal never showed %q; it shows:\n%s", want, text)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestQuestionsReviewTerminal drives "questions review" through a pseudo
// terminal as a person would: single keys, a reason typed as a line, an
// edit in $EDITOR (refused by a rule, then accepted), undo, quit; the
// review file holds every decision as soon as it is made.
func TestQuestionsReviewTerminal(t *testing.T) {
	if _, err := exec.LookPath("stty"); err != nil {
		t.Skip("no stty")
	}
	dir := t.TempDir()
	memo := copyMemo(t, dir, "go-plain.md")
	recs := exportRecords(t, "--memo", memo, "--top", "3")
	q1, q2, q3 := recs[0].ID, recs[1].ID, recs[2].ID
	// $EDITOR: the first edit makes a negative stem (refused), the second
	// restores the question and adds an explanation.
	editor := filepath.Join(dir, "ed.sh")
	os.WriteFile(editor, []byte(`#!/bin/sh
if [ ! -f "`+dir+`/orig" ]; then
  cp "$1" "`+dir+`/orig"
  sed -i 's/^stem: .*/stem: 次のうち誤っているものはどれですか？/' "$1"
else
  cp "`+dir+`/orig" "$1"
  sed -i 's/^explanation: .*/explanation: チームの説明/' "$1"
fi
`), 0o755)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	scr := &screen{}
	copied := make(chan struct{})
	go func() { defer close(copied); io.Copy(scr, ptmx) }()
	rfile := filepath.Join(dir, "exam.review.yaml")
	getenv := func(k string) string {
		if k == "EDITOR" {
			return editor
		}
		return ""
	}
	before, err := stty(tty, "-g")
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"questions", "review", "--memo", memo}, tty, tty, &errb, getenv) }()
	key := func(s string) {
		t.Helper()
		if _, err := ptmx.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	file := func() string {
		b, _ := os.ReadFile(rfile)
		return string(b)
	}
	prompt := "[q]uit > "

	scr.waitFor(t, "1/"+strconv.Itoa(len(exportRecords(t, "--memo", memo))))
	scr.waitFor(t, prompt)
	key("a")
	scr.waitFor(t, "approved "+q1+" (saved)")
	if f := file(); !strings.Contains(f, q1+":\n    status: approved") {
		t.Fatalf("after approve the file holds:\n%s", f)
	}
	// an admin decides in chat meanwhile: the next save keeps it
	if err := (&fileReviewer{path: rfile}).RecordReview(questions.Decision{ID: "fromchat00", Verdict: questions.Approved}); err != nil {
		t.Fatal(err)
	}

	scr.waitFor(t, q2)
	scr.waitFor(t, prompt)
	key("r")
	scr.waitFor(t, "reason: ")
	key("the memo is wrong here\n")
	scr.waitFor(t, "rejected "+q2+" (saved)")
	if f := file(); !strings.Contains(f, q2+":\n    status: rejected\n    reason: the memo is wrong here") {
		t.Fatalf("after reject the file holds:\n%s", f)
	}

	scr.waitFor(t, q3)
	scr.waitFor(t, prompt)
	key("e")
	scr.waitFor(t, "not edited: negative-stem")
	scr.waitFor(t, prompt)
	key("e")
	scr.waitFor(t, "edited "+q3+" (saved)")
	if f := file(); !strings.Contains(f, q3+":\n    status: edited") || !strings.Contains(f, "explanation: チームの説明") {
		t.Fatalf("after edit the file holds:\n%s", f)
	}

	scr.waitFor(t, prompt)
	key("u")
	scr.waitFor(t, "undone: "+q3+" (saved)")
	scr.waitFor(t, q3) // back on the question undone
	scr.waitFor(t, prompt)
	key("q")
	scr.waitFor(t, "quit: 1 approved, 1 rejected, 1 edited, 0 skipped")
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("review did not return after q")
	}
	// Ctrl-C quits too, and the terminal is given back as it was
	go func() { done <- run([]string{"questions", "review", "--memo", memo}, tty, tty, &errb, getenv) }()
	scr.waitFor(t, prompt)
	key("\x03")
	scr.waitFor(t, "quit: 0 approved")
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after Ctrl-C: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("review did not return after Ctrl-C")
	}
	if after, _ := stty(tty, "-g"); after != before {
		t.Errorf("terminal not restored: %q, was %q", after, before)
	}
	tty.Close()
	ptmx.Close()
	<-copied

	rf, err := readReview(rfile)
	if err != nil {
		t.Fatal(err)
	}
	if len(rf.entries) != 3 || rf.entries["fromchat00"].Status != "approved" || rf.entries[q1].Status != "approved" || rf.entries[q2].Reason != "the memo is wrong here" {
		t.Errorf("review file: %+v", rf.entries)
	}
	if _, ok := rf.entries[q3]; ok {
		t.Errorf("undone edit still in the file")
	}
	// the bot then ships neither the rejected question nor loses the approval
	for _, r := range exportRecords(t, "--memo", memo) {
		if r.ID == q2 || r.Approved != (r.ID == q1) {
			t.Errorf("after review: %s approved=%v", r.ID, r.Approved)
		}
	}
}

// TestQuestionsReviewPiped: off a terminal the flow reads one key per
// line; --only new skips decided questions; the bundled memo needs
// --review; a bad --only is a usage error.
func TestQuestionsReviewPiped(t *testing.T) {
	dir := t.TempDir()
	memo := copyMemo(t, dir, "go-plain.md")
	recs := exportRecords(t, "--memo", memo)
	recs = exportRecords(t, "--memo", memo, "--top", strconv.Itoa(len(recs))) // in draw order
	rfile := filepath.Join(dir, "exam.review.yaml")
	os.WriteFile(rfile, []byte(recs[0].ID+":\n  status: approved\n"), 0o644)
	review := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(append([]string{"questions", "review"}, args...), strings.NewReader(stdin), &out, &errb, noEnv)
		return code, out.String(), errb.String()
	}
	code, out, errs := review("s\na\n", "--memo", memo, "--only", "new")
	if code != 0 || strings.Contains(out, recs[0].ID) || !strings.Contains(out, "1/"+strconv.Itoa(len(recs)-1)) ||
		!strings.Contains(out, "approved "+recs[2].ID) || !strings.Contains(out, "quit: 1 approved, 0 rejected, 0 edited, 1 skipped") {
		t.Errorf("--only new: exit %d\n%s\n%s", code, out, errs)
	}
	if f, _ := os.ReadFile(rfile); !strings.Contains(string(f), recs[2].ID+":\n    status: approved") || !strings.Contains(string(f), recs[0].ID) {
		t.Errorf("review file:\n%s", f)
	}
	if code, _, errs := review("q\n"); code != 2 || !strings.Contains(errs, "--review") {
		t.Errorf("bundled memo without --review: exit %d, %q", code, errs)
	}
	if code, _, errs := review("q\n", "--memo", memo, "--only", "old"); code != 2 || !strings.Contains(errs, "--only") {
		t.Errorf("--only old: exit %d, %q", code, errs)
	}
}

// TestQuestionsReviewReported: --only reported and --only flagged read
// the /reports of every space in the database, most reported first.
func TestQuestionsReviewReported(t *testing.T) {
	dir := t.TempDir()
	memo := copyMemo(t, dir, "go-plain.md")
	recs := exportRecords(t, "--memo", memo)
	once, twice := recs[0].ID, recs[1].ID
	dbPath := filepath.Join(dir, "studybot.db")
	db, err := store.Open(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	sp := store.SpaceRef{Platform: store.Console, ID: "team"}
	if _, err := db.EnsureSpace(sp, "UTC"); err != nil {
		t.Fatal(err)
	}
	if err := db.PutChannel(store.Channel{Space: sp, ID: "general", Cron: "0 9 * * *", TZ: "UTC", Lang: "ja"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []store.Report{{QuestionID: once, User: "ann"}, {QuestionID: twice, User: "ann"}, {QuestionID: twice, User: "ben"}} {
		if _, err := db.ReportQuestion(sp, r); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	review := func(only string) string {
		var out, errb bytes.Buffer
		if code := run([]string{"questions", "review", "--memo", memo, "--db", dbPath, "--only", only}, strings.NewReader("s\ns\n"), &out, &errb, noEnv); code != 0 {
			t.Fatalf("--only %s: exit %d: %s", only, code, errb.String())
		}
		return out.String()
	}
	if out := review("reported"); !strings.Contains(out, "1/2  "+twice) || !strings.Contains(out, "2/2  "+once) {
		t.Errorf("--only reported:\n%s", out)
	}
	if out := review("flagged"); !strings.Contains(out, "1/1  "+twice) || strings.Contains(out, once) {
		t.Errorf("--only flagged:\n%s", out)
	}
}
