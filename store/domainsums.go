package store

import (
	"bytes"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// The domain sums are a space's daily answers per domain, all time: two
// u64s (answered, correct) under (platform, space, domain), bumped by
// every counted answer in its own transaction. They are the all-time
// counters of every member of the space summed per domain, kept as they
// change, so the daily draw reads a handful of keys however many members
// the space has.

// addDomainSum counts one daily answer in its space's domain sum.
func addDomainSum(tx *bolt.Tx, space SpaceRef, domain int, correct bool) error {
	b := tx.Bucket(bDomainSums)
	k := key(space.Platform, space.ID, domainKey(domain))
	v := b.Get(k)
	answered, right := getU64(v), uint64(0)
	if len(v) >= 16 {
		right = getU64(v[8:])
	}
	answered++
	if correct {
		right++
	}
	return b.Put(k, putU64(putU64(make([]byte, 0, 16), answered), right))
}

// DomainAccuracy returns the accuracy of all daily answers in a space per
// domain (domains without answers are absent), for the selection policy.
// It reads the space's domain sums: its cost depends on the number of
// domains, not of members.
func (d *DB) DomainAccuracy(space SpaceRef) (map[int]float64, error) {
	out := map[int]float64{}
	err := d.view(func(tx *bolt.Tx) error {
		pre := prefix(space.Platform, space.ID)
		cur := tx.Bucket(bDomainSums).Cursor()
		for k, v := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = cur.Next() {
			n, err := strconv.Atoi(string(k[len(pre):]))
			if err != nil || len(v) < 16 {
				return fmt.Errorf("domain sum %q: %w", k, ErrCorrupt)
			}
			if answered := getU64(v); answered > 0 {
				out[n] = float64(getU64(v[8:])) / float64(answered)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("domain accuracy %s: %w", space, err)
	}
	return out, nil
}

// domainSumsFromCounters computes every space's domain sums from the
// all-time domain counters (migration, check).
func domainSumsFromCounters(tx *bolt.Tx) (map[string][2]uint64, error) {
	sums := map[string][2]uint64{}
	err := tx.Bucket(bCounters).ForEach(func(k, v []byte) error {
		parts := splitKey(k)
		if len(parts) != 5 {
			return fmt.Errorf("counter key %q: %w", k, ErrCorrupt)
		}
		if parts[2] != "a" || parts[3] == "all" {
			return nil
		}
		c := decodeCounter(v)
		sk := string(key(parts[0], parts[1], parts[3]))
		s := sums[sk]
		s[0] += c.answered
		s[1] += c.correct
		sums[sk] = s
		return nil
	})
	return sums, err
}
