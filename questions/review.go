package questions

import (
	"fmt"
	"strings"
)

// Verdict is what a reviewer decided about one question.
type Verdict string

// Verdicts a review file records.
const (
	// Approved: the question is right and may lead the daily post.
	Approved Verdict = "approved"
	// Rejected: the question never ships (like Config.Rejected).
	Rejected Verdict = "rejected"
	// Edited: the reviewer rewrote the question; an edited question that
	// passes every quality rule counts as approved.
	Edited Verdict = "edited"
)

// Decision is one review file entry: a reviewer's verdict on the question
// with ID.
type Decision struct {
	// ID is the question's ID.
	ID string
	// Verdict is approved, rejected or edited.
	Verdict Verdict
	// Reason says why a question was rejected (required for Rejected).
	Reason string
	// Stem, Options, Answer (0-based) and Explanation are an edited
	// question's new text; an empty Stem, Options or Explanation keeps the
	// question's own, Answer counts only with Options.
	Stem        string
	Options     []string
	Answer      int
	Explanation string
	// Line is where the entry starts in its file, for messages.
	Line int
}

// ReviewError is why one review decision was not applied.
type ReviewError struct {
	// Line is where the entry starts in its file.
	Line int
	// ID is the question ID the entry names.
	ID string
	// Rule is the quality rule an edited question failed, or "unknown-id",
	// "verdict", "reason", "answer".
	Rule string
	// Reason says what is wrong.
	Reason string
}

// Error returns "line N: ID: rule: reason".
func (e *ReviewError) Error() string {
	return fmt.Sprintf("line %d: %s: %s: %s", e.Line, e.ID, e.Rule, e.Reason)
}

// ApplyReview applies a review file's decisions to the bank: rejected
// questions leave it, approved ones are marked Approved, edited ones take
// their new text when it passes every quality rule (and are then
// approved). It returns a *ReviewError for each decision not applied — an
// ID no question has (the memo changed; a question the config already
// rejects is not reported), an unknown verdict, a rejection without a
// reason, an edit that fails a rule (the question keeps its old text and
// stays unapproved) — and re-ranks the bank.
func (b *Bank) ApplyReview(ds []Decision) []error {
	var errs []error
	fail := func(d Decision, rule, format string, args ...any) {
		errs = append(errs, &ReviewError{Line: d.Line, ID: d.ID, Rule: rule, Reason: fmt.Sprintf(format, args...)})
	}
	for _, d := range ds {
		q, ok := b.byID[d.ID]
		if !ok {
			if _, gone := b.Memo.Rejected[d.ID]; !gone {
				fail(d, "unknown-id", "no question has this ID (the memo changed?)")
			}
			continue
		}
		switch d.Verdict {
		case Approved:
			q.Approved = true
		case Rejected:
			if strings.TrimSpace(d.Reason) == "" {
				fail(d, "reason", "a rejection needs a reason")
				continue
			}
			b.Rejected = append(b.Rejected, q)
			b.remove(d.ID)
			b.Dropped["rejected"]++
		case Edited:
			e, err := b.CheckEdit(d)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			*q = *e
		default:
			fail(d, "verdict", "want approved, rejected or edited, got %q", d.Verdict)
		}
	}
	b.rank()
	return errs
}

// CheckEdit returns the question d.ID as the edit d would leave it,
// approved, without changing the bank; a *ReviewError when no question has
// that ID, the answer is out of range or the edited question fails a
// quality rule (Rule is the rule's name).
func (b *Bank) CheckEdit(d Decision) (*Question, error) {
	q, ok := b.byID[d.ID]
	if !ok {
		return nil, &ReviewError{Line: d.Line, ID: d.ID, Rule: "unknown-id", Reason: "no question has this ID"}
	}
	e, err := edited(q, d)
	if err != nil {
		return nil, err
	}
	if rule, why := Check(e, b.Memo); rule != "" {
		return nil, &ReviewError{Line: d.Line, ID: d.ID, Rule: rule, Reason: why}
	}
	e.Approved = true
	return e, nil
}

// CheckEditAll is CheckEdit running every quality rule instead of
// stopping at the first that fails: it returns the edited question
// (approved) when all pass, else every failure as a *ReviewError (Rule is
// the rule's name, or "unknown-id" or "answer"), so that a form can show
// each next to its field. The bank is not changed.
func (b *Bank) CheckEditAll(d Decision) (*Question, []*ReviewError) {
	q, ok := b.byID[d.ID]
	if !ok {
		return nil, []*ReviewError{{Line: d.Line, ID: d.ID, Rule: "unknown-id", Reason: "no question has this ID"}}
	}
	e, err := edited(q, d)
	if err != nil {
		return nil, []*ReviewError{err.(*ReviewError)}
	}
	var errs []*ReviewError
	if checkOptions(e, b.Memo) != "" {
		// the other rules index the options: only this one can run
		return nil, []*ReviewError{{Line: d.Line, ID: d.ID, Rule: "options", Reason: checkOptions(e, b.Memo)}}
	}
	for _, r := range Rules {
		if why := r.Check(e, b.Memo); why != "" {
			errs = append(errs, &ReviewError{Line: d.Line, ID: d.ID, Rule: r.Name, Reason: why})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	e.Approved = true
	return e, nil
}

// edited returns a copy of q with the decision's new text.
func edited(q *Question, d Decision) (*Question, error) {
	e := *q
	e.normStem, e.fold, e.probeToks = "", nil, nil
	if s := strings.TrimSpace(d.Stem); s != "" {
		e.Stem, e.probe = s, s
	}
	if len(d.Options) > 0 {
		if d.Answer < 0 || d.Answer >= len(d.Options) {
			return nil, &ReviewError{Line: d.Line, ID: d.ID, Rule: "answer",
				Reason: fmt.Sprintf("answer %d is not one of the %d options (0-based)", d.Answer, len(d.Options))}
		}
		old := map[string]Option{}
		for _, o := range q.Options {
			old[o.normText()] = o
		}
		e.Options = make([]Option, 0, len(d.Options))
		for _, t := range d.Options {
			t = strings.TrimSpace(t)
			o, kept := old[Normalize(t)]
			if !kept || o.Text != t {
				o = Option{ID: optionID(t), Text: t, owner: t}
			}
			e.Options = append(e.Options, o)
		}
		e.Answer = d.Answer
	}
	if s := strings.TrimSpace(d.Explanation); s != "" {
		e.note, e.Rationale = s, s
	}
	e.buildExplanation()
	return &e, nil
}
