package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// TestPrintStatsMulti: a choose-two question's CHOICES column counts each
// option of every chosen set (store.ItemStat.Options) with both correct
// options starred, then the counts by set with the correct set starred; a
// single-answer question's stays by option ID.
func TestPrintStatsMulti(t *testing.T) {
	stats := []store.ItemStat{
		{QuestionID: "m1", AnswerID: "a+c", Choose: 2, Posted: 1, Answered: 5, Correct: 3, Difficulty: 0.6,
			Choices: map[string]int{"a+c": 3, "a+b": 2}, Options: map[string]int{"a": 5, "b": 2, "c": 3}},
		{QuestionID: "s1", AnswerID: "a", Choose: 1, Posted: 1, Answered: 2, Correct: 1, Difficulty: 0.5,
			Choices: map[string]int{"a": 1, "b": 1}, Options: map[string]int{"a": 1, "b": 1}},
	}
	var out bytes.Buffer
	printStats(&out, stats, &questions.Bank{})
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n")[1:] {
		f := strings.Fields(l)
		lines[f[0]] = strings.Join(f[1:], " ")
	}
	want := map[string]string{
		"m1": "1 5 60% - (0) a*:5 b:2 c*:3 a+b:2 a+c*:3 0 gone",
		"s1": "1 2 50% - (0) a*:1 b:1 0 gone",
	}
	for id, w := range want {
		if lines[id] != w {
			t.Errorf("%s: %q, want %q\n%s", id, lines[id], w, out.String())
		}
	}
}

// TestExistingQuestionsMulti: the questions a draft must not repeat carry
// a choose-two question's whole correct set as its answer, not one option.
func TestExistingQuestionsMulti(t *testing.T) {
	bank := bottest.MultiBank(t)
	ex, err := existingQuestions(bank, filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	q := bank.Questions[0]
	var want []string
	for _, i := range q.CorrectIndexes() {
		want = append(want, q.Options[i].Text)
	}
	if len(ex) == 0 || ex[0].Stem != q.Stem || ex[0].Answer != strings.Join(want, " + ") {
		t.Errorf("existing %+v, want the answer %q", ex[0], strings.Join(want, " + "))
	}
}

// TestEditMultiReviewFile: an edit that makes a question choose-two keeps
// its answers and choose in the review file, and in the store's decision
// and its export, so that the next load applies a multi-answer question.
func TestEditMultiReviewFile(t *testing.T) {
	dir := t.TempDir()
	rfile := filepath.Join(dir, "exam.review.yaml")
	d := questions.Decision{ID: "eeee", Verdict: questions.Edited, Stem: "Choose two.", Options: []string{"a", "b", "c", "d", "e"},
		Answer: 1, Answers: []int{1, 3}, Choose: 2, Explanation: "why"}
	if err := (&fileReviewer{path: rfile}).RecordReview(d); err != nil {
		t.Fatal(err)
	}
	rf, err := readReview(rfile)
	if err != nil {
		t.Fatal(err)
	}
	if got := rf.entries["eeee"].decision("eeee"); got.Choose != 2 || len(got.Answers) != 2 || got.Answers[0] != 1 || got.Answers[1] != 3 {
		t.Errorf("review file entry: %+v, want answers [1 3] choose 2", got)
	}
	dbPath := filepath.Join(dir, "studybot.db")
	db, err := store.Open(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	one := 1
	if err := db.PutReviewDecision(store.ReviewDecision{QuestionID: "ffff", Verdict: "edited", Stem: "s", Options: []string{"v", "w", "x", "y", "z"},
		Answer: &one, Answers: []int{1, 4}, Choose: 2, Explanation: "e", User: "adm"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errs := runCmd(t, "questions", "review", "--export", "--db", dbPath)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	got, err := parseReview([]byte(out))
	if e := got.entries["ffff"]; err != nil || e.Choose != 2 || len(e.Answers) != 2 || e.Answers[1] != 4 {
		t.Errorf("export:\n%s\n%+v %v", out, got, err)
	}
}

// TestLintMultiPositions: "questions lint" says how many choose-N
// questions the correct answer positions leave out (they have no one
// position), so that the positions need not add up to the total.
func TestLintMultiPositions(t *testing.T) {
	bank := bottest.MultiBank(t)
	var out bytes.Buffer
	printLint(&out, bank, "")
	want := fmt.Sprintf("correct answer position: A 0, B 0, C 0, D 0 (%d choose-N questions left out: no one position)\n", len(bank.Questions))
	if !strings.Contains(out.String(), want) {
		t.Errorf("lint lacks %q:\n%s", want, out.String())
	}
}

// TestShowMarksEveryAnswer: "questions show" stars every correct option of
// a choose-two question (an authored question's explanation need not name
// them) and no other.
func TestShowMarksEveryAnswer(t *testing.T) {
	q := bottest.MultiBank(t).Questions[0]
	var out bytes.Buffer
	printQuestion(&out, q)
	for i, o := range q.Options {
		line := "  " + questions.Letter(i) + ". " + o.Text + "\n"
		if q.IsCorrectIndex(i) {
			line = "* " + questions.Letter(i) + ". " + o.Text + "\n"
		}
		if !strings.Contains(out.String(), line) {
			t.Errorf("show lacks %q:\n%s", line, out.String())
		}
	}
}
