package store

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A leaderboard is read only for the current week or month (Leaderboard,
// AccuracyBoard and the rank shown after an answer all use "now"), yet
// every answer adds counters, rank entries and histogram entries for its
// week and month, and they stayed forever: two years of a 1,000-person
// team left about 55 weeks' and months' worth of dead board data per
// answer stored. So when a post closes, the boards of the weeks and months
// before the previous one are deleted for its space. They are derived data
// (Export leaves them out; Check recounts them from the answers), so
// nothing is lost: the answers stay. The all-time boards and the per-user
// stats are kept.
//
// The previous period is kept too, for anything that looks back one week
// or month (a Monday digest, a "last week" board).
//
// bMeta holds, per space and window, the oldest period kept:
//
//	"kept" \0 platform \0 space \0 window letter → state (1) | period key
//
// Check ignores the boards of periods older than it. The state is
// prunePending while older entries remain (the deletion is spread over
// closes, pruneBudget keys at a time, so that no answer waits behind a
// big delete), pruneDone once they are gone.

// Prune states.
const (
	prunePending = 0
	pruneDone    = 1
)

// pruneBudget bounds the keys one close deletes (a variable for tests).
var pruneBudget = 50000

// periodBuckets hold per-period board data under platform \0 space \0
// period \0 …; every bucket whose keys start that way belongs here.
var periodBuckets = [][]byte{bCounters, bRanks, bPoints, bBoards, bRankBlocks, bAccRanks, bAccBlocks}

// pruneWindows are the windows with periods that end.
var pruneWindows = []Window{Week, Month}

func keptMarkerKey(space SpaceRef, letter byte) []byte {
	return key("kept", space.Platform, space.ID, string(letter))
}

// oldestKept is the key of the oldest period of w that is kept at now:
// the previous one.
func oldestKept(w Window, now time.Time, loc *time.Location) string {
	t := now.In(loc)
	if w == Week {
		t = t.AddDate(0, 0, -7)
	} else {
		t = time.Date(t.Year(), t.Month(), 1, 12, 0, 0, 0, loc).AddDate(0, 0, -1)
	}
	k, _ := windowKey(w, t, loc)
	return k
}

// pruneBoards deletes the space's boards of the periods before the
// previous week and month, at most pruneBudget keys per call.
func pruneBoards(tx *bolt.Tx, space SpaceRef, now time.Time) error {
	meta := tx.Bucket(bMeta)
	var loc *time.Location
	budget := pruneBudget
	for _, w := range pruneWindows {
		if loc == nil {
			sp, err := getSpace(tx, space)
			if err != nil {
				return err
			}
			loc = sp.Location()
		}
		from := oldestKept(w, now, loc)
		mk := keptMarkerKey(space, from[0])
		if v := meta.Get(mk); len(v) > 1 {
			if string(v[1:]) > from {
				from = string(v[1:]) // the clock went back: never keep less
			}
			if v[0] == pruneDone && string(v[1:]) == from {
				continue
			}
		}
		lo := append(prefix(space.Platform, space.ID), from[0])
		hi := append(prefix(space.Platform, space.ID), from...)
		for _, name := range periodBuckets {
			b := tx.Bucket(name)
			var keys [][]byte
			c := b.Cursor()
			for k, _ := c.Seek(lo); k != nil && bytes.Compare(k, hi) < 0 && len(keys) < budget; k, _ = c.Next() {
				keys = append(keys, append([]byte(nil), k...))
			}
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			budget -= len(keys)
			if budget == 0 {
				return meta.Put(mk, append([]byte{prunePending}, from...))
			}
		}
		if err := meta.Put(mk, append([]byte{pruneDone}, from...)); err != nil {
			return err
		}
	}
	return nil
}

// prunedFilter returns a test for keys of periodBuckets: whether the key
// belongs to a period older than its space keeps.
func prunedFilter(tx *bolt.Tx) func(k []byte) bool {
	kept := map[string]string{} // platform \0 space \0 letter → oldest period kept
	pre := prefix("kept")
	c := tx.Bucket(bMeta).Cursor()
	for k, v := c.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = c.Next() {
		if len(v) > 1 {
			kept[string(k[len(pre):])] = string(v[1:])
		}
	}
	if len(kept) == 0 {
		return func([]byte) bool { return false }
	}
	return func(k []byte) bool {
		// platform \0 space \0 period \0 …
		i := bytes.IndexByte(k, sep)
		if i < 0 {
			return false
		}
		j := bytes.IndexByte(k[i+1:], sep)
		if j < 0 {
			return false
		}
		j += i + 1
		period := k[j+1:]
		if e := bytes.IndexByte(period, sep); e >= 0 {
			period = period[:e]
		}
		if len(period) == 0 {
			return false
		}
		from, ok := kept[string(k[:j+1])+string(period[0])]
		return ok && string(period) < from
	}
}
