package store

import (
	"bytes"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// moveIndexes keeps a board's rank index and accuracy index (board prefix
// rp) in step with a user's counter going from old to nc (old.answered is
// 0 for a user new to the board).
func moveIndexes(tx *bolt.Tx, rp []byte, user string, old, nc counter) error {
	var from []byte
	if old.answered > 0 {
		from = old.rankSuffix(user)
	}
	if err := pointsIndex.move(tx, rp, from, nc.rankSuffix(user)); err != nil {
		return err
	}
	from = nil
	if old.onAccuracyBoard() {
		from = old.accuracySuffix(user)
	}
	var to []byte
	if nc.onAccuracyBoard() {
		to = nc.accuracySuffix(user)
	}
	return accuracyIndex.move(tx, rp, from, to)
}

// pointsRow returns user's row on a points board (nil if they have no
// answer there). Its rank is 1 + the players with more points, read from
// the points histogram, + the players with as many points ordered before
// the user (better accuracy, or there first), counted in the rank index's
// blocks from the start of the user's points to the user's entry. The cost
// is the number of distinct scores above the user plus the blocks of their
// score, never a walk over the players ranked before them.
func pointsRow(tx *bolt.Tx, space SpaceRef, wk string, domain int, user string) *Row {
	c := decodeCounter(tx.Bucket(bCounters).Get(key(space.Platform, space.ID, wk, domainKey(domain), user)))
	if c.answered == 0 {
		return nil
	}
	suffix := c.rankSuffix(user)
	rp := prefix(space.Platform, space.ID, wk, domainKey(domain))
	rank := pointsRank(tx, space, wk, domain, c.correct) + pointsIndex.between(tx, rp, suffix[:4], suffix)
	return &Row{Rank: rank, User: user, Points: int(c.correct), Answered: int(c.answered), Accuracy: c.accuracy()}
}

// migrate3to4 adds the leaderboard indexes of schema 4: the blocks of the
// rank index, the accuracy index with its blocks (from the counters with
// AccuracyMinAnswered answers) and the spaces' domain sums (from the
// all-time counters). Whatever of them exists is rebuilt from scratch.
func migrate3to4(tx *bolt.Tx) error {
	for _, b := range [][]byte{bAccRanks, bDomainSums} {
		if tx.Bucket(b) != nil {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
	}
	acc, err := tx.CreateBucket(bAccRanks)
	if err != nil {
		return err
	}
	// The counters come grouped by board; each board's entries are sorted
	// before they are written, so that they go in in key order (bbolt
	// splits nodes only at commit: keys in random order into one large
	// transaction would cost the square of the board's size).
	var board []byte
	var keys [][]byte
	flush := func() error {
		sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i], keys[j]) < 0 })
		for _, k := range keys {
			if err := acc.Put(k, nil); err != nil {
				return err
			}
		}
		keys = keys[:0]
		return nil
	}
	err = tx.Bucket(bCounters).ForEach(func(k, v []byte) error {
		parts := splitKey(k)
		if len(parts) != 5 {
			return fmt.Errorf("counter key %q: %w", k, ErrCorrupt)
		}
		c := decodeCounter(v)
		if !c.onAccuracyBoard() {
			return nil
		}
		bp := prefix(parts[0], parts[1], parts[2], parts[3])
		if !bytes.Equal(bp, board) {
			if err := flush(); err != nil {
				return err
			}
			board = bp
		}
		keys = append(keys, join(bp, c.accuracySuffix(parts[4])))
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	for _, ix := range []countedIndex{pointsIndex, accuracyIndex} {
		if err := ix.buildBlocks(tx); err != nil {
			return fmt.Errorf("%s: %w", ix.name, err)
		}
	}
	sums, err := domainSumsFromCounters(tx)
	if err != nil {
		return err
	}
	ds, err := tx.CreateBucket(bDomainSums)
	if err != nil {
		return err
	}
	for k, s := range sums {
		if err := ds.Put([]byte(k), putU64(putU64(nil, s[0]), s[1])); err != nil {
			return err
		}
	}
	return nil
}

// checkBoardIndexes verifies the schema-4 indexes against the counters
// (which Check verifies against the answers): the accuracy index holds
// exactly the counters with AccuracyMinAnswered answers, each under its
// current order; both indexes' block counts equal a recount of their
// entries; the domain sums equal the all-time domain counters summed.
func checkBoardIndexes(tx *bolt.Tx, pruned func([]byte) bool, report func(string, ...any)) {
	ab := tx.Bucket(bAccRanks)
	want := 0
	_ = tx.Bucket(bCounters).ForEach(func(k, v []byte) error {
		parts := splitKey(k)
		c := decodeCounter(v)
		if len(parts) != 5 || !c.onAccuracyBoard() || pruned(k) {
			return nil
		}
		want++
		if !has(ab, join(prefix(parts[0], parts[1], parts[2], parts[3]), c.accuracySuffix(parts[4]))) {
			report("counter %q has no accuracy entry", k)
		}
		return nil
	})
	n := 0
	_ = ab.ForEach(func(k, _ []byte) error {
		if !pruned(k) {
			n++
		}
		return nil
	})
	if n != want {
		report("accuracy index has %d entries for %d counters with %d answers", n, want, AccuracyMinAnswered)
	}
	pointsIndex.checkBlocks(tx, pruned, report)
	accuracyIndex.checkBlocks(tx, pruned, report)
	sums, err := domainSumsFromCounters(tx)
	if err != nil {
		report("domain sums: %v", err)
		return
	}
	_ = tx.Bucket(bDomainSums).ForEach(func(k, v []byte) error {
		s, ok := sums[string(k)]
		if !ok && getU64(v) == 0 {
			return nil
		}
		if len(v) < 16 || getU64(v) != s[0] || getU64(v[8:]) != s[1] {
			report("domain sum %q: stored %x, counters sum %d/%d", k, v, s[1], s[0])
		}
		delete(sums, string(k))
		return nil
	})
	for k, s := range sums {
		report("domain sum %q missing (counters sum %d/%d)", k, s[1], s[0])
	}
}

// addedIn4 reports whether bucket b is one of schema 4's, which a database
// from before gets from migrate3to4 rather than empty at Open.
func addedIn4(b []byte) bool {
	for _, x := range [][]byte{bRankBlocks, bAccRanks, bAccBlocks, bDomainSums} {
		if string(b) == string(x) {
			return true
		}
	}
	return false
}
