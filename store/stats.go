package store

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bumpStats adds one answer (daily or practice) to the user's per-domain stats.
func bumpStats(tx *bolt.Tx, space SpaceRef, domain int, user string, correct bool, at time.Time) error {
	b := tx.Bucket(bUserStats)
	for _, dom := range []int{domain, AllDomains} {
		k := key(space.Platform, space.ID, user, domainKey(dom))
		c := decodeCounter(b.Get(k))
		c.answered++
		if correct {
			c.correct++
		}
		if at.After(c.reached) {
			c.reached = at
		}
		if err := b.Put(k, c.encode()); err != nil {
			return err
		}
	}
	return nil
}

// DomainStat is a user's record in one domain, daily and practice answers together.
type DomainStat struct {
	// Domain is the domain number, or AllDomains for the total.
	Domain int
	// Answered and Correct count answers.
	Answered, Correct int
	// Accuracy is Correct/Answered.
	Accuracy float64
	// LastSeen is the time of the latest answer.
	LastSeen time.Time
}

// Stats returns a user's per-domain stats, weakest domain (lowest accuracy)
// first; the AllDomains total comes last.
func (d *DB) Stats(space SpaceRef, user string) ([]DomainStat, error) {
	var out []DomainStat
	var total *DomainStat
	err := d.view(func(tx *bolt.Tx) error {
		pre := prefix(space.Platform, space.ID, user)
		cur := tx.Bucket(bUserStats).Cursor()
		for k, v := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = cur.Next() {
			c := decodeCounter(v)
			ds := DomainStat{Answered: int(c.answered), Correct: int(c.correct), Accuracy: c.accuracy(), LastSeen: c.reached}
			dk := string(k[len(pre):])
			if dk == "all" {
				ds.Domain = AllDomains
				total = &ds
				continue
			}
			n, err := strconv.Atoi(dk)
			if err != nil {
				return fmt.Errorf("stats key %q: %w", k, ErrCorrupt)
			}
			ds.Domain = n
			out = append(out, ds)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stats %s/%s: %w", space, user, err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Accuracy != out[j].Accuracy {
			return out[i].Accuracy < out[j].Accuracy
		}
		return out[i].Domain < out[j].Domain
	})
	if total != nil {
		out = append(out, *total)
	}
	return out, nil
}
