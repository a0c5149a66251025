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
	if out, ok := normalizePlain(s); ok {
		return out
	}
	return foldAll(norm.NFKC.String(s))
}

// foldAll folds an NFKC string rune by rune: the slow path for text the
// single-pass folding does not cover (combining marks, rare symbols).
func foldAll(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r == '〜' || r == '～' || r == '~':
			b = append(b, '~')
		case r == '‐' || r == '−' || r == '–' || r == '—' || r == '-' || r == '・' || r == '/' || r == '_' || unicode.IsSpace(r):
		case r >= 'ァ' && r <= 'ヶ':
			b = utf8.AppendRune(b, r-0x60)
		default:
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
	}
	return string(b)
}

// normalizePlain folds s in one pass; ok is false when s holds a rune that
// NFKC would change and that this pass does not map itself.
func normalizePlain(s string) (string, bool) {
	b := make([]byte, 0, len(s))
	ok := foldRunes(s, func(r rune) {
		if r < 0x80 {
			b = append(b, byte(r))
		} else {
			b = utf8.AppendRune(b, r)
		}
	})
	if !ok {
		return "", false
	}
	return string(b), true
}

// foldRunes calls emit with each rune of Normalize(s), without building the
// string; it returns false (having emitted a prefix) when s needs full NFKC.
func foldRunes(s string, emit func(rune)) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			switch {
			case 'A' <= c && c <= 'Z':
				emit(rune(c + 'a' - 'A'))
			case c == '-' || c == '/' || c == '_' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			default:
				emit(rune(c))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r >= 'ァ' && r <= 'ヶ':
			emit(r - 0x60)
		case r >= 0x3041 && r <= 0x3096 || r == 0x30fc || r >= 0x4e00 && r <= 0x9fff:
			emit(r)
		case r >= 0xff01 && r <= 0xff5e: // full-width ASCII, as NFKC maps it
			c := byte(r - 0xfee0)
			switch {
			case c >= 'A' && c <= 'Z':
				emit(rune(c + 'a' - 'A'))
			case c == '-' || c == '/' || c == '_':
			default:
				emit(rune(c))
			}
		case r == 0x3000 || r == 0x30fb || r == '‐' || r == '−' || r == '–' || r == '—': // separators
		case r == '〜' || r == '～':
			emit('~')
		case r >= 0x3001 && r <= 0x3035 || r >= 0x303b && r <= 0x303f || r == 0x203b || r == 0x21d2 || r == 0x2192 || r == 0x201c || r == 0x201d:
			emit(r) // CJK punctuation and symbols NFKC keeps
		case unicode.IsSpace(r):
		case r < 0x3000 && !unicode.Is(unicode.Mn, r) && norm.NFKC.IsNormalString(string(r)):
			emit(unicode.ToLower(r))
		default:
			return false
		}
	}
	return true
}

// eachNormalRune calls f with each rune of Normalize(s), allocating only
// when s needs full NFKC.
func eachNormalRune(s string, f func(rune)) {
	var buf [256]rune
	n := 0
	overflow := false
	var runes []rune
	ok := foldRunes(s, func(r rune) {
		if n < len(buf) {
			buf[n] = r
			n++
			return
		}
		if !overflow {
			runes = append(runes, buf[:]...)
			overflow = true
		}
		runes = append(runes, r)
	})
	if !ok {
		for _, r := range foldAll(norm.NFKC.String(s)) {
			f(r)
		}
		return
	}
	if overflow {
		for _, r := range runes {
			f(r)
		}
		return
	}
	for _, r := range buf[:n] {
		f(r)
	}
}

// runeLen reports the number of runes in s.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// longerThan reports whether s has more than n runes, counting only when
// its byte length leaves the answer open.
func longerThan(s string, n int) bool { return len(s) > n && utf8.RuneCountInString(s) > n }

// twoRunes reports whether s has at least two runes (a rune is at most 4 bytes).
func twoRunes(s string) bool { return len(s) >= 8 || utf8.RuneCountInString(s) >= 2 }

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
	return strings.ContainsAny(s, "。、，,") || longerThan(s, 40)
}

// truncateRunes cuts s to at most n runes, adding an ellipsis when cut.
func truncateRunes(s string, n int) string {
	if runeLen(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
