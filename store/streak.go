package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Streak rules.
const (
	// FreezeEvery is the run length that earns one freeze.
	FreezeEvery = 7
	// MaxFreezes is the most freezes a user holds.
	MaxFreezes = 2
)

// Streak is a user's run of answered posting days in a space. Days on which
// the space posted nothing neither extend nor break it; a missed posting
// day spends a freeze if one is held, else the run starts over.
type Streak struct {
	// Current is the run length in posting days.
	Current int `json:"current"`
	// Best is the longest run so far.
	Best int `json:"best"`
	// LastDay is the day number of the last answered posting day.
	LastDay int64 `json:"last_day"`
	// Freezes held (one earned per FreezeEvery-day run, at most MaxFreezes).
	Freezes int `json:"freezes"`
	// FreezesUsed counts freezes spent so far.
	FreezesUsed int `json:"freezes_used"`
	// Milestone is set by RecordAnswer when this answer reached a multiple
	// of FreezeEvery days.
	Milestone bool `json:"-"`
}

// postingDaysBetween counts the space's posting days strictly between a and b.
func postingDaysBetween(tx *bolt.Tx, space SpaceRef, a, b int64) int {
	if b-a <= 1 {
		return 0
	}
	cur := tx.Bucket(bPostDays).Cursor()
	lo := key(space.Platform, space.ID, dayKey(a+1))
	hi := key(space.Platform, space.ID, dayKey(b))
	n := 0
	for k, _ := cur.Seek(lo); k != nil && string(k) < string(hi); k, _ = cur.Next() {
		n++
	}
	return n
}

// advance applies an answered posting day to the streak.
func (s *Streak) advance(tx *bolt.Tx, space SpaceRef, day int64) bool {
	switch {
	case s.Current == 0 || s.LastDay == 0:
		s.Current = 1
	case day <= s.LastDay:
		return false // already counted, or a late answer to an older day
	default:
		missed := postingDaysBetween(tx, space, s.LastDay, day)
		if missed <= s.Freezes {
			s.Freezes -= missed
			s.FreezesUsed += missed
			s.Current++
		} else {
			s.FreezesUsed += s.Freezes
			s.Freezes = 0
			s.Current = 1
		}
	}
	s.LastDay = day
	if s.Current%FreezeEvery == 0 {
		s.Milestone = true
		if s.Freezes < MaxFreezes {
			s.Freezes++
		}
	}
	if s.Current > s.Best {
		s.Best = s.Current
	}
	return true
}

func getStreak(tx *bolt.Tx, space SpaceRef, user string) Streak {
	var s Streak
	if v := tx.Bucket(bStreaks).Get(key(space.Platform, space.ID, user)); v != nil {
		_ = json.Unmarshal(v, &s)
	}
	return s
}

// GetStreak returns a user's streak as of now: a run whose missed posting
// days (before today) outnumber the freezes held shows as broken.
func (d *DB) GetStreak(space SpaceRef, user string) (Streak, error) {
	var s Streak
	err := d.view(func(tx *bolt.Tx) error {
		sp, err := getSpace(tx, space)
		if err != nil {
			return err
		}
		s = getStreak(tx, space, user)
		if s.Current == 0 {
			return nil
		}
		today := dayNumber(d.now(), sp.Location())
		missed := postingDaysBetween(tx, space, s.LastDay, today)
		if missed > s.Freezes {
			s.Current, s.Freezes = 0, 0
		} else {
			s.Freezes -= missed
		}
		return nil
	})
	if err != nil {
		return Streak{}, fmt.Errorf("streak %s/%s: %w", space, user, err)
	}
	return s, nil
}
