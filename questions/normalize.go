package questions

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds s into the form used for comparing keys, queries and
// options: NFKC, lower case, wave dashes and hyphens unified, katakana
// folded to hiragana, and spaces plus the separators ・ - / _ removed.
// It is meant for matching only; users always see the original text.
func Normalize(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '〜' || r == '～' || r == '~':
			b.WriteRune('~')
		case r == '‐' || r == '−' || r == '–' || r == '—' || r == '-':
			// hyphen-like separators are dropped like spaces
		case r == '・' || r == '/' || r == '_' || unicode.IsSpace(r):
		case r >= 'ァ' && r <= 'ヶ':
			b.WriteRune(r - 0x60)
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// runeLen reports the number of runes in s.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// collapseSpace trims s and replaces every run of white space with one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// asciiShare reports the share of letters and digits in s that are ASCII;
// it is used to tell service names (mostly ASCII) from Japanese phrases.
func asciiShare(s string) float64 {
	var ascii, all int
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			all++
			if r < 0x80 {
				ascii++
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(ascii) / float64(all)
}

// isSentence reports whether s reads like a sentence rather than a name.
func isSentence(s string) bool {
	return strings.ContainsAny(s, "。、，,") || runeLen(s) > 40
}

// truncateRunes cuts s to at most n runes, adding an ellipsis when cut.
func truncateRunes(s string, n int) string {
	if runeLen(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
