package store

import (
	"errors"
	"testing"
	"time"
)

// TestChoiceKeys: a post of a question with more than one answer keeps the
// correct set's choice key as its answer; an answer is a choice key too,
// right exactly when it equals that, and refused when it names an option
// the post lacks. Results count answers by choice key.
func TestChoiceKeys(t *testing.T) {
	c := newClock(time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	if _, err := db.EnsureSpace(testSpace, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	ensureChannel(t, db, testSpace, "general")
	s := snapshot("q-multi", 1)
	s.AnswerID = "a+c"
	p, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: c.Now(), Question: s, OpenedAt: c.Now(), ClosesAt: c.Now().Add(8 * time.Hour)})
	if err != nil {
		t.Fatalf("a post whose answer is a set: %v", err)
	}
	bad := snapshot("q-bad", 1)
	bad.AnswerID = "a+z"
	if _, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: c.Now().Add(time.Hour), Question: bad, OpenedAt: c.Now(), ClosesAt: c.Now().Add(8 * time.Hour)}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a set naming an unknown option: %v", err)
	}
	for _, tc := range []struct {
		user, key string
		correct   bool
		err       error
	}{
		{"u1", "a+c", true, nil},
		{"u2", "a+b", false, nil},
		{"u3", "a+z", false, ErrInvalid},
		{"u4", "", false, ErrInvalid},
		{"u1", "b+d", true, ErrAlreadyAnswered}, // the first answer stands
	} {
		rec, err := db.RecordAnswer(p.ID, tc.user, tc.key)
		if !errors.Is(err, tc.err) || tc.err == nil && rec.Answer.Correct != tc.correct || errors.Is(err, ErrAlreadyAnswered) && rec.Answer.OptionID != "a+c" {
			t.Errorf("%s %q: %+v, %v", tc.user, tc.key, rec.Answer, err)
		}
	}
	r, err := db.PostResults(p.ID, 5)
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 2 || r.Correct != 1 || r.Counts["a+c"] != 1 || r.Counts["a+b"] != 1 || len(r.FirstCorrect) != 1 {
		t.Errorf("results %+v", r)
	}
}
