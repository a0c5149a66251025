package curate

import (
	"context"
	"crypto/hmac"
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

// nextReview returns the next question user should review: flagged ones
// (Flags: reported by Withheld users, or by their answers) first, then the rest in draw order; never
// one decided on or that the user skipped. It returns nil when none is
// left, and how many are.
func (b *Curate) nextReview(space core.Space, user string) (*questions.Question, int, error) {
	flags, err := b.ItemFlags(space)
	if err != nil {
		return nil, 0, err
	}
	var flagged, rest []*questions.Question
	for _, q := range b.Bank().Top(0) {
		if b.Verdicts.Approved(q) || b.Verdicts.Rejected(q) {
			continue
		}
		if b.Verdicts.Skipped(space, user, q.ID) {
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

// decide records a verdict: in the review file through Config.Reviews
// when it takes it, else in the store; then shows the next question.
func (b *Curate) decide(space core.Space, user, lang, qid string, v questions.Verdict, reason string) render.Response {
	if _, err := b.Bank().Get(qid); err != nil {
		return core.UnknownQuestion(lang, qid, "review.example")
	}
	stored := false
	if b.recorder != nil {
		if err := b.recorder.RecordReview(questions.Decision{ID: qid, Verdict: v, Reason: reason}); err != nil {
			b.Log.Warn("review file not written; the decision is kept in the store", "question", qid, "err", err)
		} else {
			stored = true
		}
	}
	if !stored {
		if err := b.DB.PutReviewDecision(store.ReviewDecision{QuestionID: qid, Verdict: string(v), Reason: reason, User: user}); err != nil {
			return b.InternalError(lang, "review", err)
		}
	}
	b.Verdicts.Set(qid, v)
	next := b.reviewMessage(space, user, lang)
	done := render.Message{Tone: render.Good, Body: render.T(lang, "review."+string(v), qid)}
	return render.Private(append([]render.Message{done}, next.Messages...)...)
}
