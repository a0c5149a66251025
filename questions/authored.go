package questions

import (
	"fmt"
	"strings"
)

// TypeAuthored is a question a person wrote, from the team's questions
// file beside the memo.
const TypeAuthored Type = "authored"

// Authored is one hand-written question as read from a questions file.
type Authored struct {
	// Domain is the exam domain number.
	Domain int
	// Stem is the question text.
	Stem string
	// Options are the choices, in the order written (3 or 4; for a
	// multi-answer question Choose+2 to 6).
	Options []string
	// Answer is the 0-based index of the correct option (ignored when
	// Choose is set: the question then keeps Answers[0]).
	Answer int
	// Answers are the 0-based indexes of the correct options of a
	// multi-answer question ("choose two"); empty for a single answer.
	Answers []int
	// Choose is how many options a multi-answer question asks for (2 or
	// 3); 0 for a single-answer question.
	Choose int
	// Explanation says why the answer is right.
	Explanation string
	// Source, optional, is a memo passage the question rests on: a piece of
	// a memo line, verbatim, or the line's breadcrumb; the explanation
	// quotes that line.
	Source string
	// Sources, optional, are more memo passages the question rests on
	// (each correct option of a multi-answer question must rest on the
	// lines Source and Sources name); the explanation quotes them too.
	Sources []string
	// Replaces, optional, is the ID of a generated question about the same
	// item that this one takes the place of.
	Replaces string
	// Line is where the question starts in its file, for messages.
	Line int
	// Draft, when set, marks a question a language model drafted, with
	// its provenance; nil for a question a person wrote.
	Draft *Provenance
}

// AuthoredError is why one authored question was not added.
type AuthoredError struct {
	// Line is where the question starts in its file.
	Line int
	// Rule is the quality rule it failed, or "source", "domain", "answer",
	// "answers", "choose".
	Rule string
	// Reason says what is wrong.
	Reason string
}

// Error returns "line N: rule: reason".
func (e *AuthoredError) Error() string {
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Rule, e.Reason)
}

// AddAuthored checks each authored question with the same quality rules as
// generated ones and adds those that pass to the bank, most confident of
// all (a person chose them); a question naming Replaces removes that
// generated question. A question whose ID the memo's config rejects is left
// out and counted as rejected, as generated ones are. It returns an *AuthoredError for each question left
// out, and re-ranks the bank.
func (b *Bank) AddAuthored(qs []Authored) []error {
	var errs []error
	for _, a := range qs {
		q, err := b.authored(a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, no := b.Memo.Rejected[q.ID]; no { // the team rejected it (a reviewed draft, say)
			b.Dropped["rejected"]++
			continue
		}
		if rule, why := Check(q, b.Memo); rule != "" {
			errs = append(errs, &AuthoredError{Line: a.Line, Rule: rule, Reason: why})
			continue
		}
		if _, dup := b.byID[q.ID]; dup {
			errs = append(errs, &AuthoredError{Line: a.Line, Rule: "duplicate", Reason: "the same stem is written twice"})
			continue
		}
		if a.Replaces != "" {
			if _, ok := b.byID[a.Replaces]; !ok {
				errs = append(errs, &AuthoredError{Line: a.Line, Rule: "replaces", Reason: "no generated question " + a.Replaces})
				continue
			}
			b.remove(a.Replaces)
		}
		b.byID[q.ID] = q
		b.Questions = append(b.Questions, q)
	}
	b.rank()
	return errs
}

// DraftConfidence is the confidence of a drafted question: after every
// hand-written one (1), before most generated ones.
const DraftConfidence = 0.95

// CheckAuthored runs on one authored-shaped question every check AddAuthored
// runs (domain, answer, source, every quality rule), without a bank; it
// returns nil or an *AuthoredError naming the rule.
func (m *Memo) CheckAuthored(a Authored) error {
	b := &Bank{Memo: m}
	q, err := b.authored(a)
	if err != nil {
		return err
	}
	if rule, why := Check(q, m); rule != "" {
		return &AuthoredError{Line: a.Line, Rule: rule, Reason: why}
	}
	return nil
}

// remove takes the question with the given ID out of the bank.
func (b *Bank) remove(id string) {
	delete(b.byID, id)
	for i, q := range b.Questions {
		if q.ID == id {
			b.Questions = append(b.Questions[:i], b.Questions[i+1:]...)
			return
		}
	}
}

// authored turns one authored question into a Question.
func (b *Bank) authored(a Authored) (*Question, error) {
	fail := func(rule, format string, args ...any) error {
		return &AuthoredError{Line: a.Line, Rule: rule, Reason: fmt.Sprintf(format, args...)}
	}
	d := b.Memo.Domain(a.Domain)
	if d == nil || a.Domain == OtherDomain {
		return nil, fail("domain", "the memo has no domain %d", a.Domain)
	}
	answers, rule, why := a.correct()
	if rule != "" {
		return nil, fail(rule, "%s", why)
	}
	if strings.TrimSpace(a.Stem) == "" || strings.TrimSpace(a.Explanation) == "" {
		return nil, fail("explanation", "a question needs a stem and an explanation")
	}
	q := &Question{ID: hashID("authored", itoa(a.Domain), Normalize(a.Stem)), Domain: a.Domain, DomainTitle: d.Title,
		Type: TypeAuthored, Stem: strings.TrimSpace(a.Stem), Answer: answers[0], Difficulty: Hard, Kin: "authored",
		Kind: TermProse, Confidence: 1, probe: a.Stem, note: strings.TrimSpace(a.Explanation),
		Rationale: strings.TrimSpace(a.Explanation)}
	if a.Choose != 0 {
		q.Answers, q.Choose = answers, a.Choose
	}
	q.Item = q.ID
	if a.Draft != nil {
		q.Draft, q.Doubt = true, a.Draft.Doubt
		q.Confidence = DraftConfidence
	}
	for _, o := range a.Options {
		o = strings.TrimSpace(o)
		q.Options = append(q.Options, Option{ID: optionID(o), Text: o, owner: o})
	}
	if a.Source != "" {
		it := b.Memo.find(a.Source)
		if it == nil {
			return nil, fail("source", "no memo line holds %q", a.Source)
		}
		q.Source = Source{Path: it.Path(b.Memo), Line: it.Line, Quote: proofOf(it), Passage: passageOf(it)}
		for _, s := range a.Sources {
			more := b.Memo.find(s)
			if more == nil {
				return nil, fail("source", "no memo line holds %q", s)
			}
			if p := proofOf(more); !strings.Contains(q.Source.Quote, p) {
				q.Source.Quote += "\n" + p
			}
		}
	} else if len(a.Sources) > 0 {
		return nil, fail("source", "sources: needs a source: first")
	} else {
		q.Source = Source{Path: []string{d.Label()}}
	}
	if a.Draft != nil && (q.Multi() || q.Source.Quote == "") {
		// a drafted multi-answer question rests on every line it quotes; a
		// draft that names no source line (its evidence is a table row, say)
		// quotes its evidence, so its explanation still shows the memo
		for _, e := range a.Draft.Evidence {
			if t := evidenceLine(e.Text); t != "" && !strings.Contains(Normalize(q.Source.Quote), Normalize(t)) {
				if q.Source.Quote == "" {
					q.Source.Line = e.Line
					q.Source.Quote = t
					if it := b.Memo.itemBefore(e.Line); it != nil && it.Domain == a.Domain && len(q.Source.Path) == 1 {
						q.Source.Path = append(q.Source.Path, it.Section...)
					}
				} else {
					q.Source.Quote += "\n" + t
				}
			}
		}
	}
	q.buildExplanation()
	return q, nil
}

// evidenceLine is a quoted memo line as a reader sees it: trimmed, a table
// row's cells joined by " | " without the outer bars.
func evidenceLine(t string) string {
	t = strings.TrimSpace(t)
	if !strings.HasPrefix(t, "|") {
		return t
	}
	var cells []string
	for c := range strings.SplitSeq(strings.Trim(t, "|"), "|") {
		if c = strings.TrimSpace(c); c != "" {
			cells = append(cells, c)
		}
	}
	return strings.Join(cells, " | ")
}

// itemBefore returns the last memo item at or before line, or nil.
func (m *Memo) itemBefore(line int) *Item {
	var last *Item
	for _, it := range m.Items {
		if it.Line <= line && (last == nil || it.Line > last.Line) {
			last = it
		}
	}
	return last
}

// find returns the memo item whose text holds s (normalised), or whose
// breadcrumb is s, first in memo order; nil when none does.
func (m *Memo) find(s string) *Item {
	ns := Normalize(s)
	if ns == "" {
		return nil
	}
	for _, it := range m.Items {
		if strings.Contains(Normalize(it.Text), ns) {
			return it
		}
	}
	for _, it := range m.Items {
		if Normalize(it.Breadcrumb(m)) == ns {
			return it
		}
	}
	return nil
}
