package render

import (
	"slices"
	"strings"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Questions with more than one answer ("choose two", "choose three"): a
// post's snapshot keeps the choice key of the correct set
// (questions.SetKey) as its AnswerID, and an answer's choice key is the
// set the learner submitted.

// ChooseCount returns how many options the question of snapshot s asks
// for: the size of its correct set, 1 for a single-answer question.
func ChooseCount(s store.Snapshot) int { return max(1, len(questions.SplitSet(s.AnswerID))) }

// ChooseMany makes a card of question q's options a multi-select when q
// asks for more than one answer: the options carry their IDs as values,
// the body ends with the number to choose, and submit (an action made with
// SubmitOption, e.g. ReviewAnswerAction(q.ID, SubmitOption)) submits the
// chosen set. It leaves a single-answer question's card as it is.
func ChooseMany(m *Message, q *questions.Question, lang, submit string) {
	if !q.Multi() || len(m.Buttons) != len(q.Options) {
		return
	}
	ids := make([]string, len(q.Options))
	for i, o := range q.Options {
		ids[i] = o.ID
	}
	multiSelect(m, lang, q.ChooseCount(), ids, submit, false)
}

// multiSelect turns a card's answer buttons into the options of a
// multi-select asking for n of them, submitted by the action submit: each
// option's Value is its ID (ids), the body ends with the hint, and a closed
// card's Submit is disabled.
func multiSelect(m *Message, lang string, n int, ids []string, submit string, closed bool) {
	hint := T(lang, "multi.hint", n)
	for i := range m.Buttons {
		m.Buttons[i].Value = ids[i]
	}
	m.Choose = n
	m.Body += "\n\n" + hint
	m.Submit = &Button{ActionID: submit, Label: T(lang, "multi.submit"), Text: hint, Disabled: closed}
}

// snapIDs returns the option IDs of a snapshot in display order.
func snapIDs(s store.Snapshot) []string {
	ids := make([]string, len(s.Options))
	for i, o := range s.Options {
		ids[i] = o.ID
	}
	return ids
}

// ChoiceLetters names the options of choice key key by their letters in
// display order ("A, C"); an ID the question lacks is left out.
func ChoiceLetters(s store.Snapshot, key string) string {
	return strings.Join(choiceParts(s, key, false), ", ")
}

// ChoiceTexts names the options of choice key key with their letters and
// texts in display order ("A: text / C: text").
func ChoiceTexts(s store.Snapshot, key string) string {
	return strings.Join(choiceParts(s, key, true), " / ")
}

// choiceParts lists the options of a choice key in display order, as
// letters or (full) as "A: text".
func choiceParts(s store.Snapshot, key string, full bool) []string {
	ids := questions.SplitSet(key)
	var out []string
	for i, o := range s.Options {
		if !slices.Contains(ids, o.ID) {
			continue
		}
		if full {
			out = append(out, questions.Letter(i)+": "+o.Text)
		} else {
			out = append(out, questions.Letter(i))
		}
	}
	return out
}

// optionCounts turns the answer counts per choice key into counts per
// option: each answer counts for every option of its set.
func optionCounts(byKey map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range byKey {
		for _, id := range questions.SplitSet(k) {
			out[id] += n
		}
	}
	return out
}
