package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
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
			var err error
			if c, err = decodeCard(item, v); err != nil {
				return err
			}
			found = true
		}
		if err := fn(&c, found); err != nil {
			return err
		}
		c.Item = item
		out = c
		return b.Put(k, encodeCard(c))
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
		// count first: one allocation for the whole deck, and one string
		// holding every item's name (the cards' Items are cut from it)
		n, size := 0, 0
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			n, size = n+1, size+len(k)-len(p)
		}
		out = make([]Card, 0, n)
		names, ends := make([]byte, 0, size), make([]int, 0, n)
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			card, err := decodeCard("", v)
			if err != nil {
				_, err = decodeCard(string(k[len(p):]), v) // the error names the item
				return err
			}
			names = append(names, k[len(p):]...)
			ends = append(ends, len(names))
			out = append(out, card)
		}
		all, at := string(names), 0
		for i := range out {
			out[i].Item, at = all[at:ends[i]], ends[i]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cards %s/%s: %w", space, user, err)
	}
	return out, nil
}

// EachUserCards calls fn with every user's cards in the space (retired
// ones included), user by user in user order, within one read
// transaction; fn must not keep cards past its call. fn's error stops the
// walk and is returned unchanged.
func (d *DB) EachUserCards(space SpaceRef, fn func(user string, cards []Card) error) error {
	if err := space.valid(); err != nil {
		return err
	}
	var fnErr error
	err := d.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bCards)
		if b == nil {
			return nil
		}
		p := prefix(space.Platform, space.ID)
		var user string
		var deck []Card
		c := b.Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			rest := k[len(p):]
			i := bytes.IndexByte(rest, sep)
			if i < 0 {
				return fmt.Errorf("card key %q: %w", k, ErrCorrupt)
			}
			if u := string(rest[:i]); u != user {
				if len(deck) > 0 {
					if fnErr = fn(user, deck); fnErr != nil {
						return fnErr
					}
				}
				user, deck = u, deck[:0]
			}
			card, err := decodeCard(string(rest[i+1:]), v)
			if err != nil {
				return err
			}
			deck = append(deck, card)
		}
		if len(deck) > 0 {
			fnErr = fn(user, deck)
		}
		return fnErr
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("cards %s: %w", space, err)
	}
	return nil
}

// cardVersion is the first byte of an encoded card.
const cardVersion = 1

// cardFixed is the size of an encoded card before its last question ID:
// the version byte and fourteen 8-byte fields.
const cardFixed = 1 + 14*8

// encodeCard writes a card compactly (a user's whole deck is read on every
// /review and /stats, so JSON would cost more than the scheduling). The
// item is the key, not stored again.
func encodeCard(c Card) []byte {
	b := make([]byte, 0, cardFixed+len(c.LastQuestion))
	b = append(b, cardVersion)
	for _, v := range []uint64{uint64(timeNano(c.Due)), math.Float64bits(c.Stability), math.Float64bits(c.Difficulty),
		c.ElapsedDays, c.ScheduledDays, c.Reps, c.Lapses, uint64(c.State), uint64(timeNano(c.LastReview)),
		uint64(timeNano(c.First)), uint64(int64(c.Domain)), uint64(int64(c.Right)), uint64(int64(c.Wrong)), 0} {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	return append(b, c.LastQuestion...)
}

// decodeCard reads a card written by encodeCard; ErrCorrupt if it is not one.
func decodeCard(item string, v []byte) (Card, error) {
	if len(v) < cardFixed || v[0] != cardVersion {
		return Card{}, fmt.Errorf("card %s: %w", item, ErrCorrupt)
	}
	u := func(i int) uint64 { return binary.BigEndian.Uint64(v[1+8*i:]) }
	return Card{Item: item, Due: nanoTime(int64(u(0))), Stability: math.Float64frombits(u(1)), Difficulty: math.Float64frombits(u(2)),
		ElapsedDays: u(3), ScheduledDays: u(4), Reps: u(5), Lapses: u(6), State: int(u(7)), LastReview: nanoTime(int64(u(8))),
		First: nanoTime(int64(u(9))), Domain: int(int64(u(10))), Right: int(int64(u(11))), Wrong: int(int64(u(12))),
		LastQuestion: string(v[cardFixed:])}, nil
}

// timeNano and nanoTime keep the zero time zero.
func timeNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func nanoTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
