package store

import (
	"bytes"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// multiSnapshot is a "choose two" snapshot: options a–e, answer b+d.
func multiSnapshot(qid string) Snapshot {
	s := Snapshot{QuestionID: qid, Domain: 1, DomainTitle: "domain 1", Type: "authored", Stem: "stem (2つ選択)",
		AnswerID: "b+d", Explanation: "because", MemoHash: "h"}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		s.Options = append(s.Options, SnapOption{ID: id, Text: "option " + id})
	}
	return s
}

func TestValidChoice(t *testing.T) {
	opts := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		choice, answer string
		ok             bool
	}{
		{"b", "b+d", true}, // a partial set: wrong, not invalid
		{"b+d", "b+d", true},
		{"a+c+e", "b+d", true},
		{"d+b", "b+d", false}, // not canonical
		{"b+b", "b+d", false},
		{"b+z", "b+d", false},
		{"b+", "b+d", false},
		{"", "b+d", false},
		{"b+d", "b", false}, // a set on a single-answer post
		{"z", "b", false},
		{"c", "b", true},
	}
	for _, tt := range tests {
		err := validChoice(tt.choice, opts, tt.answer)
		if (err == nil) != tt.ok || err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("validChoice(%q, answer %q) = %v, want ok %v", tt.choice, tt.answer, err, tt.ok)
		}
	}
}

func TestSnapshotAnswerIDs(t *testing.T) {
	s := multiSnapshot("q")
	if !reflect.DeepEqual(s.AnswerIDs(), []string{"b", "d"}) || s.Choose() != 2 || !s.IsCorrectOption("d") || s.IsCorrectOption("a") {
		t.Errorf("multi snapshot: %v choose %d", s.AnswerIDs(), s.Choose())
	}
	if one := snapshot("q", 1); one.Choose() != 1 || !one.IsCorrectOption("a") {
		t.Errorf("single snapshot: choose %d", one.Choose())
	}
	bad := multiSnapshot("q")
	bad.AnswerID = "d+b"
	if bad.validAnswerKey() {
		t.Error("an unsorted answer set is valid")
	}
}

// TestMultiAnswerRoundTrip: a "choose two" post takes set keys, scores the
// exact set right and a partial one wrong, counts per set and per option,
// and reads the same after the close (archive), through Check, Export and a
// backup.
func TestMultiAnswerRoundTrip(t *testing.T) {
	c := newClock(time.Date(2026, 12, 7, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	ensureChannel(t, db, testSpace, "general")
	bad := multiSnapshot("bad")
	bad.AnswerID = "b+z"
	if _, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: c.Now(), Question: bad, OpenedAt: c.Now(), ClosesAt: c.Now().Add(time.Hour)}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a post whose answer set names an unknown option: %v", err)
	}
	p, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: c.Now(), Question: multiSnapshot("m"),
		OpenedAt: c.Now(), ClosesAt: c.Now().Add(8 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]struct {
		choice string
		right  bool
	}{"ann": {"b+d", true}, "ben": {"b", false}, "cat": {"b+c", false}, "dan": {"b+d", true}}
	for _, u := range []string{"ann", "ben", "cat", "dan"} {
		c.Add(time.Second)
		r, err := db.RecordAnswer(p.ID, u, answers[u].choice)
		if err != nil || r.Answer.Correct != answers[u].right {
			t.Fatalf("%s chose %s: %+v %v", u, answers[u].choice, r, err)
		}
	}
	if _, err := db.RecordAnswer(p.ID, "eve", "d+b"); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unsorted set: %v", err)
	}
	wantCounts := map[string]int{"b+d": 2, "b": 1, "b+c": 1}
	wantOptions := map[string]int{"b": 4, "d": 2, "c": 1}
	read := func() (Results, ItemStat, string) {
		t.Helper()
		r, err := db.PostResults(p.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		items, err := db.ItemStats(ItemQuery{Space: testSpace})
		if err != nil || len(items) != 1 {
			t.Fatalf("items %v %v", items, err)
		}
		var buf bytes.Buffer
		if err := db.Export(&buf); err != nil {
			t.Fatal(err)
		}
		var ans []string
		for _, line := range strings.Split(buf.String(), "\n") {
			if strings.Contains(line, `"kind":"answer"`) {
				ans = append(ans, line)
			}
		}
		return r, items[0], strings.Join(ans, "\n")
	}
	r, it, exp := read()
	if r.Total != 4 || r.Correct != 2 || !reflect.DeepEqual(r.Counts, wantCounts) || !reflect.DeepEqual(r.OptionCounts, wantOptions) {
		t.Errorf("results %+v", r)
	}
	if it.Choose != 2 || it.AnswerID != "b+d" || !reflect.DeepEqual(it.Choices, wantCounts) || !reflect.DeepEqual(it.Options, wantOptions) || it.Correct != 2 {
		t.Errorf("item stat %+v", it)
	}
	if !strings.Contains(exp, `"option_id":"b+c"`) {
		t.Errorf("export lacks the set key:\n%s", exp)
	}
	if _, _, err := db.ClosePost(p.ID); err != nil {
		t.Fatal(err)
	}
	r2, it2, exp2 := read()
	if !reflect.DeepEqual(r, r2) || !reflect.DeepEqual(it, it2) || exp != exp2 {
		t.Errorf("reads changed with the close (archive):\n%+v\n%+v", r, r2)
	}
	if rep, err := db.Check(); err != nil || len(rep.Problems) > 0 {
		t.Fatalf("check: %v %v", rep.Problems, err)
	}
	// a backup opens, checks and reads the same
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.BackupFile(path); err != nil {
		t.Fatal(err)
	}
	bk, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Close()
	if rep, err := bk.Check(); err != nil || len(rep.Problems) > 0 {
		t.Fatalf("backup check: %v %v", rep.Problems, err)
	}
	br, err := bk.PostResults(p.ID, 5)
	if err != nil || !reflect.DeepEqual(br, r) {
		t.Errorf("backup results %+v %v, want %+v", br, err, r)
	}
	if a, err := bk.GetAnswer(p.ID, "cat"); err != nil || a.OptionID != "b+c" || a.Correct {
		t.Errorf("backup answer %+v %v", a, err)
	}
}
