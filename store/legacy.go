package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Schema 5 changed two layouts: answers of closed posts live in the
// archive (archive.go) and practice answers are keyed by time with a
// binary value (practice.go). Older databases are not rewritten when they
// are opened: moving every answer in the migration's one transaction
// would hold all of them in memory at once (about 140 MB of heap for two
// years of a 1,000-person team, and more than a container has for a big
// workspace). Instead every reader takes both layouts, and the old
// records are converted a batch at a time as posts close (convertLegacy),
// until none is left.
//
// bMeta's legacyKey is present while old records may remain.
var legacyKey = []byte("legacy")

// legacyBudget bounds the records one close converts (a variable for tests).
var legacyBudget = 20000

// migrateAnswerLayouts brings a database to schema 5. Nothing is
// rewritten: it only records that old-layout answers and practice answers
// may be left for convertLegacy. The new schema number keeps an older
// studybot, which would not see archived answers, from opening the file.
func migrateAnswerLayouts(tx *bolt.Tx) error {
	return tx.Bucket(bMeta).Put(legacyKey, []byte{1})
}

// convertLegacy converts up to legacyBudget old-layout records: the
// answers of posts closed before schema 5 move to the archive, practice
// answers kept as JSON are rewritten. When none is left it deletes
// legacyKey, and later calls cost one lookup.
func convertLegacy(tx *bolt.Tx) error {
	meta := tx.Bucket(bMeta)
	if meta.Get(legacyKey) == nil {
		return nil
	}
	budget := legacyBudget
	left, err := archiveLegacyPosts(tx, &budget)
	if err != nil {
		return fmt.Errorf("archive answers of posts closed before schema 5: %w", err)
	}
	practiceLeft, err := convertLegacyPractice(tx, &budget)
	if err != nil {
		return fmt.Errorf("convert practice answers of schema 4: %w", err)
	}
	if left || practiceLeft {
		return nil
	}
	return meta.Delete(legacyKey)
}

// archiveLegacyPosts archives the answers of closed posts still in
// bAnswers. bAnswers holds, besides those, only the answers of open posts,
// which it steps over. It reports whether any may be left.
func archiveLegacyPosts(tx *bolt.Tx, budget *int) (bool, error) {
	var from []byte
	for {
		c := tx.Bucket(bAnswers).Cursor()
		var k []byte
		if from == nil {
			k, _ = c.First()
		} else {
			k, _ = c.Seek(from)
		}
		if k == nil {
			return false, nil
		}
		if *budget <= 0 {
			return true, nil
		}
		i := bytes.IndexByte(k, sep)
		if i < 0 {
			return true, fmt.Errorf("answer key %q: %w", k, ErrCorrupt)
		}
		id := string(k[:i])
		from = append([]byte(id), sep+1) // past this post's answers
		m, err := getPostMeta(tx, id)
		if err != nil || !m.Closed || m.Archive != 0 {
			continue // open (or broken: Check tells): not this pass's business
		}
		n, err := archiveAnswers(tx, id, &m)
		if err != nil {
			return true, err
		}
		if err := putJSON(tx.Bucket(bPostMeta), []byte(id), m); err != nil {
			return true, err
		}
		*budget -= n
	}
}

// convertLegacyPractice rewrites practice answers kept as JSON. Their
// keys start with a platform name, so they sort after every time-first
// key (until the 22nd century): it walks back from the end of the bucket
// until it meets a converted one. It reports whether any may be left.
func convertLegacyPractice(tx *bolt.Tx, budget *int) (bool, error) {
	type kv struct{ old, k, v []byte }
	var recs []kv
	c := tx.Bucket(bPractice).Cursor()
	for k, v := c.Last(); k != nil && isLegacyPractice(v); k, v = c.Prev() {
		if len(recs) >= *budget {
			break
		}
		p, err := decodeLegacyPractice(k, v)
		if err != nil {
			return true, err
		}
		recs = append(recs, kv{append([]byte(nil), k...), practiceKey(p), encodePractice(p)})
	}
	b := appendBucket(tx, bPractice)
	for _, r := range recs {
		if err := b.Delete(r.old); err != nil {
			return true, err
		}
		if err := b.Put(r.k, r.v); err != nil {
			return true, err
		}
	}
	*budget -= len(recs)
	if k, v := b.Cursor().Last(); k != nil && isLegacyPractice(v) {
		return true, nil
	}
	return false, nil
}

// isLegacyPractice reports whether a practice value is schema 4's JSON.
func isLegacyPractice(v []byte) bool { return len(v) > 0 && v[0] == '{' }

// decodeLegacyPractice reads a practice answer of schema 4 and older.
func decodeLegacyPractice(k, v []byte) (Practice, error) {
	var p Practice
	if err := json.Unmarshal(v, &p); err != nil {
		return Practice{}, fmt.Errorf("practice answer %q: %w", k, ErrCorrupt)
	}
	p.At = p.At.UTC()
	return p, nil
}
