package web

import (
	"reflect"
	"testing"

	"github.com/studybot/studybot/questions"
)

// TestPassageShowsEveryQuote: the passage marks the lines the quote holds,
// and a quote line from another passage (a multi-answer question's further
// source) is shown after it, marked, rather than left out.
func TestPassageShowsEveryQuote(t *testing.T) {
	cases := []struct {
		name string
		src  questions.Source
		want []passageLine
	}{
		{"one source", questions.Source{Passage: "- a: one\n- b: two", Quote: "a: one"},
			[]passageLine{{Text: "- a: one", Evidence: true}, {Text: "- b: two"}}},
		{"a second source elsewhere", questions.Source{Passage: "- a: one\n- b: two", Quote: "a: one\nz: far away"},
			[]passageLine{{Text: "- a: one", Evidence: true}, {Text: "- b: two"}, {Text: "…"}, {Text: "z: far away", Evidence: true}}},
		{"no passage", questions.Source{Quote: "a: one\nb: two"},
			[]passageLine{{Text: "a: one", Evidence: true}, {Text: "b: two", Evidence: true}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := passage(c.src); !reflect.DeepEqual(got, c.want) {
				t.Errorf("passage(%+v) = %+v, want %+v", c.src, got, c.want)
			}
		})
	}
}
