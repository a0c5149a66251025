package store

import bolt "go.etcd.io/bbolt"

// How full bbolt leaves a page when it splits one. bbolt's default (0.5)
// suits keys inserted at random places: both halves of a split page have
// room for later keys, and pages settle about 70% full. For keys that only
// ever arrive after every key already stored, the left half of each split
// never receives another key, so the default leaves such a bucket half
// empty for good; those buckets are filled close to the brim instead.
//
// Only buckets whose keys grow across the whole bucket qualify. Keys that
// grow within one region per channel or per space (history, slots, post
// days) arrive, with many channels, all over the bucket — random inserts in
// effect, for which a high fill splits a full page into a full one and a
// nearly empty one at every insert; they keep the default, as do posts,
// answers of open posts, counters, ranks and cards. The index of open
// posts is appended by closing time too, but holds only the open posts:
// its fill does not matter.
const (
	// fillSequence is for keys taken from a bucket sequence, strictly
	// increasing: archived answers.
	fillSequence = 1.0
	// fillTime is for keys that start with the current time: practice
	// answers. Slightly below full, so that
	// a key a little out of order (concurrent writers, a clock step) lands
	// in a page with room instead of splitting it.
	fillTime = 0.9
)

// appendBucket returns the bucket name of tx with the fill percent its key
// pattern calls for (see fillSequence and fillTime), or nil if it does not
// exist. Every write to those buckets goes through it: bbolt keeps the
// fill percent on the bucket handle of one transaction only.
func appendBucket(tx *bolt.Tx, name []byte) *bolt.Bucket {
	b := tx.Bucket(name)
	if b != nil {
		b.FillPercent = fillPercentOf(name)
	}
	return b
}

// fillPercentOf is the fill percent for a bucket's writes.
func fillPercentOf(name []byte) float64 {
	switch string(name) {
	case string(bArchive):
		return fillSequence
	case string(bPractice):
		return fillTime
	}
	return bolt.DefaultFillPercent
}
