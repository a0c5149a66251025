package store

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// The leaderboard reads as they were before schema 4 (commit 26091bf),
// kept for the benchmarks that measure the new reads against them in the
// same run. They read the same rank index and counters.

// legacyLeaderboard finds the caller's row by walking the rank index from
// the top until it meets them.
func (d *DB) legacyLeaderboard(space SpaceRef, domain int, w Window, limit int, me string) (Board, error) {
	board := Board{Window: w, Domain: domain}
	err := d.view(func(tx *bolt.Tx) error {
		wk, err := d.boardPeriod(tx, space, w)
		if err != nil {
			return err
		}
		board.Period = wk
		cb := tx.Bucket(bCounters)
		rp := prefix(space.Platform, space.ID, wk, domainKey(domain))
		cur := tx.Bucket(bRanks).Cursor()
		n := 0
		for k, _ := cur.Seek(rp); k != nil && bytes.HasPrefix(k, rp); k, _ = cur.Next() {
			n++
			user := string(k[len(rp)+16:])
			if n <= limit || user == me && board.Me == nil {
				c := decodeCounter(cb.Get(key(space.Platform, space.ID, wk, domainKey(domain), user)))
				row := Row{Rank: n, User: user, Points: int(c.correct), Answered: int(c.answered), Accuracy: c.accuracy()}
				if n <= limit {
					board.Rows = append(board.Rows, row)
				}
				if user == me {
					r := row
					board.Me = &r
				}
			}
			if n >= limit && (me == "" || board.Me != nil) {
				break
			}
		}
		board.Players = int(getU64(tx.Bucket(bBoards).Get(key(space.Platform, space.ID, wk, domainKey(domain)))))
		return nil
	})
	if err != nil {
		return Board{}, fmt.Errorf("leaderboard %s: %w", space, err)
	}
	return board, nil
}

// legacyAccuracyBoard scans every counter of the board and sorts those
// with minAnswered answers.
func (d *DB) legacyAccuracyBoard(space SpaceRef, domain int, w Window, minAnswered, limit int, me string) (Board, error) {
	board := Board{Window: w, Domain: domain}
	type cand struct {
		user string
		c    counter
	}
	var cands []cand
	err := d.view(func(tx *bolt.Tx) error {
		wk, err := d.boardPeriod(tx, space, w)
		if err != nil {
			return err
		}
		board.Period = wk
		pre := prefix(space.Platform, space.ID, wk, domainKey(domain))
		cur := tx.Bucket(bCounters).Cursor()
		for k, v := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = cur.Next() {
			c := decodeCounter(v)
			if int(c.answered) >= minAnswered {
				cands = append(cands, cand{string(k[len(pre):]), c})
			}
		}
		return nil
	})
	if err != nil {
		return Board{}, fmt.Errorf("accuracy board %s: %w", space, err)
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i].c, cands[j].c
		if a.accuracy() != b.accuracy() {
			return a.accuracy() > b.accuracy()
		}
		if a.answered != b.answered {
			return a.answered > b.answered
		}
		if !a.reached.Equal(b.reached) {
			return a.reached.Before(b.reached)
		}
		return cands[i].user < cands[j].user
	})
	board.Players = len(cands)
	for i, c := range cands {
		row := Row{Rank: i + 1, User: c.user, Points: int(c.c.correct), Answered: int(c.c.answered), Accuracy: c.c.accuracy()}
		if i < limit {
			board.Rows = append(board.Rows, row)
		}
		if c.user == me {
			r := row
			board.Me = &r
		}
	}
	return board, nil
}

// legacyDomainAccuracy sums the space's all-time counters per domain.
func (d *DB) legacyDomainAccuracy(space SpaceRef) (map[int]float64, error) {
	type acc struct{ answered, correct uint64 }
	sums := map[int]*acc{}
	err := d.view(func(tx *bolt.Tx) error {
		pre := prefix(space.Platform, space.ID, "a")
		cur := tx.Bucket(bCounters).Cursor()
		for k, v := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = cur.Next() {
			parts := splitKey(k[len(pre):])
			if len(parts) < 2 || parts[0] == "all" {
				continue
			}
			n, err := strconv.Atoi(parts[0])
			if err != nil {
				continue
			}
			c := decodeCounter(v)
			if sums[n] == nil {
				sums[n] = &acc{}
			}
			sums[n].answered += c.answered
			sums[n].correct += c.correct
		}
		return nil
	})
	out := map[int]float64{}
	for n, s := range sums {
		if s.answered > 0 {
			out[n] = float64(s.correct) / float64(s.answered)
		}
	}
	return out, err
}
