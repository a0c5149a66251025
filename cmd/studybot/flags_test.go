package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/store"
)

// seedFlagged stores, in a new database at path, answers that flag bad
// (twelve people; the six who get three other questions right choose b
// on bad, the rest choose its answer a) and ones that make good a fine
// question (the strong get it right), and two reports of reported.
func seedFlagged(t *testing.T, path, bad, good, reported string) {
	t.Helper()
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sp := store.SpaceRef{Platform: store.Console, ID: "team"}
	if _, err := db.EnsureSpace(sp, "UTC"); err != nil {
		t.Fatal(err)
	}
	if err := db.PutChannel(store.Channel{Space: sp, ID: "general", Cron: "0 9 * * *", TZ: "UTC", Lang: "ja"}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i, id := range []string{"seed-1", "seed-2", "seed-3", bad, good} {
		s := store.Snapshot{QuestionID: id, Domain: 1, Type: "cloze", Stem: id, AnswerID: "a"}
		for _, o := range []string{"a", "b", "c", "d"} {
			s.Options = append(s.Options, store.SnapOption{ID: o, Text: o})
		}
		p, err := db.CreatePost(store.Post{Space: sp, Channel: "general", Slot: now.Add(time.Duration(-i-1) * time.Hour),
			Question: s, OpenedAt: now, ClosesAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		for u := range 12 {
			opt := "a"
			if (u < 6) == (id == bad) {
				opt = "b"
			}
			if _, err := db.RecordAnswer(p.ID, fmt.Sprintf("u%02d", u), opt); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, u := range []string{"ann", "ben"} {
		if _, err := db.ReportQuestion(sp, store.Report{QuestionID: reported, User: u}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestQuestionsReviewFlagged: --only flagged lists the questions the
// answers flag (until approved in the review file) and the ones reported
// twice (even when approved), never a question with good figures.
func TestQuestionsReviewFlagged(t *testing.T) {
	dir := t.TempDir()
	memo := copyMemo(t, dir, "go-plain.md")
	recs := exportRecords(t, "--memo", memo)
	bad, good, reported := recs[0].ID, recs[1].ID, recs[2].ID
	dbPath := filepath.Join(dir, "studybot.db")
	seedFlagged(t, dbPath, bad, good, reported)
	review := func() string {
		var out, errb bytes.Buffer
		if code := run([]string{"questions", "review", "--memo", memo, "--db", dbPath, "--only", "flagged"}, strings.NewReader("s\ns\ns\n"), &out, &errb, noEnv); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	out := review()
	if !strings.Contains(out, "/2  "+bad) || !strings.Contains(out, "/2  "+reported) || strings.Contains(out, good) {
		t.Errorf("--only flagged:\n%s", out)
	}
	rfile := filepath.Join(dir, "exam.review.yaml")
	if err := os.WriteFile(rfile, []byte(bad+":\n  status: approved\n"+reported+":\n  status: approved\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = review()
	if strings.Contains(out, bad) || !strings.Contains(out, "1/1  "+reported) {
		t.Errorf("--only flagged after approving both:\n%s", out)
	}
}

// TestQuestionsStats: questions stats prints one line per question posted
// or reported, with its figures and flags, and marks questions the memo no
// longer has.
func TestQuestionsStats(t *testing.T) {
	dir := t.TempDir()
	memo := copyMemo(t, dir, "go-plain.md")
	recs := exportRecords(t, "--memo", memo)
	bad, good, reported := recs[0].ID, recs[1].ID, recs[2].ID
	dbPath := filepath.Join(dir, "studybot.db")
	seedFlagged(t, dbPath, bad, good, reported)
	var out, errb bytes.Buffer
	if code := run([]string{"questions", "stats", "--memo", memo, "--db", dbPath}, strings.NewReader(""), &out, &errb, noEnv); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n")[1:] {
		f := strings.Fields(l)
		lines[f[0]] = f
	}
	// fields: ID POSTED ANSWERED CORRECT DISCRIM (N) CHOICES… REPORTS FLAGS
	want := map[string]string{
		bad:      "1 12 50% -1.00 (12) a*:6 b:6 0 negative-discrimination,distractor-beats-answer",
		good:     "1 12 50% +1.00 (12) a*:6 b:6 0 -",
		reported: "0 0 - - (0) 2 reported",
		"seed-1": "1 12 50% +1.00 (12) a*:6 b:6 0 gone",
	}
	for id, w := range want {
		if got := strings.Join(lines[id][1:], " "); got != w {
			t.Errorf("%s: %q, want %q\n%s", id, got, w, out.String())
		}
	}
	if len(lines) != 6 {
		t.Errorf("%d lines, want 6 (three seeds, bad, good, reported):\n%s", len(lines), out.String())
	}
	if code := run([]string{"questions", "stats", "--db", filepath.Join(dir, "none.db")}, strings.NewReader(""), &out, &errb, noEnv); code != 1 {
		t.Errorf("a missing database: exit %d", code)
	}
}
