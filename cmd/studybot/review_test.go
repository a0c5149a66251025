package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// copyMemo copies a test memo of the questions package into dir.
func copyMemo(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "questions", "testdata", "memos", name))
	if err != nil {
		t.Fatal(err)
	}
	memo := filepath.Join(dir, "exam.md")
	if err := os.WriteFile(memo, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return memo
}

// exportRecords runs "questions export" and returns the records.
func exportRecords(t *testing.T, args ...string) []exportRecord {
	t.Helper()
	code, out, errs := runCmd(t, append([]string{"questions", "export"}, args...)...)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	var recs []exportRecord
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatalf("export: %v", err)
	}
	return recs
}

// TestReviewFile: the review file beside the memo rejects, approves and
// edits questions; entries lint cannot apply are named by file, line and
// rule; --review names another file; a malformed file is a clear error.
func TestReviewFile(t *testing.T) {
	dir := t.TempDir()
	memo := copyMemo(t, dir, "go-plain.md")
	recs := exportRecords(t, "--memo", memo)
	if len(recs) < 3 {
		t.Fatalf("want 3+ questions, got %d", len(recs))
	}
	a, r, e := recs[0], recs[1], recs[2]
	rfile := filepath.Join(dir, "exam.review.yaml")
	tests := []struct {
		name   string
		file   string
		code   int
		out    []string // in lint's output
		errOut string   // in lint's stderr
		check  func(t *testing.T, recs []exportRecord)
	}{
		{"approve and reject", a.ID + ":\n  status: approved\n" + r.ID + ":\n  status: rejected\n  reason: wrong fact\n", 0, nil, "", func(t *testing.T, got []exportRecord) {
			if len(got) != len(recs)-1 {
				t.Errorf("want %d questions, got %d", len(recs)-1, len(got))
			}
			for _, x := range got {
				if x.ID == r.ID {
					t.Errorf("rejected question exported")
				}
				if x.Approved != (x.ID == a.ID) {
					t.Errorf("%s approved=%v", x.ID, x.Approved)
				}
			}
		}},
		{"edit", e.ID + ":\n  status: edited\n  explanation: チームの説明。\n", 0, nil, "", func(t *testing.T, got []exportRecord) {
			for _, x := range got {
				if x.ID == e.ID && (!x.Approved || !strings.Contains(x.Explanation, "チームの説明。")) {
					t.Errorf("edit not applied: %+v", x)
				}
			}
		}},
		{"gone and refused", "# c\n" + a.ID + ":\n  status: approved\n0000000000:\n  status: approved\n" + e.ID + ":\n  status: edited\n  stem: 次のうち誤っているものはどれですか？\n", 1,
			[]string{"exam.review.yaml:4: 0000000000: unknown-id", "exam.review.yaml:6: " + e.ID + ": negative-stem"}, "2 review decisions not applied", nil},
		{"typo", a.ID + ":\n  stauts: approved\n", 1, nil, "stauts", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.WriteFile(rfile, []byte(tt.file), 0o644)
			code, out, errs := runCmd(t, "questions", "lint", "--memo", memo)
			if code != tt.code || !strings.Contains(errs, tt.errOut) {
				t.Fatalf("lint: exit %d (want %d)\n%s\n%s", code, tt.code, out, errs)
			}
			for _, s := range tt.out {
				if !strings.Contains(out, s) {
					t.Errorf("lint output lacks %q:\n%s", s, out)
				}
			}
			if tt.check != nil {
				tt.check(t, exportRecords(t, "--memo", memo))
			}
		})
	}
	// --review names another file; the one beside the memo is then not read
	other := filepath.Join(dir, "other.yaml")
	os.WriteFile(other, []byte(r.ID+":\n  status: rejected\n  reason: ambiguous\n"), 0o644)
	os.WriteFile(rfile, []byte("garbage: [\n"), 0o644)
	if got := exportRecords(t, "--memo", memo, "--review", other); len(got) != len(recs)-1 {
		t.Errorf("--review: want %d questions, got %d", len(recs)-1, len(got))
	}
}

// TestReviewFileRoundTrip: what save writes, parseReview reads back, in ID
// order, with the line of each entry.
func TestReviewFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.yaml")
	rf := &reviewFile{entries: map[string]reviewEntry{}}
	two := 2
	rf.set("bbbb", reviewEntry{Status: "rejected", Reason: "wrong: fact"})
	rf.set("aaaa", reviewEntry{Status: "edited", Options: []string{"x", "y", "z"}, Answer: &two})
	rf.set("cccc", reviewEntry{Status: "approved"})
	rf.unset("cccc")
	if err := rf.save(path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("review file mode: %v %v", fi.Mode(), err)
	}
	got, err := readReview(path)
	if err != nil {
		t.Fatal(err)
	}
	ds := got.decisions()
	if len(ds) != 2 || ds[0].ID != "aaaa" || ds[0].Answer != 2 || len(ds[0].Options) != 3 || ds[1].Reason != "wrong: fact" || ds[0].Line >= ds[1].Line || ds[0].Line < 3 {
		t.Errorf("round trip: %+v", ds)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".review-*")); len(m) != 0 {
		t.Errorf("temp files left: %v", m)
	}
}

// TestChatReviewFile: decisions made in chat go to the review file beside
// the memo when it can be written (keeping its other entries), else to
// the store, from which "questions review --export" prints them as review
// file entries.
func TestChatReviewFile(t *testing.T) {
	dir := t.TempDir()
	memo := filepath.Join(dir, "exam.md")
	rfile := filepath.Join(dir, "exam.review.yaml")
	os.WriteFile(rfile, []byte("aaaa:\n  status: approved\n"), 0o644)
	bc := botConfig(Config{Memo: memo}, nil, nil, nil, nil)
	fr, ok := bc.Reviews.(*fileReviewer)
	if !ok || fr.path != rfile {
		t.Fatalf("bot config takes chat reviews into %#v", bc.Reviews)
	}
	if err := bc.Reviews.RecordReview(questions.Decision{ID: "bbbb", Verdict: questions.Rejected, Reason: "wrong in chat"}); err != nil {
		t.Fatal(err)
	}
	rf, err := readReview(rfile)
	if err != nil || len(rf.entries) != 2 || rf.entries["aaaa"].Status != "approved" || rf.entries["bbbb"].Reason != "wrong in chat" {
		t.Fatalf("review file after a chat decision: %+v %v", rf, err)
	}
	if bc := botConfig(Config{}, nil, nil, nil, nil); bc.Reviews != nil {
		t.Errorf("the bundled memo without --review has a review file: %#v", bc.Reviews)
	}
	if r := chatReviewer(filepath.Join(dir, "gone", "exam.review.yaml")); r != nil {
		t.Errorf("a review file in a missing directory taken for chat reviews")
	}
	if os.Getuid() != 0 { // root writes anyway
		os.Chmod(rfile, 0o444)
		if r := chatReviewer(rfile); r != nil {
			t.Errorf("a read-only review file taken for chat reviews")
		}
	}

	dbPath := filepath.Join(dir, "studybot.db")
	db, err := store.Open(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.PutReviewDecision(store.ReviewDecision{QuestionID: "cccc", Verdict: "approved", User: "adm"})
	db.PutReviewDecision(store.ReviewDecision{QuestionID: "dddd", Verdict: "rejected", Reason: "rejected in chat by adm", User: "adm"})
	db.Close()
	code, out, errs := runCmd(t, "questions", "review", "--export", "--db", dbPath)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	got, err := parseReview([]byte(out))
	if err != nil || len(got.entries) != 2 || got.entries["cccc"].Status != "approved" || got.entries["dddd"].Reason != "rejected in chat by adm" {
		t.Errorf("export:\n%s\n%+v %v", out, got, err)
	}
}

// TestWebEditReviewFile: an edit made on the web page goes to the review
// file with its new text, and an edit kept in the store is exported with
// it, so that the next load applies it.
func TestWebEditReviewFile(t *testing.T) {
	dir := t.TempDir()
	rfile := filepath.Join(dir, "exam.review.yaml")
	fr := &fileReviewer{path: rfile}
	d := questions.Decision{ID: "eeee", Verdict: questions.Edited, Stem: "new stem", Options: []string{"a", "b", "c"}, Answer: 2, Explanation: "why"}
	if err := fr.RecordReview(d); err != nil {
		t.Fatal(err)
	}
	rf, err := readReview(rfile)
	if err != nil {
		t.Fatal(err)
	}
	if got := rf.entries["eeee"].decision("eeee"); got.Verdict != questions.Edited || got.Stem != "new stem" || len(got.Options) != 3 || got.Answer != 2 || got.Explanation != "why" {
		t.Errorf("review file entry: %+v", got)
	}
	// a multi-answer edit keeps its answers and choose, and no answer
	multi := questions.Decision{ID: "mmmm", Verdict: questions.Edited, Stem: "s (choose two)", Options: []string{"a", "b", "c", "d"}, Answers: []int{1, 3}, Choose: 2}
	if err := fr.RecordReview(multi); err != nil {
		t.Fatal(err)
	}
	if rf, err = readReview(rfile); err != nil {
		t.Fatal(err)
	}
	if e := rf.entries["mmmm"]; e.Answer != nil || !slices.Equal(e.Answers, []int{1, 3}) || e.Choose != 2 {
		t.Errorf("multi-answer entry: %+v", e)
	}
	dbPath := filepath.Join(dir, "studybot.db")
	db, err := store.Open(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	two := 2
	db.PutReviewDecision(store.ReviewDecision{QuestionID: "ffff", Verdict: "edited", Stem: "s", Options: []string{"x", "y", "z"}, Answer: &two, Explanation: "e", User: "adm"})
	db.PutReviewDecision(store.ReviewDecision{QuestionID: "gggg", Verdict: "edited", Options: []string{"w", "x", "y", "z"}, Answers: []int{0, 2}, Choose: 2, User: "adm"})
	db.Close()
	code, out, errs := runCmd(t, "questions", "review", "--export", "--db", dbPath)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	got, err := parseReview([]byte(out))
	if e := got.entries["ffff"]; err != nil || e.Status != "edited" || e.Stem != "s" || len(e.Options) != 3 || e.Answer == nil || *e.Answer != 2 || e.Explanation != "e" {
		t.Errorf("export:\n%s\n%+v %v", out, got, err)
	}
	if e := got.entries["gggg"]; e.Answer != nil || !slices.Equal(e.Answers, []int{0, 2}) || e.Choose != 2 {
		t.Errorf("multi-answer export:\n%s", out)
	}
}
