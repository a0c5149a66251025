package store

import (
	"encoding/binary"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"
)

// AccuracyMinAnswered is how many answers a player needs on a board to
// appear on its accuracy view (AccuracyBoard), so that one lucky answer
// cannot top it.
const AccuracyMinAnswered = 5

// accuracySuffix orders a counter on the accuracy view: best accuracy,
// then more answers, then who got there first, then user ID.
func (c counter) accuracySuffix(user string) []byte {
	b := make([]byte, 16, 16+len(user))
	binary.BigEndian.PutUint32(b, invU32(math.Round(c.accuracy()*1e9)))
	binary.BigEndian.PutUint32(b[4:], invU32(float64(c.answered)))
	binary.BigEndian.PutUint64(b[8:], uint64(c.reached.UnixNano()))
	return append(b, user...)
}

// onAccuracyBoard reports whether a counter qualifies for the accuracy view.
func (c counter) onAccuracyBoard() bool { return c.answered >= AccuracyMinAnswered }

// AccuracyBoard ranks users by accuracy among those with at least
// AccuracyMinAnswered answers in a window and domain (or AllDomains), so
// that one heavy player cannot farm it; ties go to more answers, then to
// who got there first. It reads the accuracy index: the top limit rows,
// and the caller's row me counted through the index's blocks, so its cost
// does not grow with the caller's rank. Accuracies closer than 1e-9 count
// as equal.
func (d *DB) AccuracyBoard(space SpaceRef, domain int, w Window, limit int, me string) (Board, error) {
	board := Board{Window: w, Domain: domain}
	err := d.view(func(tx *bolt.Tx) error {
		wk, err := d.boardPeriod(tx, space, w)
		if err != nil {
			return err
		}
		board.Period = wk
		topRows(tx, bAccRanks, space, wk, domain, limit, me, &board)
		ap := prefix(space.Platform, space.ID, wk, domainKey(domain))
		board.Players = accuracyIndex.between(tx, ap, nil, nil)
		if me == "" || board.Me != nil {
			return nil
		}
		c := decodeCounter(tx.Bucket(bCounters).Get(key(space.Platform, space.ID, wk, domainKey(domain), me)))
		if !c.onAccuracyBoard() {
			return nil
		}
		board.Me = &Row{Rank: accuracyIndex.between(tx, ap, nil, c.accuracySuffix(me)) + 1, User: me,
			Points: int(c.correct), Answered: int(c.answered), Accuracy: c.accuracy()}
		return nil
	})
	if err != nil {
		return Board{}, fmt.Errorf("accuracy board %s: %w", space, err)
	}
	return board, nil
}
