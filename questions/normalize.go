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
	if !isPlain(s) {
		s = norm.NFKC.String(s)
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < 0x80:
			switch {
			case r >= 'A' && r <= 'Z':
				b = append(b, byte(r+'a'-'A'))
			case r == '-' || r == '/' || r == '_' || r == ' ' || r == '\t' || r == '\n' || r == '\r':
			case r == '~':
				b = append(b, '~')
			default:
				b = append(b, byte(r))
			}
		case r >= 'ァ' && r <= 'ヶ':
			b = utf8.AppendRune(b, r-0x60)
		case r >= 0xff01 && r <= 0xff5e: // full-width ASCII, as NFKC maps it
			c := byte(r - 0xfee0)
			switch {
			case c >= 'A' && c <= 'Z':
				b = append(b, c+'a'-'A')
			case c == '-' || c == '/' || c == '_':
			default:
				b = append(b, c)
			}
		case r == 0x3000: // ideographic space
		case r >= 0x3040 && r < 0xa000 && r != '〜' && r != '・':
			b = utf8.AppendRune(b, r)
		case r == '〜' || r == '～':
			b = append(b, '~')
		case r == '‐' || r == '−' || r == '–' || r == '—' || r == '・' || unicode.IsSpace(r):
		default:
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
	}
	return string(b)
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

// isPlain reports whether NFKC leaves s unchanged for certain: every rune is
// printable ASCII, hiragana, full-width-free katakana or a common CJK ideograph.
func isPlain(s string) bool {
	for _, r := range s {
		switch {
		case r >= 0x20 && r < 0x7f || r == '\n' || r == '\t' || r == '\r':
		case r == 0x30fb || r == 0x203b || r == 0x21d2 || r == 0x2192 || r == 0x201c || r == 0x201d: // ・※⇒→“”
		case r >= 0x3041 && r <= 0x3096: // hiragana
		case r >= 0x30a1 && r <= 0x30fa || r == 0x30fc: // katakana, long vowel mark
		case r >= 0x4e00 && r <= 0x9fff: // CJK unified ideographs
		case r >= 0x3000 && r <= 0x3035 || r >= 0x303b && r <= 0x303f: // CJK punctuation NFKC keeps (space handled)
		case r >= 0xff01 && r <= 0xff5e: // full-width ASCII, mapped by Normalize itself
		default:
			return false
		}
	}
	return true
}
