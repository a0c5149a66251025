package store

import (
	"fmt"
	"strings"
)

// SetSeparator joins the option IDs of a chosen set in a choice key: the
// answer to a "choose two" question is stored as "id1+id2" (IDs sorted, no
// repeats) in the place a single option ID takes. It equals
// questions.SetSeparator (store does not import questions; a test pins
// them together).
const SetSeparator = "+"

// SplitChoice returns the option IDs of a choice key: one for a single
// option, several for a chosen set, none for "".
func SplitChoice(choice string) []string {
	if choice == "" {
		return nil
	}
	return strings.Split(choice, SetSeparator)
}

// IsSetChoice reports whether a choice key is a set of options (a
// multi-answer question's answer or choice).
func IsSetChoice(choice string) bool { return strings.Contains(choice, SetSeparator) }

// AnswerIDs returns the IDs of the correct options: one for a
// single-answer question, the set for a multi-answer one.
func (s Snapshot) AnswerIDs() []string { return SplitChoice(s.AnswerID) }

// Choose returns how many options the question asks for: 1, or 2 or 3 for
// a multi-answer question (the size of its answer set).
func (s Snapshot) Choose() int { return max(1, len(s.AnswerIDs())) }

// IsCorrectOption reports whether the option ID is one of the correct
// options.
func (s Snapshot) IsCorrectOption(id string) bool {
	for _, a := range s.AnswerIDs() {
		if a == id {
			return true
		}
	}
	return false
}

// validChoice checks a choice key against a post's option IDs: a single
// known option, or for a post whose answer is a set, a set of known
// options written canonically (sorted, no repeats, as questions.SetKey
// writes it) — any size from one to all, since a partial set is a wrong
// answer, not an invalid one. A set choice on a single-answer post is
// invalid.
func validChoice(choice string, options []string, answer string) error {
	known := func(id string) bool {
		for _, o := range options {
			if o == id {
				return true
			}
		}
		return false
	}
	parts := SplitChoice(choice)
	switch {
	case len(parts) == 0:
		return fmt.Errorf("no option chosen: %w", ErrInvalid)
	case len(parts) == 1:
		if !known(choice) {
			return fmt.Errorf("no option %q: %w", choice, ErrInvalid)
		}
		return nil
	case !IsSetChoice(answer):
		return fmt.Errorf("a set %q chosen on a single-answer question: %w", choice, ErrInvalid)
	}
	for i, p := range parts {
		if !known(p) {
			return fmt.Errorf("no option %q in %q: %w", p, choice, ErrInvalid)
		}
		if i > 0 && parts[i-1] >= p {
			return fmt.Errorf("choice %q is not sorted without repeats: %w", choice, ErrInvalid)
		}
	}
	return nil
}

// validAnswerKey checks a snapshot's answer: one of its options, or a set
// of two or more of them written canonically.
func (s Snapshot) validAnswerKey() bool {
	ids := make([]string, len(s.Options))
	for i, o := range s.Options {
		ids[i] = o.ID
	}
	if !IsSetChoice(s.AnswerID) {
		return s.OptionIndex(s.AnswerID) >= 0
	}
	return validChoice(s.AnswerID, ids, s.AnswerID) == nil
}
