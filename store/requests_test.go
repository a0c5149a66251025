package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestFirstRequest: a key is new once within its window, survives a
// reopen, is new again after the window, and aged keys are pruned.
func TestFirstRequest(t *testing.T) {
	c := newClock(time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo))
	path := filepath.Join(t.TempDir(), "r.db")
	open := func() *DB {
		db, err := Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	const ttl = 10 * time.Minute
	first := func(db *DB, key string) bool {
		t.Helper()
		ok, err := db.FirstRequest(key, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !first(db, "slack:cmd:1") || first(db, "slack:cmd:1") {
		t.Fatal("a key is new once")
	}
	db.Close()
	c.Add(5 * time.Minute)
	db = open() // a restart
	defer db.Close()
	if first(db, "slack:cmd:1") {
		t.Error("forgotten across a restart within the window")
	}
	c.Add(6 * time.Minute)
	if !first(db, "slack:cmd:1") {
		t.Error("still remembered after the window")
	}
	// 200 keys, then a window later one more call prunes a batch of them
	for i := 0; i < 200; i++ {
		first(db, fmt.Sprint("k", i))
	}
	c.Add(ttl + time.Second)
	first(db, "new")
	count := func(b []byte) (n int) {
		db.view(func(tx *bolt.Tx) error { n = tx.Bucket(b).Stats().KeyN; return nil })
		return n
	}
	// 202 keys, one batch of requestPrune (the 200 and "slack:cmd:1" are old)
	if r, a := count(bRequests), count(bRequestAge); r != 202-requestPrune || a != r {
		t.Errorf("after one pruning call: %d keys, %d ages; want %d", r, a, 202-requestPrune)
	}
	for i := 0; i < 10; i++ {
		first(db, fmt.Sprint("more", i))
	}
	if r := count(bRequests); r != 11 {
		t.Errorf("after pruning: %d keys, want the 11 new ones", r)
	}
	if _, err := db.FirstRequest("", ttl); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty key: %v", err)
	}
	if r, err := db.Check(); err != nil || len(r.Problems) > 0 {
		t.Errorf("check: %v %v", r.Problems, err)
	}
}
