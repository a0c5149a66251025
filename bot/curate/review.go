package curate

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"strings"

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

// ReviewQueue returns the questions user has left to review, in the
// order chat shows them (ReviewOrder, the flags from the space's answers
// and reports); never one the user skipped.
func (b *Curate) ReviewQueue(space core.Space, user string) ([]*questions.Question, error) {
	flags, err := b.ItemFlags(space)
	if err != nil {
		return nil, err
	}
	var all []*questions.Question
	b.Verdicts.Read(func(approved, rejected func(*questions.Question) bool) {
		all = ReviewOrder(b.Bank().Top(0), flags, func(q *questions.Question) bool { return approved(q) || rejected(q) })
	})
	out := all[:0]
	for _, q := range all {
		if !b.Verdicts.Skipped(space, user, q.ID) {
			out = append(out, q)
		}
	}
	return out, nil
}

// ReviewOrder is the order questions are reviewed in, chat's and the web
// page's "next undecided": of the questions in draw order (top), those
// not decided yet, flagged ones (flags: reported by Withheld users, or by
// their answers) first, then the rest in draw order.
func ReviewOrder(top []*questions.Question, flags map[string][]core.Flag, decided func(*questions.Question) bool) []*questions.Question {
	var flagged, rest []*questions.Question
	for _, q := range top {
		if decided(q) {
			continue
		}
		if len(flags[q.ID]) > 0 {
			flagged = append(flagged, q)
		} else {
			rest = append(rest, q)
		}
	}
	return append(flagged, rest...)
}

// nextReview returns the next question user should review (the head of
// ReviewQueue), or nil when none is left, and how many are.
func (b *Curate) nextReview(space core.Space, user string) (*questions.Question, int, error) {
	all, err := b.ReviewQueue(space, user)
	if err != nil || len(all) == 0 {
		return nil, 0, err
	}
	return all[0], len(all), nil
}

// reviewMessage shows the next question to review, privately, with
// approve, reject and skip buttons signed for user.
func (b *Curate) reviewMessage(space core.Space, user, lang string) render.Response {
	q, left, err := b.nextReview(space, user)
	if err != nil {
		return b.InternalError(lang, "review", err)
	}
	if q == nil {
		return render.Private(render.Message{Tone: render.Good, Body: render.T(lang, "review.done")})
	}
	var body strings.Builder
	fmt.Fprintf(&body, "%s · %s\n\n%s\n", q.ID, b.DomainLabel(lang, q.Domain, q.DomainTitle), q.Stem)
	for i, o := range q.Options {
		mark := ""
		if q.IsCorrectIndex(i) {
			mark = " ✅"
		}
		fmt.Fprintf(&body, "\n%s) %s%s", questions.Letter(i), o.Text, mark)
	}
	if q.Doubt != "" {
		fmt.Fprintf(&body, "\n\n%s", render.T(lang, "review.doubt", q.Doubt))
	}
	m := render.Message{Title: render.T(lang, "review.title", left), Body: body.String(), Quote: q.Explanation}
	for _, v := range []struct{ verdict, label string }{{"a", "review.approve"}, {"r", "review.reject"}, {"s", "review.skip"}} {
		m.Buttons = append(m.Buttons, render.Button{ActionID: render.ReviewAction(q.ID, v.verdict, b.Verdicts.Sign(space, user, q.ID, v.verdict)), Label: render.T(lang, v.label)})
	}
	return render.Private(m)
}

// adminReview is /studybot review: the next question to review, or
// "approve ID" / "reject ID reason…" typed out.
func (b *Curate) adminReview(_ context.Context, c core.Command, args []string, _ store.Channel, lang string) render.Response {
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
	return core.UsageError(lang, render.T(lang, "review.usage"), "review.example")
}

// ReviewClick handles a review button: only the admin it was shown to may
// use it.
func (b *Curate) ReviewClick(c core.Click, lang, qid, opt string) render.Response {
	verdict, sig, ok := strings.Cut(opt, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(b.Verdicts.Sign(c.Space, c.User, qid, verdict))) {
		return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "err.button")})
	}
	switch verdict {
	case "a":
		return b.decide(c.Space, c.User, lang, qid, questions.Approved, "")
	case "r":
		return b.decide(c.Space, c.User, lang, qid, questions.Rejected, render.T(lang, "review.reason", c.User))
	case "s":
		b.Verdicts.Skip(c.Space, c.User, qid)
		return b.reviewMessage(c.Space, c.User, lang)
	}
	return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "err.button")})
}

// Recorded says where a review decision went.
type Recorded int

// Where decisions go.
const (
	// InFile: the review file took it (through the ReviewRecorder).
	InFile Recorded = iota + 1
	// InStore: the database keeps it ("questions review --export" writes
	// it out), the review file being absent or not writable.
	InStore
)

// Decide records an admin's verdict on question qid: in the review file
// through the ReviewRecorder when it takes it, else in the store; chat,
// the terminal review and the web page all decide through it, so each
// sees the others' decisions at once. It returns ErrUnknownQuestion for
// an ID the bank lacks and ErrNoReason for a rejection without a reason.
func (b *Curate) Decide(space core.Space, user, qid string, v questions.Verdict, reason string) (Recorded, error) {
	if _, err := b.Bank().Get(qid); err != nil {
		return 0, fmt.Errorf("review %s: %w", qid, ErrUnknownQuestion)
	}
	if v == questions.Rejected && strings.TrimSpace(reason) == "" {
		return 0, fmt.Errorf("review %s: %w", qid, ErrNoReason)
	}
	where, err := b.record(user, questions.Decision{ID: qid, Verdict: v, Reason: strings.TrimSpace(reason)})
	if err != nil {
		return 0, err
	}
	b.Verdicts.Set(qid, v)
	return where, nil
}

// Edit checks an edit of question d.ID with every quality rule
// (questions.Bank.CheckEditAll). When one fails it returns the failures
// and records nothing. When all pass it records the edit like Decide
// (verdict edited: the review file, else the store); an edit the review
// file took is reloaded into the bank at once when a reload function is
// set, so the new text shows everywhere (an edit kept in the store waits
// for "questions review --export"). It returns ErrUnknownQuestion for an
// ID the bank lacks.
func (b *Curate) Edit(space core.Space, user string, d questions.Decision) (Recorded, []*questions.ReviewError, error) {
	bank := b.Bank()
	if _, err := bank.Get(d.ID); err != nil {
		return 0, nil, fmt.Errorf("edit %s: %w", d.ID, ErrUnknownQuestion)
	}
	d.Verdict = questions.Edited
	if _, problems := bank.CheckEditAll(d); len(problems) > 0 {
		return 0, problems, nil
	}
	where, err := b.record(user, d)
	if err != nil {
		return 0, nil, err
	}
	if where == InFile && b.reload != nil {
		if _, err := b.Reload(); err != nil {
			return where, nil, fmt.Errorf("edit %s: recorded, but the bank did not reload: %w", d.ID, err)
		}
		b.Verdicts.Set(d.ID, questions.Approved)
	}
	return where, nil, nil
}

// record writes one decision to the review file when the recorder takes
// it, else to the store.
func (b *Curate) record(user string, d questions.Decision) (Recorded, error) {
	if b.recorder != nil {
		if err := b.recorder.RecordReview(d); err != nil {
			b.Log.Warn("review file not written; the decision is kept in the store", "question", d.ID, "err", err)
		} else {
			return InFile, nil
		}
	}
	r := store.ReviewDecision{QuestionID: d.ID, Verdict: string(d.Verdict), Reason: d.Reason, User: user}
	if d.Verdict == questions.Edited {
		answer := d.Answer
		r.Stem, r.Options, r.Answer, r.Explanation = d.Stem, d.Options, &answer, d.Explanation
		r.Answers, r.Choose = d.Answers, d.Choose // a multi-answer edit's set
	}
	if err := b.DB.PutReviewDecision(r); err != nil {
		return 0, fmt.Errorf("review %s: %w", d.ID, err)
	}
	return InStore, nil
}

// decide records a verdict (Decide), then shows the next question.
func (b *Curate) decide(space core.Space, user, lang, qid string, v questions.Verdict, reason string) render.Response {
	if _, err := b.Decide(space, user, qid, v, reason); err != nil {
		if errors.Is(err, ErrUnknownQuestion) {
			return core.UnknownQuestion(lang, qid, "review.example")
		}
		return b.InternalError(lang, "review", err)
	}
	next := b.reviewMessage(space, user, lang)
	done := render.Message{Tone: render.Good, Body: render.T(lang, "review."+string(v), qid)}
	return render.Private(append([]render.Message{done}, next.Messages...)...)
}
