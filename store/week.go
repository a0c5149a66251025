package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// PostAnswers is one daily post and every answer it got.
type PostAnswers struct {
	// Post is the post, its question as shown.
	Post Post
	// Answers are its answers, ordered by user ID.
	Answers []Answer
}

// ChannelAnswers returns the channel's daily posts opened in [from, to),
// oldest first, each with its answers; the weekly digest counts from it.
// It reads in one transaction, scanning the posts and seeking each one's
// answers. A channel without posts in the range gives an empty slice.
func (d *DB) ChannelAnswers(space SpaceRef, channel string, from, to time.Time) ([]PostAnswers, error) {
	var out []PostAnswers
	err := d.view(func(tx *bolt.Tx) error {
		err := tx.Bucket(bPosts).ForEach(func(k, v []byte) error {
			var p Post
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("post %s: %w", k, ErrCorrupt)
			}
			if p.Space != space || p.Channel != channel || p.OpenedAt.Before(from) || !p.OpenedAt.Before(to) {
				return nil
			}
			out = append(out, PostAnswers{Post: p})
			return nil
		})
		if err != nil {
			return err
		}
		cur := tx.Bucket(bAnswers).Cursor()
		for i := range out {
			id := out[i].Post.ID
			ap := prefix(id)
			for k, v := cur.Seek(ap); k != nil && bytes.HasPrefix(k, ap); k, v = cur.Next() {
				out[i].Answers = append(out[i].Answers, decodeAnswer(id, string(k[len(ap):]), v))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("channel answers: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Post.OpenedAt.Before(out[j].Post.OpenedAt) })
	return out, nil
}
