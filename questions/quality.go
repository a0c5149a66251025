package questions

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Rule is one automatic check of a generated question (the list in
// shared/reference/questions.md, "What makes a generated question bad").
type Rule struct {
	// Name identifies the rule in lint reports.
	Name string
	// Check returns "" when q passes, else why it fails.
	Check func(q *Question, m *Memo) string
}

var (
	markupSigns   = []string{"**", "![", "<img", "](", "http://", "https://", "| ", " |", "</", "<br", "<a "}
	negativeSigns = []string{"誤っている", "誤っています", "誤りは", "ではないもの", "ではないのは", "でないもの", "正しくない",
		"当てはまらない", "以外のもの", " not ", "all of the above", "none of the above", "上記すべて", "上記のすべて", "いずれでもない", "該当なし"}
)

// asciiLower lower-cases ASCII letters only, leaving other runes alone.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// broken reports whether an option starts or ends mid-sentence.
func broken(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("、。，,.)）:：", first) || strings.ContainsRune("、,（(「:：", last)
}

// findSign returns the first of signs (lower case) found in the ASCII-folded
// text, or "".
func findSign(folded []byte, signs []string) string {
	for _, x := range signs {
		if bytes.Contains(folded, []byte(x)) {
			return x
		}
	}
	return ""
}

// folded returns the stem and the options, ASCII lower-cased, joined by
// NUL bytes (which no sign contains), computed once per question.
func (q *Question) folded() []byte {
	if q.fold != nil {
		return q.fold
	}
	n := len(q.Stem)
	for _, o := range q.Options {
		n += 1 + len(o.Text)
	}
	b := make([]byte, 0, n)
	b = append(b, q.Stem...)
	for _, o := range q.Options {
		b = append(b, 0)
		b = append(b, o.Text...)
	}
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	q.fold = b
	return b
}

// numberOnly reports whether s is only digits, dots, brackets and spaces.
func numberOnly(s string) bool {
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９', strings.ContainsRune(".．)）(（ 　", r), r == '\t':
		default:
			return false
		}
	}
	return true
}

// Rules are applied to every generated question; a question failing any
// of them is dropped and counted under the rule's name.
var Rules = []Rule{
	{"options", checkOptions},
	{"choose", checkChoose},
	{"leak", checkLeak},
	{"superset", checkSuperset},
	{"substring", checkSubstring},
	{"also-right", checkAlsoRight},
	{"mixed-kinds", checkKinds},
	{"generic-answer", checkGeneric},
	{"markup-length", checkMarkup},
	{"negative-stem", checkNegative},
	{"stem", checkStem},
	{"explanation", checkExplanation},
	{"evidence", checkEvidence},
}

// Check runs every rule on q and returns the name of the first that fails.
func Check(q *Question, m *Memo) (rule, reason string) {
	for _, r := range Rules {
		if why := r.Check(q, m); why != "" {
			return r.Name, why
		}
	}
	return "", ""
}

func checkOptions(q *Question, _ *Memo) string {
	if q.Choose != 0 || len(q.Answers) > 0 {
		idx, _, why := checkAnswers(q.Answers, q.Choose, len(q.Options))
		if why != "" {
			return why
		}
		if q.Answer != idx[0] {
			return "answer is not the first of answers"
		}
	} else if len(q.Options) < 3 || len(q.Options) > 4 {
		return "want 3 or 4 options"
	}
	if q.Answer < 0 || q.Answer >= len(q.Options) {
		return "answer index out of range"
	}
	seen := map[string]bool{}
	ids := map[string]bool{}
	for i := range q.Options {
		o := &q.Options[i]
		k := o.normText()
		if k == "" || seen[k] || ids[o.ID] {
			return "options not distinct: " + o.Text
		}
		seen[k], ids[o.ID] = true, true
	}
	return ""
}

// checkLeak finds an answer that can be picked by matching words: the
// whole answer (or an alias) in the stem, or a token — a Latin word, a
// katakana or kanji run, an English gloss of one, an acronym — that the
// stem and the answer share and no distractor does.
func checkLeak(q *Question, m *Memo) string {
	for _, a := range q.CorrectIndexes() {
		if why := leakOf(q, m, a); why != "" {
			return why
		}
	}
	return ""
}

// leakOf runs checkLeak for the correct option at index ans against the
// wrong options.
func leakOf(q *Question, m *Memo, ans int) string {
	ns := q.normalStem()
	na := q.Options[ans].normText()
	switch q.Type {
	case TypeTermDefinition, TypeScenario:
		if strings.Contains(ns, na) {
			return "answer in stem"
		}
	default:
		for _, k := range m.aliases.Keys(q.Options[ans].owner) {
			if twoRunes(k) && strings.Contains(ns, k) {
				return "answer form " + k + " in stem"
			}
		}
		if twoRunes(na) && strings.Contains(ns, na) {
			return "answer in stem"
		}
	}
	pt := q.probeToks
	if pt == nil {
		probe := q.probe
		if probe == "" {
			probe = q.Stem
		}
		pt = leakTokens(withoutChoose(probe))
	}
	var ds []tokenSet
	for _, i := range q.distractorIndexes() {
		ds = append(ds, q.Options[i].tokens())
	}
	if t := leakBetween(pt, q.Options[ans].tokens(), ds); t != "" {
		return "stem and answer alone share " + t
	}
	return ""
}

// checkStem refuses stems that lose their subject or cannot decide: a
// pointer to context the chat never shows, a figure, or a blank inside an
// example list that any option would fill.
func checkStem(q *Question, _ *Memo) string {
	body := q.Stem
	if i := strings.Index(body, "「"); i >= 0 && q.Type != TypeTableRow {
		body = body[i+len("「"):]
	}
	if q.Type != TypeScenario && pointsAway(body) {
		return "stem points at context it does not show"
	}
	if i := strings.Index(q.Stem, Blank); i >= 0 {
		before, after := strings.TrimSpace(q.Stem[:i]), strings.TrimSpace(q.Stem[i+len(Blank):])
		for _, sep := range []string{"、", "・", "，"} {
			if strings.HasSuffix(before, sep) || strings.HasPrefix(after, sep) {
				return "blank in a list"
			}
		}
		if strings.HasPrefix(after, "など") || strings.HasPrefix(after, "や") {
			return "blank in a list"
		}
		if open := strings.LastIndexAny(before, "(（"); open >= 0 && !strings.ContainsAny(before[open:], ")）") {
			return "blank in a parenthetical" // (旧 Kinesis ＿＿＿): an alias or a former name
		}
		if strings.HasPrefix(after, "同様") || strings.HasPrefix(after, "と同様") || strings.HasPrefix(after, "と比較") || strings.HasPrefix(after, "と同じ") {
			return "blank compared with an unnamed subject"
		}
	}
	return ""
}

func checkSubstring(q *Question, _ *Memo) string {
	for i := range q.Options {
		na := q.Options[i].normText()
		for j := range q.Options {
			b := &q.Options[j]
			if i != j && strings.Contains(na, b.normText()) {
				return b.Text + " is inside " + q.Options[i].Text
			}
		}
	}
	return ""
}

func checkAlsoRight(q *Question, m *Memo) string {
	sd := ""
	if q.stemDef != "" {
		sd = Normalize(q.stemDef)
	}
	correct := q.CorrectIndexes()
	for _, i := range q.distractorIndexes() {
		o := q.Options[i]
		for _, a := range correct {
			if ans := q.Options[a]; o.owner != "" && ans.owner != "" && m.aliases.Same(o.owner, ans.owner) {
				return o.Text + " is an alias of the answer"
			}
		}
		if sd != "" && o.owner != "" {
			for _, d := range m.defsOf(o.owner) {
				if d == sd {
					return o.Text + " has the same definition as the stem"
				}
			}
		}
	}
	return ""
}

// checkKinds refuses options of different kinds (a service beside a
// setting key) and an answer that alone is far the longest.
func checkKinds(q *Question, m *Memo) string {
	ans := q.Correct().Text
	al := runeLen(ans)
	for _, i := range q.CorrectIndexes() {
		if l := runeLen(q.Options[i].Text); l < al {
			al = l // the correct options together are a cue when the shortest of them stands out
		}
	}
	named := q.Type != TypeTermDefinition && q.Type != TypeScenario && q.Type != TypeAuthored || q.Type == TypeScenario && q.Kind != TermProse
	longest := true
	ak := TermNone
	if named {
		ak = q.Options[q.Answer].termKind(m).family()
	}
	for i, o := range q.Options {
		if q.IsCorrectIndex(i) {
			if named && i != q.Answer && q.Options[i].termKind(m).family() != ak {
				return "mixed kinds: " + o.Text + " / " + ans
			}
			continue
		}
		if named && q.Options[i].termKind(m).family() != ak {
			return "mixed kinds: " + o.Text + " / " + ans
		}
		if ol := runeLen(o.Text); float64(ol)*1.5 >= float64(al) || al-ol < 8 {
			longest = false
		}
	}
	if longest && q.Multi() {
		return "the correct options are far the longest ones"
	}
	if longest {
		return "the answer alone is far the longest option"
	}
	return ""
}

func checkGeneric(q *Question, _ *Memo) string {
	for _, ans := range q.correctTexts() {
		if isGenericLabel(ans) || numberOnly(ans) {
			return "generic answer " + ans
		}
	}
	return ""
}

func checkMarkup(q *Question, _ *Memo) string {
	if longerThan(q.Stem, MaxStemRunes) {
		return "stem too long"
	}
	texts := []string{q.Stem}
	for _, o := range q.Options {
		if longerThan(o.Text, MaxOptionRunes) {
			return "option too long: " + truncateRunes(o.Text, 20)
		}
		texts = append(texts, o.Text)
	}
	if x := findSign(q.folded(), markupSigns); x != "" {
		return "markup left: " + x
	}
	for _, t := range texts {
		if strings.Count(t, "`")%2 != 0 || strings.Count(t, "「") != strings.Count(t, "」") ||
			strings.Count(t, "(")+strings.Count(t, "（") != strings.Count(t, ")")+strings.Count(t, "）") {
			return "unbalanced quotes or brackets"
		}
	}
	for _, o := range q.Options {
		if broken(o.Text) {
			return "broken option: " + o.Text
		}
	}
	return ""
}

func checkNegative(q *Question, _ *Memo) string {
	all := q.folded()
	if x := findSign(all[:len(q.Stem)], negativeSigns); x != "" {
		return "negative stem: " + x
	}
	if x := findSign(all[len(q.Stem):], negativeSigns[len(negativeSigns)-6:]); x != "" {
		return "all/none of the above: " + x
	}
	return ""
}

func checkExplanation(q *Question, _ *Memo) string {
	if q.Type == TypeAuthored {
		// a person's explanation; the memo line, when named, is quoted too
		if q.note == "" || q.Source.Quote != "" && !strings.Contains(q.Explanation, "> "+strings.Split(q.Source.Quote, "\n")[0]) {
			return "no explanation"
		}
		return explainsEvery(q)
	}
	if q.Source.Quote == "" {
		return "no quoted passage"
	}
	for _, l := range strings.Split(q.Source.Quote, "\n") {
		if !strings.Contains(q.Explanation, "> "+l) {
			return "explanation does not quote the memo"
		}
	}
	for _, i := range q.CorrectIndexes() {
		if ans := q.Options[i]; !strings.Contains(q.Source.Quote, ans.Text) && !strings.Contains(Normalize(q.Source.Quote), ans.normText()) {
			return "quoted passage does not contain the answer"
		}
	}
	return explainsEvery(q)
}

// explainsEvery: the explanation names every correct option.
func explainsEvery(q *Question) string {
	for _, t := range q.correctTexts() {
		if !strings.Contains(q.Explanation, t) {
			return "the explanation does not name the correct option " + truncateRunes(t, 30)
		}
	}
	return ""
}
