package questions

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A leak token is a piece of meaning that a stem and an option can share:
// a Latin word ("build"), a katakana run ("ビルド"), a kanji run ("監視"),
// an English gloss of a katakana or kanji run ("en:build"), or an acronym
// ("acr:ci"), from capitals or from the initials of consecutive words.
// Two texts leak into each other when they share a token; see tokensMatch.

// leakStop are Latin words too common to give an answer away.
var leakStop = map[string]bool{
	"a": true, "an": true, "at": true, "to": true, "of": true, "in": true, "on": true, "the": true,
	"and": true, "or": true, "for": true, "is": true, "by": true, "with": true, "as": true,
	"en:aws": true, "en:amazon": true,
}

// kanaStop are katakana and kanji runs too generic to give an answer away.
var kanaStop = map[string]bool{
	"説明": true, "当": true, "正": true, "場合": true, "使用": true, "利用": true,
	"ため": true, "こと": true, "もの": true, "可能": true, "以下": true, "上記": true,
	"空欄": true, "語句": true, "目的": true, "用途": true, "特徴": true, "概要": true,
}

// tokenSet is the set of leak tokens of one text, in first-seen order.
type tokenSet []string

// has reports whether the set holds a token matching t.
func (s tokenSet) has(t string) bool {
	kt := tokKind(t)
	for _, x := range s {
		if tokensMatchKind(x, tokKind(x), t, kt) {
			return true
		}
	}
	return false
}

// script of a rune for tokenizing.
const (
	scrOther = iota
	scrLatin
	scrKata
	scrKanji
)

func scriptOf(r rune) int {
	switch {
	case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'):
		return scrLatin
	case r >= 'ァ' && r <= 'ヺ' || r == 'ー':
		return scrKata
	case unicode.Is(unicode.Han, r) || r == '々':
		return scrKanji
	}
	return scrOther
}

// leakTokens returns the leak tokens of s.
func leakTokens(s string) tokenSet {
	s = norm.NFKC.String(s)
	var out tokenSet
	var words []string // English words in order, for acronyms
	seen := map[string]bool{}
	add := func(t string) {
		if t != "" && !seen[t] && !leakStop[t] && !kanaStop[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	addEn := func(gloss string) {
		gt := glossTokensOf(gloss)
		for _, t := range gt.tokens {
			add(t)
		}
		words = append(words, gt.words...)
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		sc := scriptOf(r)
		if sc == scrOther {
			i += n
			if r != ' ' && r != '-' && r != '/' {
				words = append(words, "") // a break in the word sequence
			}
			continue
		}
		j := i + n
		for j < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if scriptOf(r2) != sc {
				break
			}
			j += n2
		}
		run := s[i:j]
		i = j
		switch sc {
		case scrLatin:
			if lr := strings.ToLower(run); !isDigits(lr) && strings.ContainsAny(lr, "0123456789") {
				add(lr) // S3, EC2, IPv4: the name is the letters and the digits
			}
			for _, w := range splitCamel(run) {
				if isDigits(w) && len(w) >= 2 {
					add("num:" + w) // OP25B and 「25 番ポート」
				}
			}
			for _, w := range splitCamel(run) {
				lw := strings.ToLower(w)
				if isAcronym(w) {
					add("acr:" + lw)
				}
				if len(lw) >= 2 && !isDigits(lw) {
					add(lw)
					words = append(words, lw)
					for _, t := range jaTokensOf(lw) {
						add(t)
					}
				}
			}
		case scrKata:
			if strings.Trim(run, "ー") == "" || utf8.RuneCountInString(run) < 2 {
				continue
			}
			add(run)
			if g, ok := loanwords[run]; ok {
				addEn(g)
			} else {
				// a compound written without a dot: gloss its known parts
				for _, part := range kataParts(run) {
					add(part)
					addEn(loanwords[part])
				}
			}
		case scrKanji:
			if utf8.RuneCountInString(run) >= 2 {
				add(run)
			}
			for _, k := range glossesIn(run) {
				add(k)
				addEn(kanjiGlosses[k])
			}
		}
	}
	// the text itself, for the Japanese renderings of English words
	if strings.ContainsFunc(s, func(r rune) bool { sc := scriptOf(r); return sc == scrKata || sc == scrKanji }) {
		out = append(out, "raw:"+s)
	}
	// acronyms from the initials of 2–4 consecutive English words
	for i := range words {
		ini := ""
		for j := i; j < len(words) && j < i+4; j++ {
			if words[j] == "" {
				break
			}
			ini += words[j][:1]
			if j > i {
				add("acr:" + ini)
			}
		}
	}
	return out
}

// glossTokens are the tokens a gloss adds (en: for each English word, ja:
// for each Japanese rendering of those) and the words of its first
// spelling, for acronyms.
type glossTokens struct {
	tokens []string
	words  []string
}

var (
	glossCache sync.Map // gloss → *glossTokens
	jaCache    sync.Map // English word → []string of ja: tokens
)

// glossTokensOf returns the tokens of a "|"-separated English gloss, cached.
func glossTokensOf(gloss string) *glossTokens {
	if v, ok := glossCache.Load(gloss); ok {
		return v.(*glossTokens)
	}
	gt := &glossTokens{}
	first := true
	for g := range strings.SplitSeq(gloss, "|") {
		parts := strings.Fields(g)
		for _, p := range parts {
			gt.tokens = append(gt.tokens, "en:"+p)
			// and how a Japanese text would say that English word
			gt.tokens = append(gt.tokens, jaTokensOf(p)...)
		}
		if first && len(parts) > 0 {
			gt.words = append(gt.words, parts...)
			first = false
		}
	}
	glossCache.Store(gloss, gt)
	return gt
}

// jaTokensOf returns the ja: tokens of an English word, cached.
func jaTokensOf(w string) []string {
	if v, ok := jaCache.Load(w); ok {
		return v.([]string)
	}
	var out []string
	if ja, ok := englishGlosses[w]; ok {
		for f := range strings.SplitSeq(ja, "|") {
			out = append(out, "ja:"+f)
		}
	}
	jaCache.Store(w, out)
	return out
}

// kataParts splits a katakana compound into the longest known loanwords
// it is made of, left to right; unknown stretches are skipped.
func kataParts(run string) []string {
	return longestParts(run, 2, func(w string) bool { _, ok := loanwords[w]; return ok })
}

// glossesIn returns the kanji words of kanjiGlosses found inside a kanji
// run, longest first at each position.
func glossesIn(run string) []string {
	return longestParts(run, 1, func(w string) bool { _, ok := kanjiGlosses[w]; return ok })
}

// longestParts splits run, left to right, into the longest words of at
// least min runes that known accepts, skipping runes that start none.
func longestParts(run string, min int, known func(string) bool) []string {
	var out []string
	rs := []rune(run)
	for i := 0; i < len(rs); {
		found := 0
		for j := len(rs); j >= i+min; j-- {
			if known(string(rs[i:j])) {
				found = j
				break
			}
		}
		if found == 0 {
			i++
			continue
		}
		out = append(out, string(rs[i:found]))
		i = found
	}
	return out
}

// splitCamel splits "OneAtATime" into One, At, A, Time and "CodeBuild"
// into Code, Build; runs of capitals stay whole ("AWSCodeBuild" → AWS, Code, Build).
func splitCamel(w string) []string {
	var out []string
	start := 0
	for i := 1; i < len(w); i++ {
		c, p := w[i], w[i-1]
		upper := c >= 'A' && c <= 'Z'
		switch {
		case upper && p >= 'a' && p <= 'z':
			out = append(out, w[start:i])
			start = i
		case upper && p >= 'A' && p <= 'Z' && i+1 < len(w) && w[i+1] >= 'a' && w[i+1] <= 'z' && i-start >= 1:
			out = append(out, w[start:i])
			start = i
		case (c >= '0' && c <= '9') != (p >= '0' && p <= '9'):
			out = append(out, w[start:i])
			start = i
		}
	}
	return append(out, w[start:])
}

func isAcronym(w string) bool {
	if len(w) < 2 || len(w) > 5 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'A' || w[i] > 'Z' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// tokensMatch reports whether two leak tokens carry the same meaning:
// equal; Latin words where one is a stem of the other (weight/weighted,
// deploy/deployment); katakana or kanji runs where one holds the other.
func tokensMatch(a, b string) bool {
	return tokensMatchKind(a, tokKind(a), b, tokKind(b))
}

// Token kinds, from their prefix.
const (
	tkPlain = iota // a Latin word, a katakana or kanji run
	tkRaw          // raw: the text itself
	tkJa           // ja: a Japanese rendering of an English word
	tkAcr          // acr: an acronym
	tkEn           // en: an English gloss
	tkNum          // num: a number inside a name
)

// tokKind tells a token's kind from its prefix.
func tokKind(t string) int {
	if len(t) < 3 || t[0] < 'a' || t[0] > 'z' {
		return tkPlain
	}
	switch {
	case strings.HasPrefix(t, "raw:"):
		return tkRaw
	case strings.HasPrefix(t, "ja:"):
		return tkJa
	case strings.HasPrefix(t, "acr:"):
		return tkAcr
	case strings.HasPrefix(t, "en:"):
		return tkEn
	case strings.HasPrefix(t, "num:"):
		return tkNum
	}
	return tkPlain
}

// tokensMatchKind is tokensMatch given both tokens' kinds.
func tokensMatchKind(a string, ka int, b string, kb int) bool {
	if a == b {
		// two renderings of English words meet only in a text, never in
		// each other (監視 → monitor → 見張 is not GuardDuty → guard → 見張)
		return ka != tkRaw && ka != tkJa
	}
	// a Japanese rendering of an English word, inside a text
	if kb == tkJa {
		a, b, ka, kb = b, a, kb, ka
	}
	if ka == tkJa {
		return kb == tkRaw && strings.Contains(b, a[len("ja:"):])
	}
	if ka == tkRaw || kb == tkRaw || ka == tkAcr || kb == tkAcr || ka == tkNum || kb == tkNum {
		return false // acronyms and numbers match only themselves
	}
	if ka == tkEn {
		a = a[len("en:"):]
	}
	if kb == tkEn {
		b = b[len("en:"):]
	}
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if a == "" {
		return false
	}
	ra, _ := utf8.DecodeRuneInString(a)
	switch scriptOf(ra) {
	case scrLatin:
		// one stem: weight/weighted, deploy/deployment, advice/advisor
		cp := 0
		for cp < len(a) && a[cp] == b[cp] {
			cp++
		}
		return cp >= 4 && float64(cp) >= 0.65*float64(len(a))
	case scrKata:
		// one inside the other, or one loanword opening both
		// (スポットインスタンス, スポットフリート)
		return utf8.RuneCountInString(a) >= 3 && strings.Contains(b, a) || kataPrefix(a, b) != ""
	case scrKanji:
		return utf8.RuneCountInString(a) >= 2 && strings.Contains(b, a)
	}
	return false
}

// kataPrefix returns the katakana word that opens both runs — at least
// three runes and half the shorter run — or "".
func kataPrefix(a, b string) string {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	if n < 3 || 2*n < min(len(ra), len(rb)) || scriptOf(ra[0]) != scrKata {
		return ""
	}
	return string(ra[:n])
}

// sharedPiece returns what two matching tokens have in common: the shorter
// of two runs one inside the other, the katakana word opening both, or the
// answer's token itself.
func sharedPiece(p, t string) string {
	if strings.Contains(p, ":") || strings.Contains(t, ":") {
		return t
	}
	if len(p) < len(t) && strings.Contains(t, p) {
		return p
	}
	if strings.Contains(p, t) {
		return t
	}
	if k := kataPrefix(p, t); k != "" {
		return k
	}
	return t
}

// leakBetween returns a token that the probe (stem) and the answer share and
// that no distractor holds, or "" when the options give nothing away.
func leakBetween(probe, answer tokenSet, distractors []tokenSet) string {
	held := func(t string) bool {
		for _, d := range distractors {
			if d.has(t) || slices.Contains(d, t) {
				return true // a distractor says it too, or is named alike
			}
		}
		return false
	}
	for _, t := range answer {
		if strings.HasPrefix(t, "raw:") {
			continue
		}
		for _, p := range probe {
			if !tokensMatch(p, t) {
				continue
			}
			// what the two share: a run inside a longer run
			// (アイデンティティ in アイデンティティベースポリシー), a word
			// opening both (スポット)
			piece := sharedPiece(p, t)
			if !held(piece) {
				return piece
			}
		}
	}
	// the stem's English words rendered in the answer's Japanese
	for _, t := range probe {
		if strings.HasPrefix(t, "ja:") && answer.has(t) && !held(t) {
			return t
		}
	}
	return ""
}

// SharedTerms counts how many of a's terms — Latin words, katakana and
// kanji runs, with their English glosses and acronyms — b also holds, in
// any script (フェイルオーバー in a, Failover in b), and how many terms a
// has. The drafting pipeline uses it to see whether an answer rests on the
// memo lines quoted for it.
func SharedTerms(a, b string) (shared, total int) {
	tb := leakTokens(b)
	seen := map[string]bool{}
	for _, t := range leakTokens(a) {
		k := tokKind(t)
		if k == tkRaw || k == tkJa || k == tkNum {
			continue
		}
		// a word and its gloss count once
		key := strings.TrimPrefix(t, "en:")
		if seen[key] {
			continue
		}
		seen[key] = true
		total++
		if tb.has(t) || slices.Contains(tb, t) {
			shared++
		}
	}
	return shared, total
}
