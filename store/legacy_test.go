package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
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

// readAll returns every answer and practice answer, as the export has them.
func readAll(t *testing.T, db *DB) (answers map[string]Answer, practice []Practice) {
	t.Helper()
	var buf bytes.Buffer
	if err := db.Export(&buf); err != nil {
		t.Fatal(err)
	}
	answers = map[string]Answer{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec struct {
			Kind string
			Data json.RawMessage
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		switch rec.Kind {
		case "answer":
			var a Answer
			json.Unmarshal(rec.Data, &a)
			answers[a.PostID+"/"+a.UserID] = a
		case "practice":
			var p Practice
			json.Unmarshal(rec.Data, &p)
			practice = append(practice, p)
		}
	}
	sort.Slice(practice, func(i, j int) bool { return practice[i].At.Before(practice[j].At) })
	return answers, practice
}

func TestMigrateToSchema5(t *testing.T) {
	for _, budget := range []int{20000, 1} {
		t.Run(fmt.Sprintf("budget %d", budget), func(t *testing.T) {
			defer func(b int) { legacyBudget = b }(legacyBudget)
			legacyBudget = budget
			path := filepath.Join(t.TempDir(), "v3.db")
			closedID, openID, answers, practice := writeV3Fixture(t, path)
			want := map[string]Answer{}
			for _, a := range answers {
				a.At = a.At.UTC()
				want[a.PostID+"/"+a.UserID] = a
			}
			sort.Slice(practice, func(i, j int) bool { return practice[i].At.Before(practice[j].At) })
			c := newClock(time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo))
			db, err := Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if !strings.Contains(filepath.Base(db.Migrated()), ".v3-") {
				t.Errorf("no backup of the schema-3 file: %q", db.Migrated())
			}
			// nothing was rewritten: everything reads as it was written
			if r, err := db.Check(); err != nil || r.Answers != len(answers) || r.Practice != len(practice) {
				t.Fatalf("check after migrating: %+v %v", r, err)
			}
			if got, gotP := readAll(t, db); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotP, practice) {
				t.Fatalf("after migrating:\n%+v\n%+v\nwant\n%+v\n%+v", got, gotP, want, practice)
			}
			if a, err := db.GetAnswer(closedID, "ben"); err != nil || a != want[closedID+"/ben"] {
				t.Errorf("answer to the closed post: %+v %v", a, err)
			}
			// closes convert the old records, a batch at a time
			if _, _, err := db.ClosePost(openID); err != nil {
				t.Fatal(err)
			}
			for i := 0; ; i++ {
				var left bool
				db.bolt.View(func(tx *bolt.Tx) error { left = tx.Bucket(bMeta).Get(legacyKey) != nil; return nil })
				if !left {
					break
				}
				if i > 10 {
					t.Fatal("old records left after 10 closes")
				}
				if _, err := db.Check(); err != nil {
					t.Fatalf("check between conversions: %v", err)
				}
				c.Add(time.Hour)
				p := post(t, db, c, c.Now(), "more", 1)
				if _, _, err := db.ClosePost(p.ID); err != nil {
					t.Fatal(err)
				}
			}
			for k, a := range want {
				a.At = a.At.Truncate(time.Millisecond) // as archived
				want[k] = a
			}
			if got, gotP := readAll(t, db); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotP, practice) {
				t.Errorf("after converting:\n%+v\n%+v\nwant\n%+v\n%+v", got, gotP, want, practice)
			}
			db.bolt.View(func(tx *bolt.Tx) error {
				if k, _ := tx.Bucket(bAnswers).Cursor().First(); k != nil {
					t.Errorf("answer %q not archived", k)
				}
				return tx.Bucket(bPractice).ForEach(func(k, v []byte) error {
					if isLegacyPractice(v) {
						t.Errorf("practice %q not converted", k)
					}
					return nil
				})
			})
			// a practice answer recorded again is not stored twice
			if err := db.RecordPractice(practice[0]); err != nil {
				t.Fatal(err)
			}
			if r, err := db.Check(); err != nil || r.Answers != len(answers) || r.Practice != len(practice) {
				t.Errorf("check after converting: %+v %v", r, err)
			}
		})
	}
}
