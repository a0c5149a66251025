package store

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The request memory: keys of requests already processed (a slash
// command's trigger ID, an interaction's ID), kept for the platforms'
// signature window so that a signed request replayed after a restart is
// recognised. Both buckets are created by the first request, so databases
// from before them need no migration; they are not in allBuckets.
//
//	requests:   sha256(key) → seen at (8 bytes)
//	requestage: seen at (8 bytes) | sha256(key) → nothing (for pruning)
var (
	bRequests   = []byte("requests")
	bRequestAge = []byte("requestage")
)

// requestPrune bounds the expired keys one FirstRequest deletes.
const requestPrune = 64

// FirstRequest records key as seen now (the store's clock) and reports
// whether it is new: false when it was recorded less than ttl ago. Keys
// older than ttl are pruned a few at a time. It returns ErrInvalid for an
// empty key or a ttl ≤ 0.
func (d *DB) FirstRequest(key string, ttl time.Duration) (bool, error) {
	if key == "" || ttl <= 0 {
		return false, fmt.Errorf("request memory %q ttl %v: %w", key, ttl, ErrInvalid)
	}
	h := sha256.Sum256([]byte(key))
	now := d.now()
	var first bool
	err := d.batch(func(tx *bolt.Tx) error {
		first = false
		rb, err := tx.CreateBucketIfNotExists(bRequests)
		if err != nil {
			return err
		}
		ab, err := tx.CreateBucketIfNotExists(bRequestAge)
		if err != nil {
			return err
		}
		if err := pruneRequests(rb, ab, now.Add(-ttl)); err != nil {
			return err
		}
		if v := rb.Get(h[:]); v != nil {
			if at := getTime(v); now.Sub(at) < ttl {
				return nil
			}
			if err := ab.Delete(append(putTime(nil, getTime(v)), h[:]...)); err != nil {
				return err
			}
		}
		first = true
		if err := rb.Put(h[:], putTime(nil, now)); err != nil {
			return err
		}
		return ab.Put(append(putTime(nil, now), h[:]...), nil)
	})
	if err != nil {
		return false, fmt.Errorf("request memory: %w", err)
	}
	return first, nil
}

// pruneRequests deletes up to requestPrune keys seen before cutoff.
func pruneRequests(rb, ab *bolt.Bucket, cutoff time.Time) error {
	end := putTime(nil, cutoff)
	c := ab.Cursor()
	var old [][]byte
	for k, _ := c.First(); k != nil && bytes.Compare(k[:min(8, len(k))], end) < 0 && len(old) < requestPrune; k, _ = c.Next() {
		old = append(old, bytes.Clone(k))
	}
	for _, k := range old {
		if err := ab.Delete(k); err != nil {
			return err
		}
		if len(k) > 8 {
			if v := rb.Get(k[8:]); v != nil && bytes.Equal(v, k[:8]) {
				if err := rb.Delete(k[8:]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
