package curate

import (
	"reflect"
	"strings"
	"testing"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

func multiQuestion() *questions.Question {
	q := &questions.Question{ID: "qm", Answer: 1, Answers: []int{1, 3}, Choose: 2}
	for _, id := range []string{"a1", "b2", "c3", "d4", "e5"} {
		q.Options = append(q.Options, questions.Option{ID: id, Text: "option " + id})
	}
	return q
}

func TestMultiTallies(t *testing.T) {
	q := multiQuestion()
	s := store.ItemStat{QuestionID: "qm", AnswerID: "b2+d4", Choose: 2, Posted: 1, Answered: 6, Correct: 3,
		Choices: map[string]int{"b2+d4": 3, "b2+c3": 2, "a1": 1},
		Options: map[string]int{"a1": 1, "b2": 5, "c3": 2, "d4": 3}}
	opts, sets := MultiTallies(s, q)
	wantOpts := []OptionTally{{"A", "a1", 1, false}, {"B", "b2", 5, true}, {"C", "c3", 2, false}, {"D", "d4", 3, true}, {"E", "e5", 0, false}}
	wantSets := []SetTally{{"B+D", "b2+d4", 3, true}, {"B+C", "b2+c3", 2, false}, {"A", "a1", 1, false}}
	if !reflect.DeepEqual(opts, wantOpts) || !reflect.DeepEqual(sets, wantSets) {
		t.Errorf("tallies\n%+v\n%+v", opts, sets)
	}
	if o, st := MultiTallies(s, &questions.Question{Options: q.Options}); o != nil || st != nil {
		t.Error("tallies for a single-answer question")
	}
	m := insightsMessage([]store.ItemStat{s}, "en", func(string) *questions.Question { return q })
	var all strings.Builder
	for _, f := range m.Fields {
		all.WriteString(f.Value + "\n")
	}
	for _, want := range []string{"by option: A 1 · B✓ 5 · C 2 · D✓ 3 · E 0", "by set: B+D✓ 3 · B+C 2 · A 1"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("insights lack %q:\n%s", want, all.String())
		}
	}
}
