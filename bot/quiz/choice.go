package quiz

import (
	"github.com/studybot/studybot/bot/render"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// What a click chose: one option (an answer button), or on a question with
// more than one answer the set of options sent with its Submit action
// (render.SubmitOption, the IDs in core.Click.Values). Either way it becomes
// a choice key (questions.SetKey), recorded in the answer's option slot and
// right exactly when it equals the snapshot's AnswerID.

// knownChoice reports whether a click names options question s has: the
// clicked option, or every value submitted with SubmitOption.
func knownChoice(s store.Snapshot, opt string, values []string) bool {
	if opt != render.SubmitOption {
		return s.OptionIndex(opt) >= 0
	}
	for _, v := range values {
		if s.OptionIndex(v) < 0 {
			return false
		}
	}
	return true
}

// choiceKey returns the choice key of a known click on question s, or the
// private refusal when it chose other than as many options as the
// question asks for (nothing is recorded then).
func choiceKey(s store.Snapshot, opt string, values []string, lang string) (string, *render.Response) {
	key := opt
	if opt == render.SubmitOption {
		key = questions.SetKey(values)
	}
	chosen, want := len(questions.SplitSet(key)), render.ChooseCount(s)
	if chosen == want {
		return key, nil
	}
	r := render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "multi.count", want, chosen)})
	return "", &r
}
