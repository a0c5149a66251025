package draft

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/studybot/studybot/questions"
)

// Rule names: why a draft was dropped (or kept), in logs, on stderr and in
// "questions lint". A rule from the shared quality rules is "quality:"
// followed by its name (quality:leak, quality:options …).
const (
	// RuleKept: the draft passed every gate and was appended.
	RuleKept = "kept"
	// RuleRefused: the model or server refused the request.
	RuleRefused = "refused"
	// RuleMalformed: the answer is not the JSON object of the schema.
	RuleMalformed = "malformed"
	// RuleSchema: the object's shape is wrong (not four distinct options,
	// answer out of range, a domain the memo lacks, a field empty).
	RuleSchema = "schema"
	// RuleEvidence: a quote is not in the memo, carries option letters or
	// chat leftovers, or the answer does not rest on the quotes.
	RuleEvidence = "evidence"
	// RuleQualityPrefix prefixes the name of a failed shared quality rule.
	RuleQualityPrefix = "quality:"
	// RuleAnswerCue: the correct option is the longest by far or the only
	// one of its shape.
	RuleAnswerCue = "answer-cue"
	// RuleDuplicate: the same fact, or a too similar stem and answer, is
	// already in the bank, the questions file or this run.
	RuleDuplicate = "duplicate"
	// RuleVerifyDisagree: the blind verification picked another option or
	// found a second defensible one.
	RuleVerifyDisagree = "verify-disagree"
	// RuleVerifyMalformed: the verification answer is not the schema's.
	RuleVerifyMalformed = "verify-malformed"
)

// Gate limits.
const (
	// maxExplanationRunes bounds a draft's explanation (chat reading).
	maxExplanationRunes = 500
	// minQuoteRunes is the shortest evidence quote accepted, unless it is
	// a whole memo line.
	minQuoteRunes = 6
	// cueRatio and cueMargin: the correct option is a cue when it is the
	// single longest and this much longer than the next.
	cueRatio  = 1.5
	cueMargin = 8
	// dupSameAnswer: stems this similar with the same answer are one fact.
	dupSameAnswer = 0.55
	// dupAny: stem and answer this similar are one question.
	dupAny = 0.8
)

var (
	reLineNo       = regexp.MustCompile(`^\s*\d{1,6}\s*[|｜:：]\s?`)
	reBullet       = regexp.MustCompile(`^\s*(?:[-*+・]|\d{1,3}[.)．])\s+`)
	reQuoteMk      = regexp.MustCompile(`^\s*>+\s*`)
	reLink         = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	reHTML         = regexp.MustCompile(`<[^>]{1,80}>`)
	reLetters      = regexp.MustCompile(`(?:^|[^A-Za-z])[A-E]\s*(?:は|が|も|の(?:選択肢|回答))?\s*(?:正解|不正解|誤り|間違|正しい|適切)|(?:正解|答え|解答)\s*(?:は|:|：)\s*[A-E](?:[^A-Za-z]|$)|選択肢\s*[A-E](?:[^A-Za-z]|$)|(?i:\b(?:option|choice|answer)\s*[A-E]\b)|^[（(]?[A-E][)）.．]\s`)
	reEllipsis     = regexp.MustCompile(`\s*(?:…+|\.\.\.+|⋯+)\s*`)
	reOptionLetter = regexp.MustCompile(`^\s*[（(]?[A-Da-d1-4][)）.．:：]\s`)
	chatMarker     = []string{"ChatGPT", "Claude", "お役に立て", "いかがでしょうか", "以下の選択肢", "次の選択肢", "回答してください", "答えてください", "Please answer", "As an AI"}
)

// cleanQuote strips what a model adds around a memo line: a line number,
// bullet and quote markers, surrounding quotation marks.
func cleanQuote(s string) string {
	s = strings.TrimSpace(s)
	s = reLineNo.ReplaceAllString(s, "")
	for {
		t := reQuoteMk.ReplaceAllString(reBullet.ReplaceAllString(s, ""), "")
		if t == s {
			break
		}
		s = t
	}
	for _, q := range [][2]string{{"「", "」"}, {"\"", "\""}, {"“", "”"}, {"『", "』"}} {
		if strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) && len(s) > len(q[0])+len(q[1]) {
			inner := s[len(q[0]) : len(s)-len(q[1])]
			if !strings.Contains(inner, q[0]) {
				s = inner
			}
		}
	}
	return strings.TrimSpace(s)
}

// matchKey is the form quotes and memo lines are compared in: markup
// (emphasis, code marks, links, tags) removed, then questions.Normalize.
func matchKey(s string) string {
	s = reLink.ReplaceAllString(s, "$1")
	s = reHTML.ReplaceAllString(s, "")
	s = strings.NewReplacer("**", "", "__", "", "`", "", "~~", "").Replace(s)
	s = reBullet.ReplaceAllString(s, "")
	return questions.Normalize(s)
}

// reFigure matches a quote that points at a figure (「図 7 に示されており」,
// 「下図のように」): the chat shows no figure, so such a quote proves
// nothing to a learner (review d2 of the bundled memo, 2026-12-07).
var reFigure = regexp.MustCompile(`図\s*\d|[上下次]の?図|図の|図に|示しています`)

// maxEvidenceRunes bounds a draft's quotes together: the explanation
// quotes them in chat, where a reviewer found 600 characters of memo
// paragraph too long to read (review d2, 2026-12-07).
const maxEvidenceRunes = 500

// evidenceTooLong says why a draft's quotes are too long to read in chat,
// or "".
func evidenceTooLong(ev []questions.Evidence) string {
	n := 0
	for _, e := range ev {
		n += utf8.RuneCountInString(e.Text)
	}
	if n > maxEvidenceRunes {
		return fmt.Sprintf("the quotes run to %d characters, too long to read in chat (at most %d)", n, maxEvidenceRunes)
	}
	return ""
}

// findQuote finds an evidence quote in the memo, the passage's lines
// first; it returns the cleaned quote and its line, or why it is refused.
func (m *Memo) findQuote(p questions.Passage, raw string) (questions.Evidence, string) {
	q := cleanQuote(raw)
	if q == "" {
		return questions.Evidence{}, "an empty evidence line"
	}
	if reLetters.MatchString(q) {
		return questions.Evidence{}, fmt.Sprintf("evidence names option letters: %q", short(q))
	}
	for _, w := range chatMarker {
		if strings.Contains(q, w) {
			return questions.Evidence{}, fmt.Sprintf("evidence carries a chat leftover: %q", short(q))
		}
	}
	if reFigure.MatchString(q) {
		return questions.Evidence{}, fmt.Sprintf("evidence points at a figure the chat never shows: %q", short(q))
	}
	// a quote cut short inside ("…") is its pieces, all on one line
	var keys []string
	for _, piece := range reEllipsis.Split(q, -1) {
		if k := matchKey(piece); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return questions.Evidence{}, "an empty evidence line"
	}
	try := func(l int) bool {
		lk := m.key(l)
		long := false
		for _, k := range keys {
			if !strings.Contains(lk, k) {
				return false
			}
			long = long || utf8.RuneCountInString(k) >= minQuoteRunes || k == lk
		}
		return long
	}
	lines := make([]int, 0, len(m.Lines))
	for l := p.First; l <= p.Last; l++ {
		lines = append(lines, l)
	}
	lines = append(lines, p.Context...)
	for l := 1; l <= len(m.Lines); l++ {
		if l < p.First || l > p.Last {
			lines = append(lines, l)
		}
	}
	for _, l := range lines {
		if try(l) {
			if reLetters.MatchString(m.line(l)) {
				return questions.Evidence{}, fmt.Sprintf("evidence line %d names option letters", l)
			}
			return questions.Evidence{Line: l, Text: q}, ""
		}
	}
	return questions.Evidence{}, fmt.Sprintf("quote not in the memo: %q", short(q))
}

// key returns matchKey of memo line l, cached.
func (m *Memo) key(l int) string {
	if m.keys == nil {
		m.keys = make([]string, len(m.Lines))
		for i, s := range m.Lines {
			m.keys[i] = matchKey(s)
		}
	}
	if l < 1 || l > len(m.keys) {
		return ""
	}
	return m.keys[l-1]
}

// short cuts s for a message.
func short(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// checkSchema checks the shape of one drafted question.
func checkSchema(m *Memo, d Drafted) string {
	multi := d.Choose != 0 || len(d.Answers) > 0
	switch {
	case strings.TrimSpace(d.Stem) == "":
		return "empty stem"
	case multi && (d.Choose < questions.MinChoose || d.Choose > questions.MaxChoose):
		return fmt.Sprintf("choose %d with answers %v, want 2 or 3", d.Choose, d.Answers)
	case multi && len(d.Options) != d.Choose+3:
		return fmt.Sprintf("%d options for choose %d, want %d", len(d.Options), d.Choose, d.Choose+3)
	case multi && len(d.Answers) != d.Choose:
		return fmt.Sprintf("%d answers for choose %d", len(d.Answers), d.Choose)
	case !multi && len(d.Options) != 4:
		return fmt.Sprintf("%d options, want 4", len(d.Options))
	case d.Answer < 0 || d.Answer >= len(d.Options):
		return fmt.Sprintf("answer %d out of range", d.Answer)
	case m.Parsed.Domain(d.Domain) == nil || d.Domain == questions.OtherDomain:
		return fmt.Sprintf("the memo has no domain %d", d.Domain)
	case strings.TrimSpace(d.Explanation) == "":
		return "empty explanation"
	case utf8.RuneCountInString(d.Explanation) > maxExplanationRunes:
		return fmt.Sprintf("explanation of %d characters (at most %d)", utf8.RuneCountInString(d.Explanation), maxExplanationRunes)
	case len(d.Evidence) == 0:
		return "no evidence"
	case strings.TrimSpace(d.Fact) == "":
		return "no fact key"
	}
	switch d.Difficulty {
	case "easy", "medium", "hard":
	default:
		return fmt.Sprintf("difficulty %q", d.Difficulty)
	}
	keyed := map[int]bool{}
	for _, i := range d.Answers {
		if i < 0 || i >= len(d.Options) {
			return fmt.Sprintf("answer %d out of range", i)
		}
		if keyed[i] {
			return fmt.Sprintf("answer %d twice", i)
		}
		keyed[i] = true
	}
	seen := map[string]bool{}
	for _, o := range d.Options {
		k := questions.Normalize(o)
		if k == "" {
			return "an empty option"
		}
		if reOptionLetter.MatchString(o) {
			return fmt.Sprintf("option %q carries a letter", short(o))
		}
		if seen[k] {
			return fmt.Sprintf("option %q twice", short(o))
		}
		seen[k] = true
	}
	return ""
}

// stopTokens are words too common to show that the evidence names the answer.
var stopTokens = map[string]bool{"aws": true, "amazon": true, "azure": true, "google": true, "gcp": true, "microsoft": true,
	"service": true, "the": true, "and": true, "for": true, "with": true}

// answerTokens splits s into words that can name it: Latin words, runs of
// katakana (3+) and of kanji (2+), normalised.
func answerTokens(s string) []string {
	var out []string
	var run []rune
	kind := 0
	flush := func() {
		if len(run) == 0 {
			return
		}
		w := string(run)
		ok := kind == 1 && len(run) >= 2 || kind == 2 && len(run) >= 3 || kind == 3 && len(run) >= 2
		if ok && !stopTokens[strings.ToLower(w)] {
			out = append(out, questions.Normalize(w))
		}
		run = run[:0]
	}
	for _, r := range s {
		k := 0
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			k = 1
		case unicode.In(r, unicode.Katakana) || r == 'ー':
			k = 2
		case unicode.In(r, unicode.Han):
			k = 3
		}
		if k != kind {
			flush()
			kind = k
		}
		if k != 0 {
			run = append(run, r)
		}
	}
	flush()
	return out
}

// context returns the memo lines that give a quoted line its subject: the
// bullets it sits under (a child bullet 「プロトコル：iSCSI」 is about its
// parent 「ボリュームゲートウェイ」) and, for a table row, the table's header
// row, whose column titles name what each cell describes.
func (m *Memo) context(l int) []int {
	var out []int
	if it := m.Parsed.ItemAt(l); it != nil {
		for p := it.Parent; p != nil; p = p.Parent {
			out = append(out, p.Line)
		}
	}
	for _, t := range m.Parsed.Tables {
		if l > t.Line+1 && l <= t.Line+1+len(t.Rows) {
			out = append(out, t.Line)
		}
	}
	return out
}

// supported reports whether the answer rests on the evidence: its text, or
// enough of its words (one, and a third of a long option's), appear in the
// quoted lines; or, when a quote is a detail of something named above it,
// the answer's text or every one of its words appears in that quote's
// context (its parent bullets, a table row's header). The context must name
// the whole answer: a parent line that lists the answer's siblings
// (「Routing Policy: …」 above each policy) supports none of them by a
// shared word.
func (m *Memo) supported(answer string, ev []questions.Evidence) bool {
	if m.supportedBy(answer, ev) {
		return true
	}
	var ctx strings.Builder
	var raw strings.Builder
	for _, e := range ev {
		for _, l := range m.context(e.Line) {
			ctx.WriteString(m.key(l))
			ctx.WriteByte('\n')
			raw.WriteString(m.line(l))
			raw.WriteByte('\n')
		}
	}
	text := ctx.String()
	if text == "" {
		return false
	}
	if strings.Contains(text, matchKey(answer)) {
		return true
	}
	toks := answerTokens(answer)
	hit := 0
	for _, t := range toks {
		if strings.Contains(text, t) {
			hit++
		}
	}
	if len(toks) > 0 && hit == len(toks) {
		return true
	}
	shared, total := questions.SharedTerms(answer, raw.String())
	return total > 0 && shared == total
}

// supportedBy reports whether the quoted lines themselves name the answer.
func (m *Memo) supportedBy(answer string, ev []questions.Evidence) bool {
	var all strings.Builder
	for _, e := range ev {
		all.WriteString(m.key(e.Line))
		all.WriteByte('\n')
	}
	text := all.String()
	if strings.Contains(text, matchKey(answer)) {
		return true
	}
	toks := answerTokens(answer)
	if len(toks) == 0 {
		return true // nothing to look for (a kana sentence): the verification decides
	}
	hit := 0
	for _, t := range toks {
		if strings.Contains(text, t) {
			hit++
		}
	}
	if hit >= 1 && hit*3 >= len(toks) {
		return true
	}
	// the answer's longest term names it (リードレプリカ in
	// "us-west-2 に作成したリードレプリカ")
	longest := ""
	for _, t := range toks {
		if utf8.RuneCountInString(t) > utf8.RuneCountInString(longest) {
			longest = t
		}
	}
	if utf8.RuneCountInString(longest) >= 4 && strings.Contains(text, longest) {
		return true
	}
	// across scripts: フェイルオーバールーティング against Failover Routing
	var raw strings.Builder
	for _, e := range ev {
		raw.WriteString(m.line(e.Line))
		raw.WriteByte('\n')
	}
	shared, total := questions.SharedTerms(answer, raw.String())
	return shared >= 1 && shared*2 >= total
}

// Option shapes (checkCue).
const (
	shapeSentence = "sentence"      // a statement: ends in 。, です or ます
	shapeLatin    = "Latin name"    // a short name in Latin letters
	shapeJapanese = "Japanese name" // a short name without Latin letters
	shapeOther    = "other"
)

// shapeOf classes an option's shape for the answer-cue gate: a sentence, a
// short Latin or Japanese name, or anything else (mixed names, phrases),
// which is never a cue by itself.
func shapeOf(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "。") || strings.HasSuffix(s, "です") || strings.HasSuffix(s, "ます") {
		return shapeSentence
	}
	if utf8.RuneCountInString(s) > 24 {
		return shapeOther
	}
	ascii, all := 0, 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		all++
		if r < 0x80 && unicode.IsLetter(r) {
			ascii++
		}
	}
	switch {
	case all > 0 && ascii*10 >= all*8:
		return shapeLatin
	case ascii == 0:
		return shapeJapanese
	}
	return shapeOther
}

// checkCue reports an answer cue: the correct option alone is much the
// longest, or alone a sentence (or alone not one) among three of one
// shape, or alone a Latin name among Japanese names (or the reverse).
func checkCue(d Drafted) string {
	if d.Choose > 1 {
		return checkMultiCue(d)
	}
	n := make([]int, len(d.Options))
	for i, o := range d.Options {
		n[i] = utf8.RuneCountInString(strings.TrimSpace(o))
	}
	sorted := append([]int(nil), n...)
	sort.Sort(sort.Reverse(sort.IntSlice(sorted)))
	a := n[d.Answer]
	if a == sorted[0] && sorted[1] < a && float64(a) >= cueRatio*float64(sorted[1]) && a-sorted[1] >= cueMargin {
		return fmt.Sprintf("the correct option is the longest by far (%d against %d characters)", a, sorted[1])
	}
	shape := shapeOf(d.Options[d.Answer])
	var others []string
	for i, o := range d.Options {
		if i != d.Answer {
			others = append(others, shapeOf(o))
		}
	}
	if why := qualifierCue(d); why != "" {
		return why
	}
	if others[0] != others[1] || others[1] != others[2] || others[0] == shape {
		return ""
	}
	sentence := func(x string) bool { return x == shapeSentence }
	name := func(x string) bool { return x == shapeLatin || x == shapeJapanese }
	if sentence(shape) != sentence(others[0]) || name(shape) && name(others[0]) {
		return fmt.Sprintf("the correct option alone is a %s among options of another shape (%s)", shape, others[0])
	}
	return ""
}

// checkMultiCue is checkCue for a multi-answer draft, where the cue is the
// set: the correct options are the longest ones by far, or they alone
// share a shape (all sentences among names), or every wrong option
// restricts itself (のみ, 必ず) and no correct one does.
func checkMultiCue(d Drafted) string {
	keyed := map[int]bool{}
	for _, i := range d.Answers {
		keyed[i] = true
	}
	minRight, maxWrong := -1, 0
	rightShape, wrongShape := "", ""
	mixedRight, mixedWrong := false, false
	allWrongRestrict, anyRightRestricts := true, false
	for i, o := range d.Options {
		l := utf8.RuneCountInString(strings.TrimSpace(o))
		sh := shapeOf(o)
		if keyed[i] {
			if minRight < 0 || l < minRight {
				minRight = l
			}
			mixedRight = mixedRight || rightShape != "" && rightShape != sh
			rightShape = sh
			anyRightRestricts = anyRightRestricts || reQualifier.MatchString(o)
			continue
		}
		maxWrong = max(maxWrong, l)
		mixedWrong = mixedWrong || wrongShape != "" && wrongShape != sh
		wrongShape = sh
		allWrongRestrict = allWrongRestrict && reQualifier.MatchString(o)
	}
	if minRight > maxWrong && float64(minRight) >= cueRatio*float64(maxWrong) && minRight-maxWrong >= cueMargin {
		return fmt.Sprintf("the correct options are the longest by far (%d against %d characters)", minRight, maxWrong)
	}
	if allWrongRestrict && !anyRightRestricts {
		return "every wrong option restricts itself (のみ, 必ず, 常に…) and no correct one does"
	}
	sentence := func(x string) bool { return x == shapeSentence }
	if !mixedRight && !mixedWrong && rightShape != wrongShape && rightShape != shapeOther && wrongShape != shapeOther &&
		(sentence(rightShape) || sentence(wrongShape)) {
		return fmt.Sprintf("the correct options alone are of one shape (%s among %s)", rightShape, wrongShape)
	}
	return ""
}

// reQualifier matches a restricting word (only, always, never, by all
// means): 「AMI のみ作成でき」, 「必ず自動で実行され」. できるだけ (as far as
// possible) restricts nothing.
var reQualifier = regexp.MustCompile(`のみ|必ず|常に|一切|絶対|(?:^|[^るき])だけ`)

// qualifierCue reports the test-wise cue a reviewer found twice on the
// bundled memo (2026-12-07): every wrong option restricts itself (のみ, 必ず,
// 常に) and the correct one alone does not, so "the option without an
// absolute" is picked without knowing the subject.
func qualifierCue(d Drafted) string {
	if len(d.Options) < 3 || reQualifier.MatchString(d.Options[d.Answer]) {
		return ""
	}
	for i, o := range d.Options {
		if i != d.Answer && !reQualifier.MatchString(o) {
			return ""
		}
	}
	return "every wrong option restricts itself (のみ, 必ず, 常に…) and the correct one alone does not"
}

// bigrams returns the set of character bigrams of a normalised text.
func bigrams(s string) map[string]struct{} {
	r := []rune(questions.Normalize(s))
	out := make(map[string]struct{}, len(r))
	for i := 0; i+1 < len(r); i++ {
		out[string(r[i:i+2])] = struct{}{}
	}
	return out
}

// dice is the Sørensen–Dice similarity of two bigram sets.
func dice(a, b map[string]struct{}) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	n := 0
	for k := range a {
		if _, ok := b[k]; ok {
			n++
		}
	}
	return 2 * float64(n) / float64(len(a)+len(b))
}

// fingerprint is what the duplicate gate compares.
type fingerprint struct {
	fact   string
	answer string
	stem   map[string]struct{}
	both   map[string]struct{}
	label  string
}

func newFingerprint(stem, answer, fact string) fingerprint {
	return fingerprint{fact: questions.Normalize(fact), answer: questions.Normalize(answer), stem: bigrams(stem),
		both: bigrams(stem + "\n" + answer), label: short(oneLine(stem))}
}

// dupOf returns why f repeats one of the bank's, or "".
func dupOf(f fingerprint, bank []fingerprint) string {
	for _, g := range bank {
		if f.fact != "" && f.fact == g.fact {
			return fmt.Sprintf("the same fact as %q", g.label)
		}
		if f.answer == g.answer && dice(f.stem, g.stem) >= dupSameAnswer || dice(f.both, g.both) >= dupAny {
			return fmt.Sprintf("too similar to %q", g.label)
		}
	}
	return ""
}
