package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bReminders holds each user's review reminder per space; bRemindAt
// indexes the reminders by the time the due-loop should next look at them
// (8-byte big-endian Unix nanoseconds | platform | space | user, empty
// values), so finding the due ones and the next one never scans every
// user. Both are created by the first reminder, so databases from before
// them need no migration; they are not in allBuckets.
var (
	bReminders = []byte("reminders")
	bRemindAt  = []byte("remindat")
)

// Reminder is one user's review reminder in one space: a private message
// at a local time of day when items are due. The store keeps the fields
// and the index by Next; the bot decides what they mean.
type Reminder struct {
	// Space and User name whose reminder it is.
	Space SpaceRef `json:"space"`
	User  string   `json:"user"`
	// On is true while the user wants reminders.
	On bool `json:"on"`
	// At is the local time of day, in minutes after midnight.
	At int `json:"at"`
	// TZ is the user's IANA time zone.
	TZ string `json:"tz,omitempty"`
	// Lang is the language of the reminder.
	Lang string `json:"lang,omitempty"`
	// Blocked is true once the platform refused to message the user (or
	// deliveries kept failing); nothing is sent until the user sets the
	// reminder again.
	Blocked bool `json:"blocked,omitempty"`
	// Last is when the last reminder was claimed (the day it belongs to is
	// its date in TZ).
	Last time.Time `json:"last,omitzero"`
	// Tries counts failed sends of the last claimed reminder.
	Tries int `json:"tries,omitempty"`
	// FailedDays counts the days in a row whose reminder could not be
	// delivered.
	FailedDays int `json:"failed_days,omitempty"`
	// Next is when the due-loop should look at the reminder again (zero:
	// never). It is indexed.
	Next time.Time `json:"next,omitzero"`
}

// remindAtKey is the index key of a reminder due at next.
func remindAtKey(next time.Time, space SpaceRef, user string) []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(space.Platform)+len(space.ID)+len(user)+2), uint64(next.UnixNano()))
	return append(b, key(space.Platform, space.ID, user)...)
}

// putReminder writes r and moves its index entry from old's Next to r's.
func putReminder(tx *bolt.Tx, old *Reminder, r Reminder) error {
	rb, err := tx.CreateBucketIfNotExists(bReminders)
	if err != nil {
		return err
	}
	ib, err := tx.CreateBucketIfNotExists(bRemindAt)
	if err != nil {
		return err
	}
	if old != nil && !old.Next.IsZero() {
		if err := ib.Delete(remindAtKey(old.Next, r.Space, r.User)); err != nil {
			return err
		}
	}
	if !r.Next.IsZero() {
		if err := ib.Put(remindAtKey(r.Next, r.Space, r.User), nil); err != nil {
			return err
		}
	}
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return rb.Put(key(r.Space.Platform, r.Space.ID, r.User), v)
}

// getReminder reads a reminder in tx; found is false when there is none.
func getReminder(tx *bolt.Tx, space SpaceRef, user string) (r Reminder, found bool, err error) {
	b := tx.Bucket(bReminders)
	if b == nil {
		return Reminder{}, false, nil
	}
	v := b.Get(key(space.Platform, space.ID, user))
	if v == nil {
		return Reminder{}, false, nil
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return Reminder{}, false, fmt.Errorf("reminder %s/%s: %w (%v)", space, user, ErrCorrupt, err)
	}
	return r, true, nil
}

// GetReminder returns the user's reminder in the space, or ErrNotFound.
func (d *DB) GetReminder(space SpaceRef, user string) (Reminder, error) {
	if err := space.valid(); err != nil {
		return Reminder{}, err
	}
	if err := validID("user", user); err != nil {
		return Reminder{}, err
	}
	var r Reminder
	err := d.view(func(tx *bolt.Tx) error {
		var found bool
		var err error
		r, found, err = getReminder(tx, space, user)
		if err == nil && !found {
			err = fmt.Errorf("reminder %s/%s: %w", space, user, ErrNotFound)
		}
		return err
	})
	return r, err
}

// UpdateReminder reads the user's reminder (the zero Reminder with found
// false when there is none), lets fn change it and stores the result with
// its index entry in one transaction. fn runs once; its error is returned
// unchanged and nothing is stored. It returns ErrInvalid for a bad space
// or user.
func (d *DB) UpdateReminder(space SpaceRef, user string, fn func(r *Reminder, found bool) error) (Reminder, error) {
	if err := space.valid(); err != nil {
		return Reminder{}, err
	}
	if err := validID("user", user); err != nil {
		return Reminder{}, err
	}
	var out Reminder
	err := d.update(func(tx *bolt.Tx) error {
		old, found, err := getReminder(tx, space, user)
		if err != nil {
			return err
		}
		r := old
		if err := fn(&r, found); err != nil {
			return err
		}
		r.Space, r.User = space, user
		out = r
		if found {
			return putReminder(tx, &old, r)
		}
		return putReminder(tx, nil, r)
	})
	if err != nil {
		return Reminder{}, fmt.Errorf("update reminder %s/%s: %w", space, user, err)
	}
	return out, nil
}

// NextReminder returns the earliest Next of all reminders (zero when no
// reminder is waiting). It reads one index entry.
func (d *DB) NextReminder() (time.Time, error) {
	var next time.Time
	err := d.view(func(tx *bolt.Tx) error {
		next = firstRemindAt(tx)
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("next reminder: %w", err)
	}
	return next, nil
}

func firstRemindAt(tx *bolt.Tx) time.Time {
	b := tx.Bucket(bRemindAt)
	if b == nil {
		return time.Time{}
	}
	k, _ := b.Cursor().First()
	if len(k) < 8 {
		return time.Time{}
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(k))).UTC()
}

// DueReminders takes up to max reminders whose Next is at or before now,
// soonest first, in one transaction: fn may change each (it must set a new
// Next, or zero, or the reminder stays due) and reports whether the caller
// should act on it; those are returned as stored. This is how a reminder
// is claimed before it is sent: a second caller, or the same one after a
// restart, sees what fn stored. fn runs once per reminder. When no
// reminder is due it costs one read, not a write.
func (d *DB) DueReminders(now time.Time, max int, fn func(r *Reminder) bool) ([]Reminder, error) {
	if first, err := d.NextReminder(); err != nil || first.IsZero() || first.After(now) {
		return nil, err
	}
	var out []Reminder
	err := d.update(func(tx *bolt.Tx) error {
		ib := tx.Bucket(bRemindAt)
		if ib == nil {
			return nil
		}
		limit := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano()))
		var keys [][]byte
		c := ib.Cursor()
		for k, _ := c.First(); k != nil && len(keys) < max && bytes.Compare(k[:min(8, len(k))], limit) <= 0; k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			parts := splitKey(k[8:])
			if len(k) < 8 || len(parts) != 3 {
				return fmt.Errorf("reminder index entry %q: %w", k, ErrCorrupt)
			}
			space, user := SpaceRef{parts[0], parts[1]}, parts[2]
			old, found, err := getReminder(tx, space, user)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("reminder index entry %s/%s without its reminder: %w", space, user, ErrCorrupt)
			}
			r := old
			act := fn(&r)
			r.Space, r.User = space, user
			if err := putReminder(tx, &old, r); err != nil {
				return err
			}
			if act {
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	return out, nil
}

// checkReminders reports index entries without their reminder and
// reminders whose Next has no index entry (for Check).
func checkReminders(tx *bolt.Tx) []string {
	var problems []string
	want := map[string]bool{}
	if rb := tx.Bucket(bReminders); rb != nil {
		_ = rb.ForEach(func(k, v []byte) error {
			var r Reminder
			if err := json.Unmarshal(v, &r); err != nil {
				problems = append(problems, fmt.Sprintf("reminder %q: %v", k, err))
				return nil
			}
			if !r.Next.IsZero() {
				want[string(remindAtKey(r.Next, r.Space, r.User))] = true
			}
			return nil
		})
	}
	seen := 0
	if ib := tx.Bucket(bRemindAt); ib != nil {
		_ = ib.ForEach(func(k, _ []byte) error {
			if !want[string(k)] {
				problems = append(problems, fmt.Sprintf("reminder index entry %q: no such reminder", k))
			}
			seen++
			return nil
		})
	}
	if seen < len(want) {
		problems = append(problems, fmt.Sprintf("reminder index has %d entries for %d waiting reminders", seen, len(want)))
	}
	return problems
}
