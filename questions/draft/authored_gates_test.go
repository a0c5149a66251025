package draft

import (
	"testing"

	"github.com/studybot/studybot/questions"
)

// TestHandWrittenPassGates: the bundled hand-written questions — the ones
// reviewers call best — pass every gate before verification when they are
// read as drafts quoting their source line, so the gates do not drop what
// the team would keep.
func TestHandWrittenPassGates(t *testing.T) {
	m := bundledMemo(t)
	qs, err := parseQuestions(questions.DefaultAuthored())
	if err != nil {
		t.Fatal(err)
	}
	p := &Pipeline{Memo: m}
	failed, multi, short := 0, 0, 0
	for i, a := range qs {
		if a.Source == "" || a.Draft != nil { // drafts passed the gates when drafted
			continue
		}
		c := &candidate{id: "hand", ask: &Ask{Passage: questions.Passage{Domain: a.Domain}, Multi: a.Choose > 1},
			d: Drafted{Stem: a.Stem, Options: a.Options, Answer: a.Answer, Explanation: a.Explanation, Evidence: append([]string{a.Source}, a.Sources...),
				Domain: a.Domain, Difficulty: "hard", Fact: "hand " + a.Stem, Answers: a.Answers, Choose: a.Choose}}
		if a.Choose > 1 {
			c.d.Answer = a.Answers[0]
			multi++
			if len(a.Options) < a.Choose+3 {
				short++ // four options for choose two: allowed by hand, not in a draft (the exam shape is five)
				if rule, _ := p.gate(c, nil); rule != RuleSchema {
					t.Errorf("question %d: a draft of %d options for choose %d passed the schema gate", i, len(a.Options), a.Choose)
				}
				continue
			}
		}
		if rule, why := p.gate(c, nil); rule != "" {
			failed++
			t.Logf("question %d (%s): %s: %s", i, a.Options[a.Answer], rule, why)
		}
	}
	if multi < 6 || short > 1 {
		t.Errorf("%d multi-answer hand-written questions (%d of four options), want 6 or more and at most one short", multi, short)
	}
	if failed > 2 { // two quote a line that only hints at the answer
		t.Errorf("%d of %d hand-written questions fail the gates", failed, len(qs))
	}
}
