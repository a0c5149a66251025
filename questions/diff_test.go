package questions

import (
	"reflect"
	"testing"
)

// diffBank is a bank of the given questions, indexed by ID.
func diffBank(qs ...*Question) *Bank {
	b := &Bank{Questions: qs, byID: map[string]*Question{}}
	for _, q := range qs {
		b.byID[q.ID] = q
	}
	return b
}

func diffQ(id string, edit func(q *Question)) *Question {
	q := &Question{ID: id, Stem: "Which service records API calls?", Answer: 0,
		Options: []Option{{ID: "a", Text: "CloudTrail", Quote: "CloudTrail: records API calls", Line: 3},
			{ID: "b", Text: "X-Ray", Quote: "X-Ray: traces requests", Line: 4},
			{ID: "c", Text: "Config", Quote: "Config: records settings", Line: 5}},
		Source:      Source{Path: []string{"Domain 2", "Monitoring"}, Quote: "CloudTrail: records API calls", Line: 3},
		Explanation: "CloudTrail: records API calls (line 3)"}
	if edit != nil {
		edit(q)
	}
	return q
}

// TestDiff: questions are matched by ID; changed means the stem, the
// option texts, the answer or what the explanation says differ; option
// order and memo line numbers alone are no change.
func TestDiff(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(q *Question)
		fields []string // nil: unchanged
	}{
		{"same", nil, nil},
		{"stem", func(q *Question) { q.Stem = "Which service audits API calls?" }, []string{"stem"}},
		{"option text", func(q *Question) { q.Options[2].Text = "Inspector" }, []string{"options"}},
		{"option order only", func(q *Question) {
			q.Options[0], q.Options[1] = q.Options[1], q.Options[0]
			q.Answer = 1
		}, nil},
		{"answer", func(q *Question) { q.Answer = 1 }, []string{"answer"}},
		{"rationale", func(q *Question) { q.Rationale = "Trail = audit." }, []string{"explanation"}},
		{"memo passage", func(q *Question) { q.Source.Quote = "CloudTrail: logs every API call" }, []string{"explanation"}},
		{"distractor quote", func(q *Question) { q.Options[1].Quote = "X-Ray: finds slow calls" }, []string{"explanation"}},
		{"line numbers only", func(q *Question) {
			q.Source.Line, q.Options[0].Line = 13, 13
			q.Explanation = "CloudTrail: records API calls (line 13)"
		}, nil},
		{"stem and answer", func(q *Question) { q.Stem = "Which one?"; q.Answer = 2 }, []string{"stem", "answer"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch, same := Diff(diffBank(diffQ("q1", nil)), diffBank(diffQ("q1", c.edit)))
			if c.fields == nil {
				if len(ch) != 0 || same != 1 {
					t.Errorf("changes %+v, unchanged %d; want none, 1", ch, same)
				}
				return
			}
			if len(ch) != 1 || ch[0].Kind != Changed || !reflect.DeepEqual(ch[0].Fields, c.fields) || same != 0 {
				t.Errorf("changes %+v, unchanged %d; want changed %v", ch, same, c.fields)
			}
		})
	}

	t.Run("added, removed, changed in order", func(t *testing.T) {
		old := diffBank(diffQ("q3", nil), diffQ("q1", nil), diffQ("q9", nil), diffQ("q2", nil))
		new := diffBank(diffQ("q8", nil), diffQ("q1", nil), diffQ("q9", func(q *Question) { q.Stem = "x" }), diffQ("q0", nil),
			diffQ("q2", func(q *Question) { q.Answer = 2 }))
		ch, same := Diff(old, new)
		var got []string
		for _, c := range ch {
			got = append(got, string(c.Kind)+" "+c.ID)
		}
		want := []string{"added q0", "added q8", "removed q3", "changed q2", "changed q9"}
		if !reflect.DeepEqual(got, want) || same != 1 {
			t.Errorf("got %v (unchanged %d), want %v (unchanged 1)", got, same, want)
		}
		if ch[0].Old != nil || ch[0].New == nil || ch[2].New != nil || ch[2].Old == nil {
			t.Errorf("added/removed carry the wrong sides: %+v %+v", ch[0], ch[2])
		}
	})
}
