package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bIntents holds the cards about to be sent: a post's intent is written
// before the platform call and removed by the post's commit (CreatePost),
// so an intent without a post after a restart is a card the platform may
// have accepted. It is created by the first intent, so databases from
// before it need no migration; it is not in allBuckets.
var bIntents = []byte("postintents")

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
// that one instead of sending again. Its commit may be shared with other
// concurrent writes.
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
	var pending PostIntent
	err := d.group(func(tx *bolt.Tx) error {
		pending = PostIntent{}
		sk := key(p.Space.Platform, p.Space.ID, p.Channel, string(putTime(nil, p.Slot)))
		if tx.Bucket(bSlots).Get(sk) != nil {
			return ErrSlotTaken
		}
		b, err := tx.CreateBucketIfNotExists(bIntents)
		if err != nil {
			return err
		}
		if v := b.Get([]byte(p.ID)); v != nil {
			if err := json.Unmarshal(v, &pending); err != nil {
				return fmt.Errorf("intent %s: %w", p.ID, ErrCorrupt)
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
// refused it) and the slot stays due. Dropping none is not an error.
func (d *DB) DropIntent(id string) error {
	return d.group(func(tx *bolt.Tx) error { return deleteIntent(tx, id) })
}

// deleteIntent removes a post's intent in tx, if there is one.
func deleteIntent(tx *bolt.Tx, id string) error {
	if b := tx.Bucket(bIntents); b != nil {
		return b.Delete([]byte(id))
	}
	return nil
}

// Intents returns the intents without a post, oldest first: cards whose
// platform call may have been accepted while their commit never came.
func (d *DB) Intents() ([]PostIntent, error) {
	var out []PostIntent
	err := d.view(func(tx *bolt.Tx) error {
		out = out[:0]
		b := tx.Bucket(bIntents)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var in PostIntent
			if err := json.Unmarshal(v, &in); err != nil {
				return fmt.Errorf("intent %s: %w", k, ErrCorrupt)
			}
			out = append(out, in)
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
	err := d.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bIntents)
		if b == nil {
			return fmt.Errorf("intent %s: %w", id, ErrNotFound)
		}
		v := b.Get([]byte(id))
		if v == nil {
			return fmt.Errorf("intent %s: %w", id, ErrNotFound)
		}
		return json.Unmarshal(v, &in)
	})
	return in, err
}
