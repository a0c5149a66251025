package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// migrateCompactAnswers brings a database to schema 5: the answers of
// closed posts move to the archive, oldest close first (archive.go), and
// practice answers are rewritten under time-first keys in the compact
// layout (practice.go). Both buckets it rewrites are rebuilt from scratch,
// so their pages come out full. Answer times keep millisecond precision.
// It runs in the migration's one transaction, so it holds every answer's
// new record in memory until the commit.
func migrateCompactAnswers(tx *bolt.Tx) error {
	if err := archiveClosedPosts(tx); err != nil {
		return fmt.Errorf("archive answers: %w", err)
	}
	if err := rekeyPractice(tx); err != nil {
		return fmt.Errorf("practice answers: %w", err)
	}
	return nil
}

// archiveClosedPosts moves the answers of every closed post to the
// archive, in order of closing time, then rebuilds bAnswers with the open
// posts' answers only.
func archiveClosedPosts(tx *bolt.Tx) error {
	type closed struct {
		id string
		m  postMeta
	}
	var posts []closed
	err := tx.Bucket(bPostMeta).ForEach(func(k, v []byte) error {
		var m postMeta
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("post %s: %w", k, ErrCorrupt)
		}
		if m.Closed && m.Archive == 0 {
			posts = append(posts, closed{string(k), m})
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(posts, func(i, j int) bool {
		if !posts[i].m.ClosesAt.Equal(posts[j].m.ClosesAt) {
			return posts[i].m.ClosesAt.Before(posts[j].m.ClosesAt)
		}
		return posts[i].id < posts[j].id
	})
	for _, p := range posts {
		if err := archiveAnswers(tx, p.id, &p.m); err != nil {
			return err
		}
		if p.m.Archive != 0 {
			if err := putJSON(tx.Bucket(bPostMeta), []byte(p.id), p.m); err != nil {
				return err
			}
		}
	}
	return rebuildBucket(tx, bAnswers)
}

// rekeyPractice rewrites every practice answer from the JSON layout of
// schema 4 and older to practiceKey and encodePractice.
func rekeyPractice(tx *bolt.Tx) error {
	type kv struct{ k, v []byte }
	var recs []kv
	err := tx.Bucket(bPractice).ForEach(func(k, v []byte) error {
		var p Practice
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("practice %q: %w", k, ErrCorrupt)
		}
		p.At = p.At.UTC()
		recs = append(recs, kv{practiceKey(p), encodePractice(p)})
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(recs, func(i, j int) bool { return bytes.Compare(recs[i].k, recs[j].k) < 0 })
	if err := tx.DeleteBucket(bPractice); err != nil {
		return err
	}
	if _, err := tx.CreateBucket(bPractice); err != nil {
		return err
	}
	b := appendBucket(tx, bPractice)
	for _, r := range recs {
		if err := b.Put(r.k, r.v); err != nil {
			return err
		}
	}
	return nil
}

// rebuildBucket replaces a bucket with a fresh copy of its records,
// inserted in key order: the pages a mass of deletions left sparse are
// freed for reuse.
func rebuildBucket(tx *bolt.Tx, name []byte) error {
	type kv struct{ k, v []byte }
	var recs []kv
	err := tx.Bucket(name).ForEach(func(k, v []byte) error {
		recs = append(recs, kv{append([]byte(nil), k...), append([]byte(nil), v...)})
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.DeleteBucket(name); err != nil {
		return err
	}
	b, err := tx.CreateBucket(name)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := b.Put(r.k, r.v); err != nil {
			return err
		}
	}
	return nil
}
