package questions

import (
	"slices"
	"sort"
	"strings"
)

// ChangeKind says how a question differs between two banks.
type ChangeKind string

// Change kinds, in the order Diff lists them.
const (
	// Added questions are only in the new bank.
	Added ChangeKind = "added"
	// Removed questions are only in the old bank.
	Removed ChangeKind = "removed"
	// Changed questions are in both with a different stem, options, answer
	// or explanation.
	Changed ChangeKind = "changed"
)

// Change is one question that differs between two banks.
type Change struct {
	// Kind is added, removed or changed.
	Kind ChangeKind
	// ID is the question's ID.
	ID string
	// Old is the question in the old bank (nil when added).
	Old *Question
	// New is the question in the new bank (nil when removed).
	New *Question
	// Fields name what changed: "stem", "options", "answer",
	// "explanation" (only for Changed).
	Fields []string
}

// Diff compares two banks by question ID: the questions added, removed
// and changed (stem, the set of option texts, the answer's text, or the
// explanation — the memo quotes and an authored rationale, not the memo
// line numbers). Display order
// of the options alone is not a change. Changes come added first, then
// removed, then changed, each sorted by ID; unchanged counts the
// questions in both banks that did not change.
func Diff(old, new *Bank) (changes []Change, unchanged int) {
	for _, q := range new.Questions {
		if _, ok := old.byID[q.ID]; !ok {
			changes = append(changes, Change{Kind: Added, ID: q.ID, New: q})
		}
	}
	for _, q := range old.Questions {
		n, ok := new.byID[q.ID]
		if !ok {
			changes = append(changes, Change{Kind: Removed, ID: q.ID, Old: q})
			continue
		}
		if f := changedFields(q, n); len(f) > 0 {
			changes = append(changes, Change{Kind: Changed, ID: q.ID, Old: q, New: n, Fields: f})
		} else {
			unchanged++
		}
	}
	order := map[ChangeKind]int{Added: 0, Removed: 1, Changed: 2}
	sort.SliceStable(changes, func(i, j int) bool {
		if a, b := order[changes[i].Kind], order[changes[j].Kind]; a != b {
			return a < b
		}
		return changes[i].ID < changes[j].ID
	})
	return changes, unchanged
}

// changedFields names what differs between two versions of a question.
func changedFields(a, b *Question) []string {
	var out []string
	if a.Stem != b.Stem {
		out = append(out, "stem")
	}
	if !slices.Equal(optionTexts(a), optionTexts(b)) {
		out = append(out, "options")
	}
	if answerText(a) != answerText(b) {
		out = append(out, "answer")
	}
	if explanationKey(a) != explanationKey(b) {
		out = append(out, "explanation")
	}
	return out
}

// explanationKey is what an explanation says, without where it sits: the
// authored rationale, the memo passage and its breadcrumb, and the memo
// lines quoted for the options (in sorted order). Line numbers are
// left out, so an edit above a passage does not change its questions.
func explanationKey(q *Question) string {
	parts := []string{q.Rationale, q.Source.Quote, strings.Join(q.Source.Path, " › ")}
	quotes := make([]string, len(q.Options))
	for i, o := range q.Options {
		quotes[i] = o.Quote
	}
	slices.Sort(quotes)
	return strings.Join(append(parts, quotes...), "\x00")
}

func optionTexts(q *Question) []string {
	out := make([]string, len(q.Options))
	for i, o := range q.Options {
		out[i] = o.Text
	}
	slices.Sort(out)
	return out
}

// answerText is the correct option's text, or a multi-answer question's
// correct texts sorted and joined by " + ".
func answerText(q *Question) string {
	if q.Answer < 0 || q.Answer >= len(q.Options) {
		return ""
	}
	if q.Multi() {
		t := q.correctTexts()
		slices.Sort(t)
		return strings.Join(t, " + ")
	}
	return q.Options[q.Answer].Text
}
