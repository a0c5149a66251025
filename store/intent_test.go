package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestIntentsOutliveTheProcess: an intent written before a card's
// platform call is found after the database is closed and opened again
// (a restart), is refused a second time with ErrIntentPending, and is
// deleted by its post's commit; a slot already posted takes no intent; a
// damaged side file is started afresh.
func TestIntentsOutliveTheProcess(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	path := filepath.Join(t.TempDir(), "i.db")
	open := func() *DB {
		db, err := Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	if _, err := db.EnsureSpace(testSpace, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	ensureChannel(t, db, testSpace, "general") // store check wants every post's channel
	if ins, err := db.Intents(); err != nil || len(ins) != 0 {
		t.Fatalf("intents of a new database: %v %v", ins, err)
	}
	if _, err := os.Stat(IntentsPath(path)); err == nil {
		t.Error("the side file was made by a read")
	}
	p, err := db.PreparePost(Post{Space: testSpace, Channel: "general", Slot: c.Now(), Question: snapshot("q1", 1), ClosesAt: c.Now().Add(8 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordIntent(PostIntent{Post: p, Scheduled: true, Nonce: p.ID, At: c.Now()}); err != nil {
		t.Fatal(err)
	}
	db.Close() // the process dies after the platform call

	db = open()
	ins, err := db.Intents()
	if err != nil || len(ins) != 1 || ins[0].Post.ID != p.ID || !ins[0].Scheduled || ins[0].Nonce != p.ID || ins[0].Post.Question.QuestionID != "q1" {
		t.Fatalf("after the restart: %+v %v", ins, err)
	}
	if got, err := db.RecordIntent(PostIntent{Post: p, Nonce: p.ID, At: c.Now()}); !errors.Is(err, ErrIntentPending) || got.Post.ID != p.ID {
		t.Fatalf("second intent: %v %v", got.Post.ID, err)
	}
	if _, err := db.CreatePost(p); err != nil {
		t.Fatal(err)
	}
	if ins, _ := db.Intents(); len(ins) != 0 {
		t.Errorf("%d intents after the post's commit", len(ins))
	}
	if _, err := db.GetIntent(p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetIntent after the commit: %v", err)
	}
	if _, err := db.RecordIntent(PostIntent{Post: p, Nonce: p.ID, At: c.Now()}); !errors.Is(err, ErrSlotTaken) {
		t.Errorf("an intent for a posted slot: %v", err)
	}
	if r, err := db.Check(); err != nil {
		t.Errorf("check: %v %+v", err, r.Problems)
	}
	db.Close()
	if _, err := os.Stat(IntentsPath(path)); err == nil {
		t.Error("an empty side file is left after Close")
	}

	if err := os.WriteFile(IntentsPath(path), []byte("not a bbolt file at all, a power loss's leftovers"), 0o600); err != nil {
		t.Fatal(err)
	}
	db = open()
	defer db.Close()
	p2, _ := db.PreparePost(Post{Space: testSpace, Channel: "general", Slot: c.Now().Add(24 * time.Hour), Question: snapshot("q2", 1)})
	if _, err := db.RecordIntent(PostIntent{Post: p2, Nonce: p2.ID, At: c.Now()}); err != nil {
		t.Fatalf("intent over a damaged side file: %v", err)
	}
	if ins, err := db.Intents(); err != nil || len(ins) != 1 || ins[0].Post.ID != p2.ID {
		t.Errorf("intents after starting afresh: %v %v", ins, err)
	}
}
