package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// writeV1Fixture makes a database in the schema-1 layout (no board player
// counts or points histograms) with answers in it.
func writeV1Fixture(t *testing.T, path string) {
	t.Helper()
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db, err := Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	db.EnsureSpace(testSpace, "")
	p := post(t, db, c, c.Now(), "q1", 2)
	for i, u := range []string{"ann", "ben", "cat"} {
		if _, err := db.RecordAnswer(p.ID, u, []string{"a", "b", "a"}[i]); err != nil {
			t.Fatal(err)
		}
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bBoards); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bPoints); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bOpen); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keyVersion, putU64(nil, 1))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

func TestMigrateFromSchema1(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "old.db")
	writeV1Fixture(t, path)
	if _, err := Open(path, &Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "needs migrating") {
		t.Errorf("read-only open of an old schema: %v", err)
	}
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	backup := db.Migrated()
	if backup == "" || !strings.HasPrefix(filepath.Base(backup), "old.db.v1-") {
		t.Fatalf("no backup before migrating: %q", backup)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Size() == 0 {
		t.Errorf("backup file: %v", err)
	}
	// The backup is the old schema, untouched.
	if b, err := Open(backup, &Options{ReadOnly: true}); err == nil {
		b.Close()
		t.Error("the backup should still be schema 1")
	}
	if r, err := db.Check(); err != nil || r.Answers != 3 {
		t.Fatalf("check after migration: %+v %v", r, err)
	}
	board, err := db.Leaderboard(testSpace, 2, All, 10, "")
	if err != nil || board.Players != 3 || len(board.Rows) != 3 {
		t.Errorf("board after migration: %+v %v", board, err)
	}
	if open, err := db.OpenPosts(); err != nil || len(open) != 1 {
		t.Errorf("open posts after migration: %d %v", len(open), err)
	}
	var v int
	db.bolt.View(func(tx *bolt.Tx) error { v = schemaOf(tx); return nil })
	if v != SchemaVersion {
		t.Errorf("schema %d after migration", v)
	}
	db.Close()
	// Opening again migrates nothing.
	db2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if db2.Migrated() != "" {
		t.Error("migrated twice")
	}
	db2.Close()
}
