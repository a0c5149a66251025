package store

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// writeV3Fixture makes a database in the schema-3 layout: a closed post
// and an open one whose answers are all in bAnswers (with nanosecond
// times, as schema 3 kept them), and practice answers as JSON under
// user-first keys. It returns the answers and practice answers written.
func writeV3Fixture(t *testing.T, path string) (closedID, openID string, answers []Answer, practice []Practice) {
	t.Helper()
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db, err := Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	db.EnsureSpace(testSpace, "")
	closed := post(t, db, c, c.Now(), "q1", 2)
	open := post(t, db, c, c.Now().Add(time.Hour), "q2", 4)
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		at := c.Now().Add(1234567891 * time.Nanosecond)
		for i, u := range []string{"ann", "ben", "cat"} {
			for _, p := range []Post{closed, open} {
				a := Answer{PostID: p.ID, UserID: u, OptionID: "abcd"[i : i+1], Correct: i == 0, At: at.Add(time.Duration(i) * time.Minute)}
				if err := tx.Bucket(bAnswers).Put(key(p.ID, u), encodeAnswer(a)); err != nil {
					return err
				}
				if err := bump(tx, testSpace, tokyo, p.Question.Domain, u, a.Correct, a.At); err != nil {
					return err
				}
				if err := bumpStats(tx, testSpace, p.Question.Domain, u, a.Correct, a.At); err != nil {
					return err
				}
				answers = append(answers, a)
			}
		}
		for i, u := range []string{"ben", "ann", "ben"} {
			p := Practice{Space: testSpace, UserID: u, QuestionID: "q" + string(rune('5'+i)), Domain: 1 + i, Correct: i != 1,
				At: at.Add(time.Duration(3-i) * time.Hour).UTC()}
			k := key(p.Space.Platform, p.Space.ID, p.UserID, string(putTime(nil, p.At)), p.QuestionID)
			if err := putJSON(tx.Bucket(bPractice), k, p); err != nil {
				return err
			}
			if err := bumpStats(tx, testSpace, p.Domain, u, p.Correct, p.At); err != nil {
				return err
			}
			practice = append(practice, p)
		}
		// the first post closed the schema-3 way: marked, out of the open index
		p, err := getPost(tx, closed.ID)
		if err != nil {
			return err
		}
		p.Closed, p.ClosedAt = true, c.Now().Add(8*time.Hour).UTC()
		if err := putJSON(tx.Bucket(bPosts), []byte(p.ID), p); err != nil {
			return err
		}
		m, err := getPostMeta(tx, closed.ID)
		if err != nil {
			return err
		}
		m.Closed = true
		if err := tx.Bucket(bOpen).Delete(openKey(m.ClosesAt, closed.ID)); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bPostMeta), []byte(closed.ID), m); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keyVersion, putU64(nil, 3))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return closed.ID, open.ID, answers, practice
}

func TestMigrateToSchema5(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v3.db")
	closedID, openID, answers, practice := writeV3Fixture(t, path)
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !strings.Contains(filepath.Base(db.Migrated()), ".v3-") {
		t.Errorf("no backup of the schema-3 file: %q", db.Migrated())
	}
	if r, err := db.Check(); err != nil || r.Answers != len(answers) || r.Practice != len(practice) {
		t.Fatalf("check after migrating: %+v %v", r, err)
	}
	// every answer reads as written, to the millisecond
	for _, want := range answers {
		got, err := db.GetAnswer(want.PostID, want.UserID)
		want.At = want.At.UTC()
		if want.PostID == closedID {
			want.At = want.At.Truncate(time.Millisecond)
		}
		if err != nil || got != want {
			t.Errorf("answer %s/%s: %+v %v, want %+v", want.PostID, want.UserID, got, err, want)
		}
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		for id, archived := range map[string]bool{closedID: true, openID: false} {
			m, _ := getPostMeta(tx, id)
			if (m.Archive != 0) != archived {
				t.Errorf("post %s archived under %d", id, m.Archive)
			}
		}
		return nil
	})
	// practice answers export as written, in time order
	var buf bytes.Buffer
	if err := db.Export(&buf); err != nil {
		t.Fatal(err)
	}
	var got []Practice
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec struct {
			Kind string
			Data Practice
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Kind == "practice" {
			got = append(got, rec.Data)
		}
	}
	want := []Practice{practice[2], practice[1], practice[0]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("practice after migrating:\n got %+v\nwant %+v", got, want)
	}
	// the open post closes the new way; a second practice answer at the same moment is not stored twice
	if _, _, err := db.ClosePost(openID); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordPractice(practice[0]); err != nil {
		t.Fatal(err)
	}
	if r, err := db.Check(); err != nil || r.Answers != len(answers) || r.Practice != len(practice) {
		t.Errorf("check after closing: %+v %v", r, err)
	}
}
