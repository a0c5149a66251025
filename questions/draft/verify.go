package draft

import (
	"fmt"
	"strings"

	"github.com/studybot/studybot/questions"
)

// permutation returns a seeded permutation of n option indexes for one
// draft: perm[i] is the drafted option shown at letter i.
func permutation(seed int64, id string, n int) []int {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	x := seeded(seed, "verify", id)
	for i := n - 1; i > 0; i-- {
		x = x*6364136223846793005 + 1442695040888963407
		j := int((x >> 33) % uint64(i+1))
		perm[i], perm[j] = perm[j], perm[i]
	}
	return perm
}

// verifyRequest builds the blind verification request of a candidate:
// the passage, the stem and the options shuffled, no answer.
func verifyRequest(m *Memo, model string, seed int64, c *candidate) Request {
	c.perm = permutation(seed, c.id, len(c.d.Options))
	r := Request{Kind: KindVerify, Model: model, System: fmt.Sprintf(verifyGuide, m.Exam),
		User:       verifyUser(m, c.ask.Passage, c.d.Stem, c.d.Options, c.perm, c.d.Choose),
		SchemaName: VerifySchemaName, Schema: verifySchema, MaxTokens: verifyTokens}
	if c.multi() {
		r.System, r.SchemaName, r.Schema = fmt.Sprintf(verifyMultiGuide, m.Exam), VerifyMultiSchemaName, verifyMultiSchema
	}
	r.Key = keyOf(r)
	return r
}

// checkVerdict compares a verification answer with the draft's key; it
// returns the rule and reason that drop the draft, or "".
func checkVerdict(c *candidate, content string) (rule, reason string) {
	var v Verdict
	if err := decodeStrict(content, &v); err != nil {
		return RuleVerifyMalformed, err.Error()
	}
	if c.multi() {
		return checkMultiVerdict(c, v)
	}
	pick := letterIndex(v.Answer)
	if pick < 0 || pick >= len(c.perm) {
		return RuleVerifyMalformed, fmt.Sprintf("answer %q is not a letter of the options", v.Answer)
	}
	if c.perm[pick] != c.d.Answer {
		return RuleVerifyDisagree, fmt.Sprintf("picked %q, not the keyed %q: %s", short(c.d.Options[c.perm[pick]]), short(c.d.Options[c.d.Answer]), short(v.Reason))
	}
	for _, l := range v.OtherDefensible {
		i := letterIndex(l)
		if i < 0 || i >= len(c.perm) {
			return RuleVerifyMalformed, fmt.Sprintf("other_defensible %q is not a letter of the options", l)
		}
		if i != pick {
			return RuleVerifyDisagree, fmt.Sprintf("%q is defensible too: %s", short(c.d.Options[c.perm[i]]), short(v.Reason))
		}
	}
	return "", ""
}

// checkMultiVerdict compares a multi-answer verification with the draft's
// key: the verifier must choose exactly the keyed set, and find no option
// outside it defensible.
func checkMultiVerdict(c *candidate, v Verdict) (rule, reason string) {
	chosen := map[int]bool{}
	for _, l := range v.Answers {
		i := letterIndex(l)
		if i < 0 || i >= len(c.perm) {
			return RuleVerifyMalformed, fmt.Sprintf("answer %q is not a letter of the options", l)
		}
		chosen[c.perm[i]] = true
	}
	keyed := map[int]bool{}
	for _, i := range c.d.Answers {
		keyed[i] = true
	}
	var got, want []string
	same := len(chosen) == len(keyed)
	for i, o := range c.d.Options {
		if chosen[i] {
			got = append(got, short(o))
		}
		if keyed[i] {
			want = append(want, short(o))
		}
		same = same && chosen[i] == keyed[i]
	}
	if !same {
		return RuleVerifyDisagree, fmt.Sprintf("chose %q, not the keyed %q: %s", strings.Join(got, " + "), strings.Join(want, " + "), short(v.Reason))
	}
	for _, l := range v.OtherDefensible {
		i := letterIndex(l)
		if i < 0 || i >= len(c.perm) {
			return RuleVerifyMalformed, fmt.Sprintf("other_defensible %q is not a letter of the options", l)
		}
		if !chosen[c.perm[i]] {
			return RuleVerifyDisagree, fmt.Sprintf("%q is defensible too: %s", short(c.d.Options[c.perm[i]]), short(v.Reason))
		}
	}
	return "", ""
}

// letterIndex maps "A".."D" (any case, trimmed) to 0..3, else -1.
func letterIndex(s string) int {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 1 || s[0] < 'A' || s[0] > 'Z' {
		return -1
	}
	return int(s[0] - 'A')
}

var _ = questions.Letter
