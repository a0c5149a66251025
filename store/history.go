package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// HistoryEntry is one question posted in a channel.
type HistoryEntry struct {
	// QuestionID is the question posted.
	QuestionID string
	// PostID is the post.
	PostID string
	// At is when it was posted.
	At time.Time
}

func splitHistory(v []byte) (qid, postID string) {
	q, p, _ := bytes.Cut(v, []byte{0})
	return string(q), string(p)
}

// History returns the questions posted in a channel, oldest first.
func (d *DB) History(space SpaceRef, channel string) ([]HistoryEntry, error) {
	var out []HistoryEntry
	err := d.view(func(tx *bolt.Tx) error {
		pre := prefix(space.Platform, space.ID, channel)
		cur := tx.Bucket(bHistory).Cursor()
		for k, v := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = cur.Next() {
			q, p := splitHistory(v)
			out = append(out, HistoryEntry{QuestionID: q, PostID: p, At: getTime(k[len(pre):])})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history %s/%s: %w", space, channel, err)
	}
	return out, nil
}

// Report is a user's flag on a question as wrong or unclear.
type Report struct {
	// QuestionID is the question reported.
	QuestionID string `json:"question_id"`
	// User is who reported it.
	User string `json:"user"`
	// Reason is what they said.
	Reason string `json:"reason"`
	// At is when.
	At time.Time `json:"at"`
}

// ReportQuestion records a report (one per user and question; a second
// replaces the reason) and returns how many users have reported it.
func (d *DB) ReportQuestion(space SpaceRef, r Report) (int, error) {
	if err := space.valid(); err != nil {
		return 0, err
	}
	if err := validID("question", r.QuestionID); err != nil {
		return 0, err
	}
	if err := validID("user", r.User); err != nil {
		return 0, err
	}
	if r.At.IsZero() {
		r.At = d.now().UTC()
	}
	n := 0
	err := d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bReports)
		if err := putJSON(b, key(space.Platform, space.ID, r.QuestionID, r.User), r); err != nil {
			return err
		}
		pre := prefix(space.Platform, space.ID, r.QuestionID)
		cur := b.Cursor()
		for k, _ := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, _ = cur.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("report %s: %w", r.QuestionID, err)
	}
	return n, nil
}

// Reports returns every report in a space, grouped by question (most
// reported first).
func (d *DB) Reports(space SpaceRef) (map[string][]Report, []string, error) {
	byQ := map[string][]Report{}
	err := d.view(func(tx *bolt.Tx) error {
		pre := prefix(space.Platform, space.ID)
		cur := tx.Bucket(bReports).Cursor()
		for k, v := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = cur.Next() {
			var r Report
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			byQ[r.QuestionID] = append(byQ[r.QuestionID], r)
		}
		return nil
	})
	order := make([]string, 0, len(byQ))
	for q := range byQ {
		order = append(order, q)
	}
	sort.Slice(order, func(i, j int) bool {
		if len(byQ[order[i]]) != len(byQ[order[j]]) {
			return len(byQ[order[i]]) > len(byQ[order[j]])
		}
		return order[i] < order[j]
	})
	return byQ, order, err
}

// ClearReports removes every report of a question in a space and returns
// how many were removed.
func (d *DB) ClearReports(space SpaceRef, questionID string) (int, error) {
	n := 0
	err := d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bReports)
		pre := prefix(space.Platform, space.ID, questionID)
		var keys [][]byte
		cur := b.Cursor()
		for k, _ := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, _ = cur.Next() {
			keys = append(keys, append([]byte{}, k...))
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	return n, err
}
