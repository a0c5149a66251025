package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bCards holds spaced-repetition cards, one per user per space per memo
// item. It is created by the first card, so databases from before it need
// no migration; it is not in allBuckets.
var bCards = []byte("cards")

// Card is one user's spaced-repetition state for one memo item in one
// space. The scheduling fields mirror an FSRS card; the store keeps them
// and never schedules. A card outlives its item: when the item leaves the
// memo the card is simply no longer shown, and comes back with its history
// if the item does.
type Card struct {
	// Item is the memo item's stable identity (questions.Question.Item).
	Item string `json:"item"`
	// Domain is the item's exam domain when last answered.
	Domain int `json:"domain"`
	// Due is when the card is next due.
	Due time.Time `json:"due"`
	// Stability and Difficulty are FSRS's memory state.
	Stability  float64 `json:"stability"`
	Difficulty float64 `json:"difficulty"`
	// ElapsedDays and ScheduledDays are FSRS's interval bookkeeping.
	ElapsedDays   uint64 `json:"elapsed_days"`
	ScheduledDays uint64 `json:"scheduled_days"`
	// Reps counts reviews; Lapses counts reviews answered wrong after the
	// item was learnt.
	Reps   uint64 `json:"reps"`
	Lapses uint64 `json:"lapses"`
	// State is FSRS's card state (0 new, 1 learning, 2 review, 3 relearning).
	State int `json:"state"`
	// LastReview is when the card was last answered.
	LastReview time.Time `json:"last_review"`
	// First is when the card was first answered (its introduction).
	First time.Time `json:"first"`
	// Right and Wrong count the answers given, for history.
	Right int `json:"right"`
	Wrong int `json:"wrong"`
	// LastQuestion is the ID of the question last asked about the item,
	// so a review can ask another one.
	LastQuestion string `json:"last_question,omitempty"`
}

// UpdateCard reads the user's card for item (the zero Card with found
// false when there is none), lets fn change it and stores the result in
// one transaction. fn may run more than once and must depend only on its
// arguments. It returns ErrInvalid for a bad space, user or item, and
// fn's error unchanged.
func (d *DB) UpdateCard(space SpaceRef, user, item string, fn func(c *Card, found bool) error) (Card, error) {
	if err := space.valid(); err != nil {
		return Card{}, err
	}
	if err := validID("user", user); err != nil {
		return Card{}, err
	}
	if err := validID("item", item); err != nil {
		return Card{}, err
	}
	var out Card
	err := d.batch(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bCards)
		if err != nil {
			return err
		}
		k := key(space.Platform, space.ID, user, item)
		var c Card
		found := false
		if v := b.Get(k); v != nil {
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("card: %w", ErrCorrupt)
			}
			found = true
		}
		if err := fn(&c, found); err != nil {
			return err
		}
		c.Item = item
		out = c
		return putJSON(b, k, c)
	})
	if err != nil {
		return Card{}, fmt.Errorf("update card %s/%s/%s: %w", space, user, item, err)
	}
	return out, nil
}

// Cards returns every card of the user in the space, retired ones
// included, in item order.
func (d *DB) Cards(space SpaceRef, user string) ([]Card, error) {
	if err := space.valid(); err != nil {
		return nil, err
	}
	if err := validID("user", user); err != nil {
		return nil, err
	}
	var out []Card
	err := d.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bCards)
		if b == nil {
			return nil
		}
		p := prefix(space.Platform, space.ID, user)
		c := b.Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			var card Card
			if err := json.Unmarshal(v, &card); err != nil {
				return fmt.Errorf("card: %w", ErrCorrupt)
			}
			out = append(out, card)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cards %s/%s: %w", space, user, err)
	}
	return out, nil
}
