package store

import (
	"bytes"
	"fmt"
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
// It reads in one transaction through the channel's question history
// (ordered by opening time), so the cost grows with the posts in the range
// and their answers, not with the whole store. A channel without posts in
// the range gives an empty slice.
func (d *DB) ChannelAnswers(space SpaceRef, channel string, from, to time.Time) ([]PostAnswers, error) {
	var out []PostAnswers
	err := d.view(func(tx *bolt.Tx) error {
		pre := prefix(space.Platform, space.ID, channel)
		end := putTime(append([]byte{}, pre...), to)
		hc := tx.Bucket(bHistory).Cursor()
		for k, v := hc.Seek(putTime(append([]byte{}, pre...), from)); k != nil && bytes.HasPrefix(k, pre) && bytes.Compare(k, end) < 0; k, v = hc.Next() {
			_, id := splitHistory(v)
			p, err := getPost(tx, id)
			if err != nil {
				return err
			}
			m, err := getPostMeta(tx, id)
			if err != nil {
				return err
			}
			pa := PostAnswers{Post: p}
			err = eachPostAnswer(tx, id, m, func(a Answer) error {
				pa.Answers = append(pa.Answers, a)
				return nil
			})
			if err != nil {
				return err
			}
			out = append(out, pa)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("channel answers %s/%s: %w", space, channel, err)
	}
	return out, nil
}
