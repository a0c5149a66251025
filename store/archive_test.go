package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestAnswersReadTheSameAfterClose checks that every way of reading a
// post's answers gives the same answers before and after the close moved
// them to the archive.
func TestAnswersReadTheSameAfterClose(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	p := post(t, db, c, c.Now(), "q1", 2)
	empty := post(t, db, c, c.Now().Add(time.Minute), "q2", 3)
	for i, u := range []string{"ann", "ben", "cat", "dan"} {
		c.Add(1234567 * time.Microsecond) // not a whole millisecond
		if _, err := db.RecordAnswer(p.ID, u, []string{"a", "b", "a", "d"}[i]); err != nil {
			t.Fatal(err)
		}
	}
	type reads struct {
		Answers  []Answer
		Results  Results
		Week     []PostAnswers
		Items    []ItemStat
		Ben      Answer
		Exported []string
	}
	read := func() reads {
		t.Helper()
		var r reads
		var err error
		if r.Answers, err = db.PostAnswers(p.ID); err != nil {
			t.Fatal(err)
		}
		if r.Results, err = db.PostResults(p.ID, 3); err != nil {
			t.Fatal(err)
		}
		if r.Week, err = db.ChannelAnswers(testSpace, "general", c.Now().Add(-time.Hour), c.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		for i := range r.Week { // the post itself changes when it closes
			r.Week[i].Post = Post{ID: r.Week[i].Post.ID}
		}
		if r.Items, err = db.ItemStats(ItemQuery{Space: testSpace}); err != nil {
			t.Fatal(err)
		}
		if r.Ben, err = db.GetAnswer(p.ID, "ben"); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := db.Export(&buf); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(buf.String(), "\n") {
			if strings.Contains(line, `"kind":"answer"`) {
				r.Exported = append(r.Exported, line)
			}
		}
		return r
	}
	before := read()
	if len(before.Answers) != 4 || before.Results.Correct != 2 || len(before.Exported) != 4 || before.Ben.At.Nanosecond()%int(time.Millisecond) != 0 {
		t.Fatalf("before the close: %+v", before)
	}
	for _, id := range []string{p.ID, empty.ID} {
		if _, _, err := db.ClosePost(id); err != nil {
			t.Fatal(err)
		}
	}
	if after := read(); !reflect.DeepEqual(before, after) {
		t.Errorf("reads changed with the close:\nbefore %+v\nafter  %+v", before, after)
	}
	// the answers moved: none left among the open posts' answers
	db.bolt.View(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bAnswers).Cursor().First(); k != nil {
			t.Errorf("answer %q left behind", k)
		}
		if n := tx.Bucket(bArchive).Stats().KeyN; n != 5 {
			t.Errorf("archive holds %d keys, want a header and 4 answers", n)
		}
		return nil
	})
	// a second click after the close still finds the first answer
	if r, err := db.RecordAnswer(p.ID, "ann", "b"); !errors.Is(err, ErrAlreadyAnswered) || r.Answer.OptionID != "a" || !r.Answer.Correct {
		t.Errorf("second answer after the close: %+v %v", r, err)
	}
	if _, err := db.GetAnswer(p.ID, "eve"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an answer nobody gave: %v", err)
	}
	if as, err := db.PostAnswers(empty.ID); err != nil || len(as) != 0 {
		t.Errorf("a post without answers: %v %v", as, err)
	}
}

func TestArchivedRecordRoundTrip(t *testing.T) {
	options := []string{"73d406", "0fa1d0", "b8c4cc", "08e6d0"}
	base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for _, a := range []Answer{
		{OptionID: "b8c4cc", Correct: true, At: time.UnixMilli(base).UTC()},
		{OptionID: "08e6d0", At: time.UnixMilli(base + 8*3600*1000 - 1).UTC()},
		{OptionID: "gone", At: time.UnixMilli(base + 5).UTC()}, // not among the options: kept literally
	} {
		a.PostID, a.UserID = "p1", "U1"
		v := encodeArchived(a, base, options)
		got, err := decodeArchived("p1", "U1", base, options, v)
		if err != nil || got != a {
			t.Errorf("%+v: encoded %x, decoded %+v %v", a, v, got, err)
		}
	}
	for _, v := range [][]byte{nil, {0x80}, {1, 9}} {
		if _, err := decodeArchived("p1", "U1", base, options, v); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%x: %v", v, err)
		}
	}
}

// TestArchiveFillsPages closes many posts and checks that the archive's
// pages are nearly full, where the open posts' answers were not.
func TestArchiveFillsPages(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	var liveFill float64
	for day := 0; day < 40; day++ {
		c.Set(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo).AddDate(0, 0, day))
		p := post(t, db, c, c.Now(), fmt.Sprintf("q%d", day), 1+day%6)
		for u := 0; u < 200; u++ {
			c.Add(time.Second)
			if _, err := db.RecordAnswer(p.ID, fmt.Sprintf("U%09d", (u*7919+day*31)%1000), "abcd"[u%4:u%4+1]); err != nil {
				t.Fatal(err)
			}
		}
		if day == 39 {
			db.bolt.View(func(tx *bolt.Tx) error { liveFill = fill(tx.Bucket(bAnswers).Stats()); return nil })
		}
		if _, _, err := db.ClosePost(p.ID); err != nil {
			t.Fatal(err)
		}
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		s := tx.Bucket(bArchive).Stats()
		if f := fill(s); f < 0.85 || f < liveFill+0.1 {
			t.Errorf("archive pages %.0f%% full (%d keys), open answers' %.0f%%", 100*f, s.KeyN, 100*liveFill)
		}
		return nil
	})
}

func fill(s bolt.BucketStats) float64 {
	return float64(s.LeafInuse+s.BranchInuse) / float64(s.LeafAlloc+s.BranchAlloc)
}

func TestCheckFindsArchiveProblems(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	p := post(t, db, c, c.Now(), "q1", 2)
	db.RecordAnswer(p.ID, "ann", "a")
	db.ClosePost(p.ID)
	var m postMeta
	db.bolt.Update(func(tx *bolt.Tx) error {
		m, _ = getPostMeta(tx, p.ID)
		bad := m
		bad.Archive = 99
		return putJSON(tx.Bucket(bPostMeta), []byte(p.ID), bad)
	})
	if r, err := db.Check(); !errors.Is(err, ErrCorrupt) || !strings.Contains(strings.Join(r.Problems, "\n"), "says its answers are under 99") {
		t.Errorf("check missed a post pointing elsewhere: %+v %v", r, err)
	}
	if _, err := db.PostAnswers(p.ID); !errors.Is(err, ErrCorrupt) {
		t.Errorf("reading a missing archive: %v", err)
	}
	if err := db.Export(&bytes.Buffer{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("export of a broken archive: %v", err)
	}
	db.bolt.Update(func(tx *bolt.Tx) error {
		v, _ := json.Marshal(m)
		return tx.Bucket(bPostMeta).Put([]byte(p.ID), v)
	})
}

// BenchmarkItemStatsArchived is BenchmarkItemStats with every post
// closed, its answers read from the archive, as they are in a database
// in use.
func BenchmarkItemStatsArchived(b *testing.B) {
	db := loadUsers(b, filepath.Join(b.TempDir(), "items.db"), 1000, 100)
	defer db.Close()
	open, err := db.OpenPosts()
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range open {
		if _, _, err := db.ClosePost(p.ID); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		got, err := db.ItemStats(ItemQuery{})
		if err != nil || len(got) != 100 || got[0].Answered != 1000 {
			b.Fatalf("%v %d", err, len(got))
		}
	}
}
