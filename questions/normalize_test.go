package questions

import (
	"math/rand"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// refNormalize is the definition Normalize's fast path must match: NFKC,
// then lower case, katakana to hiragana, wave dashes to "~", and spaces
// and the separators ・ - / _ and dash-like runes removed.
func refNormalize(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		switch {
		case r == '〜' || r == '～' || r == '~':
			b.WriteRune('~')
		case r == '‐' || r == '−' || r == '–' || r == '—' || r == '-' || r == '・' || r == '/' || r == '_' || unicode.IsSpace(r):
		case r >= 'ァ' && r <= 'ヶ':
			b.WriteRune(r - 0x60)
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func TestNormalizeMatchesReference(t *testing.T) {
	fixed := []string{"ＣｏｄｅＤｅｐｌｏｙ", "Blue/Green デプロイ", "ブルー・グリーン", "cfn-init", "AWS　SSO（旧称）", "〜～~", "①②", "ｶﾀｶﾅ", "é", "e\u0301", "ﬁle", "Ⅻ", "㍿", "‐−–—"}
	for _, s := range fixed {
		if got, want := Normalize(s), refNormalize(s); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, want)
		}
	}
	pool := []rune("aZ09 -/_.:（）()「」、。・ーァアヶカタナあいうえお漢字試験ＡＺ０９！？〜～‐−–—\u3000\t\néÉßΣσ①ｶﾞ\u0301\u3099ﬁ※⇒→“”")
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		n := r.Intn(12)
		rs := make([]rune, n)
		for j := range rs {
			rs[j] = pool[r.Intn(len(pool))]
		}
		s := string(rs)
		if got, want := Normalize(s), refNormalize(s); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
		}
		var runes []rune
		eachNormalRune(s, func(r rune) { runes = append(runes, r) })
		if string(runes) != Normalize(s) {
			t.Fatalf("eachNormalRune(%q) = %q, Normalize %q", s, string(runes), Normalize(s))
		}
	}
	long := strings.Repeat("デプロイＡ", 100) // past eachNormalRune's stack buffer
	var runes []rune
	eachNormalRune(long, func(r rune) { runes = append(runes, r) })
	if string(runes) != Normalize(long) {
		t.Error("eachNormalRune differs on a long text")
	}
}
