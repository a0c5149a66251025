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
	failed := 0
	for i, a := range qs {
		if a.Source == "" || a.Draft != nil { // drafts passed the gates when drafted
			continue
		}
		c := &candidate{id: "hand", ask: &Ask{Passage: questions.Passage{Domain: a.Domain}},
			d: Drafted{Stem: a.Stem, Options: a.Options, Answer: a.Answer, Explanation: a.Explanation, Evidence: []string{a.Source},
				Domain: a.Domain, Difficulty: "hard", Fact: "hand " + a.Stem}}
		if rule, why := p.gate(c, nil); rule != "" {
			failed++
			t.Logf("question %d (%s): %s: %s", i, a.Options[a.Answer], rule, why)
		}
	}
	if failed > 2 { // two quote a line that only hints at the answer
		t.Errorf("%d of %d hand-written questions fail the gates", failed, len(qs))
	}
}
