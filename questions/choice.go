package questions

import (
	"slices"
	"strings"
)

// SetSeparator joins option IDs in the key of a chosen set of options. Option
// IDs are hex digests, so it never occurs inside one.
const SetSeparator = "+"

// Multi reports whether the question asks for more than one option ("choose
// two", "choose three"): Choose is at least 2 and Answers lists that many
// options.
func (q *Question) Multi() bool { return q.Choose >= 2 && len(q.Answers) == q.Choose }

// ChooseCount returns how many options a learner must choose: Choose for a
// multi-answer question, 1 otherwise.
func (q *Question) ChooseCount() int {
	if q.Multi() {
		return q.Choose
	}
	return 1
}

// CorrectIndexes returns the indexes of every correct option in display
// order: Answers for a multi-answer question, else just Answer.
func (q *Question) CorrectIndexes() []int {
	if q.Multi() {
		out := slices.Clone(q.Answers)
		slices.Sort(out)
		return out
	}
	return []int{q.Answer}
}

// IsCorrectIndex reports whether the option at index i is one of the correct
// options.
func (q *Question) IsCorrectIndex(i int) bool { return slices.Contains(q.CorrectIndexes(), i) }

// AnswerKey returns the choice key of the correct answer: the correct
// option's ID, or for a multi-answer question SetKey of the correct options'
// IDs. An answer is right exactly when its choice key equals this.
func (q *Question) AnswerKey() string {
	if !q.Multi() {
		return q.Options[q.Answer].ID
	}
	ids := make([]string, 0, len(q.Answers))
	for _, i := range q.Answers {
		ids = append(ids, q.Options[i].ID)
	}
	return SetKey(ids)
}

// SetKey returns the canonical choice key of a set of option IDs: sorted,
// without repeats, joined with SetSeparator. One ID is its own key, so a
// single-answer choice is stored as before.
func SetKey(ids []string) string {
	s := slices.Clone(ids)
	slices.Sort(s)
	s = slices.Compact(s)
	return strings.Join(s, SetSeparator)
}

// SplitSet returns the option IDs of a choice key made by SetKey (one ID for a
// single-answer choice, none for an empty key).
func SplitSet(key string) []string {
	if key == "" {
		return nil
	}
	return strings.Split(key, SetSeparator)
}
