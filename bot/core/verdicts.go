package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Verdicts is what the bot knows of review decisions made in chat since
// the bank was built (and, from the store, before): they override the
// bank's approval without touching the shared bank. The quiz reads them
// (pools, withheld questions); curation writes them. It is safe for
// concurrent use.
type Verdicts struct {
	mu      sync.Mutex
	verdict map[string]questions.Verdict // by question ID
	skipped map[string]map[string]bool   // by user, question IDs skipped
	key     []byte                       // signs review buttons
}

// LoadVerdicts loads the decisions kept in the store.
func LoadVerdicts(db *store.DB) (*Verdicts, error) {
	r := &Verdicts{verdict: map[string]questions.Verdict{}, skipped: map[string]map[string]bool{}, key: make([]byte, 32)}
	if _, err := rand.Read(r.key); err != nil {
		return nil, fmt.Errorf("bot: review key: %w", err)
	}
	ds, err := db.ReviewDecisions()
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	for _, d := range ds {
		r.verdict[d.QuestionID] = questions.Verdict(d.Verdict)
	}
	return r, nil
}

// Approved reports whether q is approved (by the review file or in chat).
func (v *Verdicts) Approved(q *questions.Question) bool {
	if q.Approved {
		return true
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.approvedLocked(q)
}

func (v *Verdicts) approvedLocked(q *questions.Question) bool {
	return q.Approved || v.verdict[q.ID] == questions.Approved
}

// Rejected reports whether q was rejected in chat (the review file's
// rejections are not in the bank at all).
func (v *Verdicts) Rejected(q *questions.Question) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.rejectedLocked(q)
}

func (v *Verdicts) rejectedLocked(q *questions.Question) bool {
	return v.verdict[q.ID] == questions.Rejected
}

// Read calls f with Approved and Rejected read under one lock, for a
// caller that asks about the whole bank at once.
func (v *Verdicts) Read(f func(approved, rejected func(*questions.Question) bool)) {
	v.mu.Lock()
	defer v.mu.Unlock()
	f(v.approvedLocked, v.rejectedLocked)
}

// Set records a verdict on question qid.
func (v *Verdicts) Set(qid string, verdict questions.Verdict) {
	v.mu.Lock()
	v.verdict[qid] = verdict
	v.mu.Unlock()
}

// Skip records that user skipped question qid in review.
func (v *Verdicts) Skip(space Space, user, qid string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	k := space.String() + "\x00" + user
	if v.skipped[k] == nil {
		v.skipped[k] = map[string]bool{}
	}
	v.skipped[k][qid] = true
}

// Skipped reports whether user skipped question qid in review.
func (v *Verdicts) Skipped(space Space, user, qid string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.skipped[space.String()+"\x00"+user][qid]
}

// Sign signs a review button for the admin it was shown to: only that
// user's click counts (a click carries no admin flag).
func (v *Verdicts) Sign(space Space, user, qid, verdict string) string {
	m := hmac.New(sha256.New, v.key)
	m.Write([]byte(space.String() + "\x00" + user + "\x00" + qid + "\x00" + verdict))
	return hex.EncodeToString(m.Sum(nil)[:6])
}
