package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bReviews holds review decisions made in chat when the review file
// cannot be written. It is created by the first decision, so databases
// from before it need no migration; it is not in allBuckets.
var bReviews = []byte("reviews")

// ReviewDecision is an admin's verdict on a question, made in chat and
// kept here when the memo's review file is not writable ("studybot
// questions review --export" writes them out).
type ReviewDecision struct {
	// QuestionID is the question decided on.
	QuestionID string `json:"question_id"`
	// Verdict is "approved", "rejected" or "edited".
	Verdict string `json:"verdict"`
	// Reason says why a question was rejected.
	Reason string `json:"reason,omitempty"`
	// Stem, Options, Answer (0-based) and Explanation are an edited
	// question's new text (Verdict "edited"); Answer is nil otherwise.
	Stem        string   `json:"stem,omitempty"`
	Options     []string `json:"options,omitempty"`
	Answer      *int     `json:"answer,omitempty"`
	Explanation string   `json:"explanation,omitempty"`
	// Answers and Choose make an edited question a multi-answer one
	// (0-based indexes into Options, choose 2 or 3); empty for a
	// single-answer edit.
	Answers []int `json:"answers,omitempty"`
	Choose  int   `json:"choose,omitempty"`
	// User is the admin who decided.
	User string `json:"user"`
	// At is when.
	At time.Time `json:"at"`
}

// PutReviewDecision records a decision, replacing any earlier one on the
// same question. It returns ErrInvalid for an empty question ID or
// verdict.
func (d *DB) PutReviewDecision(r ReviewDecision) error {
	if err := validID("question", r.QuestionID); err != nil {
		return err
	}
	if r.Verdict == "" {
		return fmt.Errorf("review %s: empty verdict: %w", r.QuestionID, ErrInvalid)
	}
	if r.At.IsZero() {
		r.At = d.now().UTC()
	}
	err := d.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bReviews)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(r.QuestionID), r)
	})
	if err != nil {
		return fmt.Errorf("review %s: %w", r.QuestionID, err)
	}
	return nil
}

// ReviewDecisions returns every decision recorded, by question ID.
func (d *DB) ReviewDecisions() ([]ReviewDecision, error) {
	var out []ReviewDecision
	err := d.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bReviews)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var r ReviewDecision
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("stored review: %w", err)
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reviews: %w", err)
	}
	return out, nil
}
