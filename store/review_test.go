package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestReviewDecisions: a decision replaces the earlier one on its
// question, carries the clock's time, survives reopening (also read-only),
// and a database that never had one reads as empty.
func TestReviewDecisions(t *testing.T) {
	c := newClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.ReviewDecisions(); err != nil || len(got) != 0 {
		t.Fatalf("fresh database: %v %v", got, err)
	}
	for _, r := range []ReviewDecision{
		{QuestionID: "q1", Verdict: "approved", User: "ann"},
		{QuestionID: "q2", Verdict: "approved", User: "ann"},
		{QuestionID: "q2", Verdict: "rejected", Reason: "wrong", User: "ben"},
	} {
		if err := db.PutReviewDecision(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutReviewDecision(ReviewDecision{QuestionID: "", Verdict: "approved"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty ID: %v", err)
	}
	if err := db.PutReviewDecision(ReviewDecision{QuestionID: "q3"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty verdict: %v", err)
	}
	check := func(db *DB) {
		t.Helper()
		got, err := db.ReviewDecisions()
		if err != nil || len(got) != 2 || got[0].QuestionID != "q1" || got[1].Verdict != "rejected" || got[1].User != "ben" || !got[1].At.Equal(c.Now()) {
			t.Errorf("decisions: %+v %v", got, err)
		}
	}
	check(db)
	db.Close()
	ro, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	check(ro)
	if r, err := ro.Check(); err != nil || len(r.Problems) != 0 {
		t.Errorf("check with reviews: %+v %v", r, err)
	}
}
