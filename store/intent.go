package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Card intents live in a side file next to the database (IntentsPath),
// a bbolt file written without fsync: an intent must be on disk before
// the platform call, but it guards against a process that dies (a
// SIGKILL, a crash, an OOM kill), and what a process wrote survives it in
// the page cache whether or not it was synced. An fsync per card would
// double the commits of posting (BENCHMARKS.md, "Reliability: scheduling
// (issue 21)"). A machine that loses power may lose the last intents, or
// the file: it is then started afresh, and a card posted in the instant
// before the power went is posted again, as before intents existed.
// Intents are transient — each is deleted by its post's commit, and the
// file is removed at Close when none is left — so it is not backed up,
// compacted or checked with the database.

// IntentsPath is the side file of a database's card intents.
func IntentsPath(dbPath string) string { return dbPath + "-intents" }

// bIntents is the side file's one bucket: post ID → PostIntent.
var bIntents = []byte("postintents")

// intentLog is the side file, opened on first need.
type intentLog struct {
	mu     sync.Mutex
	db     *bolt.DB
	absent bool // looked for and not found (nothing to read or delete)
}

// intentDB returns the side file, opening it if it exists or create is
// set (nil, nil when it does not exist and create is not set). A file
// that does not open (damaged by a power loss) is started afresh.
func (d *DB) intentDB(create bool) (*bolt.DB, error) {
	l := &d.intents
	l.mu.Lock()
	defer l.mu.Unlock()
	if d.closed.Load() {
		return nil, ErrStoreClosed
	}
	if l.db != nil {
		return l.db, nil
	}
	path := IntentsPath(d.path)
	if !create {
		if l.absent {
			return nil, nil
		}
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			l.absent = true
			return nil, nil
		}
	}
	opts := &bolt.Options{Timeout: time.Second, NoSync: true, NoFreelistSync: true}
	db, err := bolt.Open(path, 0o600, opts)
	if err != nil && !errors.Is(err, fs.ErrPermission) {
		_ = os.Remove(path)
		db, err = bolt.Open(path, 0o600, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("card intents %s: %w", path, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucketIfNotExists(bIntents); return err }); err != nil {
		db.Close()
		return nil, fmt.Errorf("card intents %s: %w", path, err)
	}
	l.db, l.absent = db, false
	return db, nil
}

// closeIntents closes the side file (DB.Close) and removes it when it
// holds no intent: after a clean stop only the database is left.
func (d *DB) closeIntents() {
	l := &d.intents
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.db == nil {
		return
	}
	empty := false
	_ = l.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bIntents).Cursor().First()
		empty = k == nil
		return nil
	})
	path := l.db.Path()
	l.db.Close()
	l.db = nil
	if empty {
		_ = os.Remove(path)
	}
}

// PostIntent is a card about to be sent to its platform.
type PostIntent struct {
	// Post is the post as prepared (PreparePost): its question and close
	// as the card shows them.
	Post Post `json:"post"`
	// Scheduled is set for a schedule's slot (the post then moves the
	// channel's LastFired); clear for a post-now.
	Scheduled bool `json:"scheduled,omitempty"`
	// Nonce is the idempotency key sent with the card, on platforms that
	// take one (Discord's nonce with enforce_nonce).
	Nonce string `json:"nonce"`
	// At is when the intent was written (the platform call came after).
	At time.Time `json:"at"`
}

// RecordIntent writes a card's intent before its platform call. It
// returns ErrSlotTaken (with no intent written) when the slot already has
// a post, and the intent already stored with ErrIntentPending when one
// was written before for the same post and never resolved (a process that
// stopped between the platform call and the commit): the caller resolves
// that one instead of sending again.
func (d *DB) RecordIntent(in PostIntent) (PostIntent, error) {
	p := in.Post
	if err := p.Space.valid(); err != nil {
		return PostIntent{}, err
	}
	if err := validID("channel", p.Channel); err != nil {
		return PostIntent{}, err
	}
	if p.ID == "" || p.Slot.IsZero() {
		return PostIntent{}, fmt.Errorf("record intent: post not prepared: %w", ErrInvalid)
	}
	in.At = in.At.UTC()
	err := d.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bSlots).Get(key(p.Space.Platform, p.Space.ID, p.Channel, string(putTime(nil, p.Slot)))) != nil {
			return ErrSlotTaken
		}
		return nil
	})
	if err != nil {
		return PostIntent{}, fmt.Errorf("record intent %s: %w", p.ID, err)
	}
	idb, err := d.intentDB(true)
	if err != nil {
		return PostIntent{}, fmt.Errorf("record intent %s: %w", p.ID, err)
	}
	var pending PostIntent
	err = idb.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bIntents)
		if v := b.Get([]byte(p.ID)); v != nil {
			if err := json.Unmarshal(v, &pending); err != nil {
				return nil // unreadable: written over
			}
			return ErrIntentPending
		}
		return putJSON(b, []byte(p.ID), in)
	})
	switch {
	case errors.Is(err, ErrIntentPending):
		return pending, fmt.Errorf("record intent %s: %w", p.ID, err)
	case err != nil:
		return PostIntent{}, fmt.Errorf("record intent %s: %w", p.ID, err)
	}
	return in, nil
}

// DropIntent removes a post's intent: its card was not sent (a rate limit
// refused it) and the slot stays due, or its post exists. Dropping none
// is not an error.
func (d *DB) DropIntent(id string) error {
	idb, err := d.intentDB(false)
	if err != nil || idb == nil {
		return err
	}
	return idb.Update(func(tx *bolt.Tx) error { return tx.Bucket(bIntents).Delete([]byte(id)) })
}

// dropIntent is DropIntent after a post's commit, which stands whatever
// becomes of its intent (a left one is resolved as its post exists).
func (d *DB) dropIntent(id string) { _ = d.DropIntent(id) }

// Intents returns the intents left, oldest first: cards whose platform
// call may have been accepted while their commit never came (or whose
// post was committed just before the process stopped).
func (d *DB) Intents() ([]PostIntent, error) {
	idb, err := d.intentDB(false)
	if err != nil || idb == nil {
		return nil, err
	}
	var out []PostIntent
	err = idb.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bIntents).ForEach(func(k, v []byte) error {
			var in PostIntent
			if json.Unmarshal(v, &in) == nil && in.Post.ID == string(k) {
				out = append(out, in) // an unreadable one is worth nothing
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("intents: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// GetIntent returns a post's intent, or ErrNotFound when it has none (its
// post was committed, or it was never written).
func (d *DB) GetIntent(id string) (PostIntent, error) {
	var in PostIntent
	idb, err := d.intentDB(false)
	if err != nil {
		return in, err
	}
	if idb == nil {
		return in, fmt.Errorf("intent %s: %w", id, ErrNotFound)
	}
	err = idb.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bIntents).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("intent %s: %w", id, ErrNotFound)
		}
		return json.Unmarshal(v, &in)
	})
	return in, err
}
