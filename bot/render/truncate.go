package render

import "unicode/utf8"

// Truncate cuts s to at most n runes, ending with "…" when it cut; adapters
// use it to stay within their platform's field limits.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
