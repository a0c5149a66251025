package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// boardsOf reads every user's points and accuracy rows on every board of
// domains 1–3 and all, and the domain accuracy.
func boardsOf(t *testing.T, db *DB, users []string) string {
	t.Helper()
	var sb strings.Builder
	for _, w := range Windows {
		for _, dom := range []int{AllDomains, 1, 2, 3} {
			for _, u := range users {
				b, err := db.Leaderboard(testSpace, dom, w, 3, u)
				if err != nil {
					t.Fatal(err)
				}
				a, err := db.AccuracyBoard(testSpace, dom, w, 3, u)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&sb, "%s/%d %s: %+v %+v %d | %+v %+v %d\n", w, dom, u, b.Rows, b.Me, b.Players, a.Rows, a.Me, a.Players)
			}
		}
	}
	acc, err := db.DomainAccuracy(testSpace)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(&sb, acc)
	return sb.String()
}

// TestMigrateFromSchema3 makes a schema-3 database (the same answers
// without the rank blocks, the accuracy index and the domain sums), opens
// it, and checks that the migration built the indexes so that every board
// reads exactly as on a database that kept them from the first answer, and
// that store check agrees. Blocks are tiny so that the rebuilt indexes have
// many.
func TestMigrateFromSchema3(t *testing.T) {
	tinyBlocks(t, 4, 2, 3)
	dir := t.TempDir()
	path := filepath.Join(dir, "v3.db")
	c := newClock(time.Date(2026, 11, 23, 9, 0, 0, 0, tokyo))
	db, err := Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	db.EnsureSpace(testSpace, "")
	users := []string{"ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal"}
	for day := 0; day < 12; day++ {
		c.Set(time.Date(2026, 11, 23+day, 9, 0, 0, 0, tokyo))
		p := post(t, db, c, c.Now(), fmt.Sprintf("q%d", day), 1+day%3)
		for i, u := range users {
			if (i+day)%5 == 0 {
				continue
			}
			c.Add(time.Duration(i%3) * time.Second) // some answer in the same instant
			if _, err := db.RecordAnswer(p.ID, u, []string{"a", "b", "a", "c"}[(i*day+i)%4]); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := boardsOf(t, db, users)
	if a, _ := db.AccuracyBoard(testSpace, AllDomains, All, 10, ""); a.Players < len(users) {
		t.Fatal("the fixture puts nobody on an accuracy board")
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bRankBlocks, bAccRanks, bAccBlocks, bDomainSums} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keyVersion, putU64(nil, 3))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(path, &Options{Now: c.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if b := db.Migrated(); !strings.HasPrefix(filepath.Base(b), "v3.db.v3-") {
		t.Errorf("no backup before migrating: %q", b)
	}
	if r, err := db.Check(); err != nil {
		t.Fatalf("check after migration: %v %v", err, r.Problems)
	}
	if got := boardsOf(t, db, users); got != want {
		t.Errorf("boards after migration differ:\n%s\nwant:\n%s", got, want)
	}
	// the migrated indexes keep working as answers arrive
	c.Add(time.Hour)
	p := post(t, db, c, c.Now(), "late", 2)
	for _, u := range users {
		if _, err := db.RecordAnswer(p.ID, u, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := db.Check(); err != nil {
		t.Fatalf("check after answers: %v %v", err, r.Problems)
	}
}

// TestCheckFindsBoardIndexDamage breaks each schema-4 index in turn and
// expects store check to say so.
func TestCheckFindsBoardIndexDamage(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		damage     func(tx *bolt.Tx) error
	}{
		{"block count", "block", func(tx *bolt.Tx) error {
			k, v := tx.Bucket(bRankBlocks).Cursor().First()
			return tx.Bucket(bRankBlocks).Put(append([]byte(nil), k...), putU64(nil, getU64(v)+1))
		}},
		{"accuracy entry lost", "no accuracy entry", func(tx *bolt.Tx) error {
			k, _ := tx.Bucket(bAccRanks).Cursor().First()
			return tx.Bucket(bAccRanks).Delete(append([]byte(nil), k...))
		}},
		{"accuracy block lost", "lies in no block", func(tx *bolt.Tx) error {
			k, _ := tx.Bucket(bAccBlocks).Cursor().First()
			return tx.Bucket(bAccBlocks).Delete(append([]byte(nil), k...))
		}},
		{"domain sum", "domain sum", func(tx *bolt.Tx) error {
			k, v := tx.Bucket(bDomainSums).Cursor().First()
			return tx.Bucket(bDomainSums).Put(append([]byte(nil), k...), putU64(putU64(nil, getU64(v)+1), getU64(v[8:])))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock(time.Date(2026, 11, 23, 9, 0, 0, 0, tokyo))
			db, err := Open(filepath.Join(t.TempDir(), "d.db"), &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.EnsureSpace(testSpace, "")
			for day := 0; day < 5; day++ {
				p := post(t, db, c, c.Now(), fmt.Sprintf("q%d", day), 1)
				if _, err := db.RecordAnswer(p.ID, "ann", "a"); err != nil {
					t.Fatal(err)
				}
				c.Add(24 * time.Hour)
			}
			if _, err := db.Check(); err != nil {
				t.Fatal(err)
			}
			if err := db.bolt.Update(tc.damage); err != nil {
				t.Fatal(err)
			}
			r, err := db.Check()
			if err == nil || !strings.Contains(strings.Join(r.Problems, "\n"), tc.want) {
				t.Errorf("check: %v %q, want a problem about %q", err, r.Problems, tc.want)
			}
		})
	}
}
