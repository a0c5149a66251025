package bot

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/studybot/studybot/bot/render"
	"strings"
	"sync"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// ReviewRecorder writes a review decision made in chat to the team's
// review file (cmd/studybot implements it over the memo's review file).
// Without one, or when it fails, the decision is kept in the store, for
// "studybot questions review --export".
type ReviewRecorder interface {
	// RecordReview persists one decision.
	RecordReview(questions.Decision) error
}

// reviews is what the bot knows of decisions made in chat since the bank
// was built (and, from the store, before): they override the bank's
// approval without touching the shared bank.
type reviews struct {
	mu      sync.Mutex
	verdict map[string]questions.Verdict // by question ID
	skipped map[string]map[string]bool   // by user, question IDs skipped
	key     []byte                       // signs review buttons
}

// newReviews loads the decisions kept in the store.
func newReviews(db *store.DB) (*reviews, error) {
	r := &reviews{verdict: map[string]questions.Verdict{}, skipped: map[string]map[string]bool{}, key: make([]byte, 32)}
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

// isApproved reports whether q is approved (by the review file or in chat).
func (b *Bot) isApproved(q *questions.Question) bool {
	if q.Approved {
		return true
	}
	b.reviews.mu.Lock()
	defer b.reviews.mu.Unlock()
	return b.approvedLocked(q)
}

// approvedLocked is isApproved for a caller holding b.reviews.mu.
func (b *Bot) approvedLocked(q *questions.Question) bool {
	return q.Approved || b.reviews.verdict[q.ID] == questions.Approved
}

// isRejected reports whether q was rejected in chat (the review file's
// rejections are not in the bank at all).
func (b *Bot) isRejected(q *questions.Question) bool {
	b.reviews.mu.Lock()
	defer b.reviews.mu.Unlock()
	return b.rejectedLocked(q)
}

// rejectedLocked is isRejected for a caller holding b.reviews.mu.
func (b *Bot) rejectedLocked(q *questions.Question) bool {
	return b.reviews.verdict[q.ID] == questions.Rejected
}

// reviewSig signs a review button for the admin it was shown to: only
// that user's click counts (a click carries no admin flag).
func (b *Bot) reviewSig(space Space, user, qid, verdict string) string {
	m := hmac.New(sha256.New, b.reviews.key)
	m.Write([]byte(space.String() + "\x00" + user + "\x00" + qid + "\x00" + verdict))
	return hex.EncodeToString(m.Sum(nil)[:6])
}

// nextReview returns the next question user should review: flagged ones
// (Flags: reported by Withheld users, or by their answers) first, then the rest in draw order; never
// one decided on or that the user skipped. It returns nil when none is
// left, and how many are.
func (b *Bot) nextReview(space Space, user string) (*questions.Question, int, error) {
	flags, err := b.itemFlags(space)
	if err != nil {
		return nil, 0, err
	}
	var flagged, rest []*questions.Question
	for _, q := range b.Bank().Top(0) {
		if b.isApproved(q) || b.isRejected(q) {
			continue
		}
		b.reviews.mu.Lock()
		skip := b.reviews.skipped[space.String()+"\x00"+user][q.ID]
		b.reviews.mu.Unlock()
		if skip {
			continue
		}
		if len(flags[q.ID]) > 0 {
			flagged = append(flagged, q)
		} else {
			rest = append(rest, q)
		}
	}
	all := append(flagged, rest...)
	if len(all) == 0 {
		return nil, 0, nil
	}
	return all[0], len(all), nil
}

// reviewMessage shows the next question to review, privately, with
// approve, reject and skip buttons signed for user.
func (b *Bot) reviewMessage(space Space, user, lang string) Response {
	q, left, err := b.nextReview(space, user)
	if err != nil {
		return b.internalError(lang, "review", err)
	}
	if q == nil {
		return render.Private(Message{Tone: Good, Body: T(lang, "review.done")})
	}
	var body strings.Builder
	fmt.Fprintf(&body, "%s · %s\n\n%s\n", q.ID, b.domainLabel(lang, q.Domain, q.DomainTitle), q.Stem)
	for i, o := range q.Options {
		mark := ""
		if i == q.Answer {
			mark = " ✅"
		}
		fmt.Fprintf(&body, "\n%s) %s%s", questions.Letter(i), o.Text, mark)
	}
	if q.Doubt != "" {
		fmt.Fprintf(&body, "\n\n%s", T(lang, "review.doubt", q.Doubt))
	}
	m := Message{Title: T(lang, "review.title", left), Body: body.String(), Quote: q.Explanation}
	for _, v := range []struct{ verdict, label string }{{"a", "review.approve"}, {"r", "review.reject"}, {"s", "review.skip"}} {
		m.Buttons = append(m.Buttons, Button{ActionID: render.ReviewAction(q.ID, v.verdict, b.reviewSig(space, user, q.ID, v.verdict)), Label: T(lang, v.label)})
	}
	return render.Private(m)
}

// adminReview is /studybot review: the next question to review, or
// "approve ID" / "reject ID reason…" typed out.
func (b *Bot) adminReview(_ context.Context, c Command, args []string, _ store.Channel, lang string) Response {
	if len(args) == 0 {
		return b.reviewMessage(c.Space, c.User, lang)
	}
	verb := strings.ToLower(args[0])
	switch {
	case verb == "approve" && len(args) == 2:
		return b.decide(c.Space, c.User, lang, args[1], questions.Approved, "")
	case verb == "reject" && len(args) >= 3:
		return b.decide(c.Space, c.User, lang, args[1], questions.Rejected, strings.Join(args[2:], " "))
	}
	return usageError(lang, T(lang, "review.usage"), "review.example")
}

// reviewClick handles a review button: only the admin it was shown to may
// use it.
func (b *Bot) reviewClick(c Click, lang, qid, opt string) Response {
	verdict, sig, ok := strings.Cut(opt, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(b.reviewSig(c.Space, c.User, qid, verdict))) {
		return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.button")})
	}
	switch verdict {
	case "a":
		return b.decide(c.Space, c.User, lang, qid, questions.Approved, "")
	case "r":
		return b.decide(c.Space, c.User, lang, qid, questions.Rejected, T(lang, "review.reason", c.User))
	case "s":
		b.reviews.mu.Lock()
		k := c.Space.String() + "\x00" + c.User
		if b.reviews.skipped[k] == nil {
			b.reviews.skipped[k] = map[string]bool{}
		}
		b.reviews.skipped[k][qid] = true
		b.reviews.mu.Unlock()
		return b.reviewMessage(c.Space, c.User, lang)
	}
	return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.button")})
}

// decide records a verdict: in the review file through Config.Reviews
// when it takes it, else in the store; then shows the next question.
func (b *Bot) decide(space Space, user, lang, qid string, v questions.Verdict, reason string) Response {
	if _, err := b.Bank().Get(qid); err != nil {
		return unknownQuestion(lang, qid, "review.example")
	}
	stored := false
	if b.cfg.Reviews != nil {
		if err := b.cfg.Reviews.RecordReview(questions.Decision{ID: qid, Verdict: v, Reason: reason}); err != nil {
			b.log.Warn("review file not written; the decision is kept in the store", "question", qid, "err", err)
		} else {
			stored = true
		}
	}
	if !stored {
		if err := b.db.PutReviewDecision(store.ReviewDecision{QuestionID: qid, Verdict: string(v), Reason: reason, User: user}); err != nil {
			return b.internalError(lang, "review", err)
		}
	}
	b.reviews.mu.Lock()
	b.reviews.verdict[qid] = v
	b.reviews.mu.Unlock()
	next := b.reviewMessage(space, user, lang)
	done := Message{Tone: Good, Body: T(lang, "review."+string(v), qid)}
	return render.Private(append([]Message{done}, next.Messages...)...)
}
