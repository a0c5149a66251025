package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Answer is one user's answer to a post.
type Answer struct {
	// PostID is the post answered.
	PostID string `json:"post_id"`
	// UserID is who answered.
	UserID string `json:"user_id"`
	// OptionID is the option chosen.
	OptionID string `json:"option_id"`
	// Correct reports whether it was the answer.
	Correct bool `json:"correct"`
	// At is when the answer was recorded.
	At time.Time `json:"at"`
}

func encodeAnswer(a Answer) []byte {
	b := make([]byte, 0, 10+len(a.OptionID))
	b = putTime(b, a.At)
	if a.Correct {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	return append(b, a.OptionID...)
}

func decodeAnswer(post, user string, v []byte) Answer {
	if len(v) < 9 {
		return Answer{PostID: post, UserID: user}
	}
	return Answer{PostID: post, UserID: user, At: getTime(v), Correct: v[8] == 1, OptionID: string(v[9:])}
}

// Recorded is the outcome of RecordAnswer.
type Recorded struct {
	// Answer is the answer that counts: this one, or the first one when the
	// user had already answered.
	Answer Answer
	// Counted reports whether this call's answer was counted.
	Counted bool
	// Streak is the user's streak after the answer.
	Streak Streak
	// RankBefore and RankAfter are the user's ranks by points on the
	// space's weekly all-domain board, ties sharing a place (0: not on it).
	RankBefore, RankAfter int
}

// RecordAnswer records a user's answer to a post: optionID is the choice
// key, an option ID or, on a multi-answer post, the chosen set's key
// (SetSeparator; a known option each, sorted, no repeats; ErrInvalid
// otherwise), right exactly when it equals the post's answer key, so a
// partial set is wrong. The first answer counts;
// a second returns ErrAlreadyAnswered with the first in Recorded.Answer.
// An answer after the post closed returns ErrClosed and is not stored.
// Counters, the rank index, stats and the streak are updated in the same
// transaction. Concurrent calls are batched; the call returns only after
// its answer is committed.
func (d *DB) RecordAnswer(postID, userID, optionID string) (Recorded, error) {
	return d.recordAnswer(d.batch, postID, userID, optionID)
}

// recordAnswer runs the answer through commit, which is d.batch in
// production and d.update in the benchmark that measures the difference.
func (d *DB) recordAnswer(commit func(func(*bolt.Tx) error) error, postID, userID, optionID string) (Recorded, error) {
	if err := validID("user", userID); err != nil {
		return Recorded{}, err
	}
	if err := validID("post", postID); err != nil {
		return Recorded{}, err
	}
	now := d.now().UTC().Truncate(time.Millisecond) // as archived (archive.go)
	var res Recorded
	var outcome error
	var (
		space  SpaceRef
		wk     string
		before counter
	)
	err := commit(func(tx *bolt.Tx) error {
		// Batch may run this more than once: start from scratch each time.
		res, outcome = Recorded{}, nil
		meta, err := getPostMeta(tx, postID)
		if err != nil {
			return err
		}
		if err := validChoice(optionID, meta.Options, meta.Answer); err != nil {
			return fmt.Errorf("post %s: %w", postID, err)
		}
		if first, found, err := getAnswerTx(tx, postID, userID, meta); err != nil {
			return err
		} else if found {
			res.Answer = first
			res.Streak = getStreak(tx, meta.Space, userID)
			outcome = ErrAlreadyAnswered
			return nil
		}
		if meta.Closed || !meta.ClosesAt.IsZero() && !now.Before(meta.ClosesAt) {
			res.Answer = Answer{PostID: postID, UserID: userID, OptionID: optionID, Correct: optionID == meta.Answer, At: now}
			outcome = ErrClosed
			return nil
		}
		sp, err := getSpace(tx, meta.Space)
		if err != nil {
			return err
		}
		loc := d.location(sp.TZ)
		// equal keys on purpose: a set's key is canonical (validChoice), so it is right only as exactly the correct set
		a := Answer{PostID: postID, UserID: userID, OptionID: optionID, Correct: optionID == meta.Answer, At: now}
		wk, _ = windowKey(Week, now, loc)
		space = meta.Space
		before = decodeCounter(tx.Bucket(bCounters).Get(key(space.Platform, space.ID, wk, domainKey(AllDomains), userID)))
		if err := tx.Bucket(bAnswers).Put(key(postID, userID), encodeAnswer(a)); err != nil {
			return err
		}
		if err := bump(tx, meta.Space, loc, meta.Domain, userID, a.Correct, now); err != nil {
			return err
		}
		if err := bumpStats(tx, meta.Space, meta.Domain, userID, a.Correct, now); err != nil {
			return err
		}
		st := getStreak(tx, meta.Space, userID)
		st.advance(tx, meta.Space, meta.Day)
		if err := putJSON(tx.Bucket(bStreaks), key(meta.Space.Platform, meta.Space.ID, userID), st); err != nil {
			return err
		}
		res.Answer, res.Counted, res.Streak = a, true, st
		return nil
	})
	if err != nil {
		return Recorded{}, fmt.Errorf("record answer %s/%s: %w", postID, userID, err)
	}
	if outcome != nil {
		return res, fmt.Errorf("record answer %s/%s: %w", postID, userID, outcome)
	}
	// Ranks are read after the commit, outside the writer's transaction:
	// the walk costs O(rank) and must not hold up other answers.
	_ = d.view(func(tx *bolt.Tx) error {
		res.RankBefore, res.RankAfter = rankMove(tx, space, wk, AllDomains, userID, before)
		return nil
	})
	return res, nil
}

// GetAnswer returns a user's answer to a post.
func (d *DB) GetAnswer(postID, userID string) (Answer, error) {
	var a Answer
	err := d.view(func(tx *bolt.Tx) error {
		m, err := getPostMeta(tx, postID)
		if err != nil {
			return fmt.Errorf("answer %s/%s: %w", postID, userID, err)
		}
		var found bool
		if a, found, err = getAnswerTx(tx, postID, userID, m); err != nil {
			return err
		} else if !found {
			return fmt.Errorf("answer %s/%s: %w", postID, userID, ErrNotFound)
		}
		return nil
	})
	return a, err
}

// Practice is an on-demand question answered by one user: it counts in the
// user's stats but never on leaderboards or streaks.
type Practice struct {
	// Space is where it was asked.
	Space SpaceRef `json:"space"`
	// UserID is who answered.
	UserID string `json:"user_id"`
	// QuestionID is the question.
	QuestionID string `json:"question_id"`
	// Domain is the question's domain.
	Domain int `json:"domain"`
	// Correct reports whether the answer was right.
	Correct bool `json:"correct"`
	// At is when it was answered.
	At time.Time `json:"at"`
}

// RecordPractice stores a practice answer and updates the user's stats.
func (d *DB) RecordPractice(p Practice) error {
	if err := p.Space.valid(); err != nil {
		return err
	}
	if err := validID("user", p.UserID); err != nil {
		return err
	}
	if p.At.IsZero() {
		p.At = d.now()
	}
	p.At = p.At.UTC()
	err := d.batch(func(tx *bolt.Tx) error {
		if _, err := getSpace(tx, p.Space); err != nil {
			return err
		}
		b, k := appendBucket(tx, bPractice), practiceKey(p)
		if b.Get(k) != nil {
			return nil // the same practice answer twice (a retried click)
		}
		if err := b.Put(k, encodePractice(p)); err != nil {
			return err
		}
		return bumpStats(tx, p.Space, p.Domain, p.UserID, p.Correct, p.At)
	})
	if err != nil {
		return fmt.Errorf("record practice %s/%s: %w", p.Space, p.UserID, err)
	}
	return nil
}
