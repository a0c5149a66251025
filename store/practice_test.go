package store

import (
	"errors"
	"testing"
	"time"
)

func TestPracticeRecord(t *testing.T) {
	for _, p := range []Practice{
		{Space: testSpace, UserID: "U1", QuestionID: "1b79092a3b", Domain: 6, Correct: true, At: time.Date(2027, 1, 4, 12, 0, 0, 123456789, time.UTC)},
		{Space: SpaceRef{Discord, "81234"}, UserID: "99", QuestionID: "q", Domain: -1, At: time.Unix(0, 1).UTC()},
	} {
		got, err := decodePractice(practiceKey(p), encodePractice(p))
		if err != nil || got != p {
			t.Errorf("%+v: decoded %+v %v", p, got, err)
		}
	}
	k := practiceKey(Practice{Space: testSpace, UserID: "U1", QuestionID: "q", At: time.Unix(5, 0)})
	for _, bad := range []struct{ k, v []byte }{
		{k, nil},
		{k, []byte{2, 0, 2}},      // unknown format
		{k, []byte{1, 7, 2}},      // correct neither 0 nor 1
		{k[:8], []byte{1, 0, 2}},  // no space, user or question
		{k, []byte(`{"domain":`)}, // broken JSON of schema 4 and older
		{[]byte("short"), []byte{1, 0, 2}},
	} {
		if _, err := decodePractice(bad.k, bad.v); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%q → %q: %v", bad.k, bad.v, err)
		}
	}
}
