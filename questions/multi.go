package questions

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Limits of a multi-answer ("choose two", "choose three") question.
const (
	// MinChoose and MaxChoose bound Choose.
	MinChoose, MaxChoose = 2, 3
	// MaxMultiOptions is the most options a multi-answer question shows
	// (the exam shows five for "choose two", six for "choose three").
	MaxMultiOptions = 6
	// MultiDistractors is the fewest wrong options a multi-answer question
	// has: it shows at least Choose+MultiDistractors options.
	MultiDistractors = 2
)

// correct validates the answer fields of an authored question and returns
// the correct indexes (sorted; one for a single answer), or the field at
// fault ("answer", "answers", "choose", "options") and why.
func (a *Authored) correct() (idx []int, rule, why string) {
	if a.Choose == 0 && len(a.Answers) == 0 {
		if a.Answer < 0 || a.Answer >= len(a.Options) {
			return nil, "answer", fmt.Sprintf("answer %d is not one of the %d options (0-based)", a.Answer, len(a.Options))
		}
		return []int{a.Answer}, "", ""
	}
	return checkAnswers(a.Answers, a.Choose, len(a.Options))
}

// checkAnswers validates a multi-answer question's fields: choose 2 or 3,
// as many answers as choose, distinct and in range, at least choose+2 and
// at most 6 options. It returns the answers sorted, or the field at fault.
func checkAnswers(answers []int, choose, options int) (idx []int, rule, why string) {
	switch {
	case choose < MinChoose || choose > MaxChoose:
		return nil, "choose", fmt.Sprintf("choose %d: want %d or %d (answers: %v)", choose, MinChoose, MaxChoose, answers)
	case len(answers) != choose:
		return nil, "answers", fmt.Sprintf("%d answers for choose %d", len(answers), choose)
	case options < choose+MultiDistractors || options > MaxMultiOptions:
		return nil, "options", fmt.Sprintf("%d options for choose %d: want %d to %d", options, choose, choose+MultiDistractors, MaxMultiOptions)
	}
	idx = slices.Clone(answers)
	slices.Sort(idx)
	for i, x := range idx {
		if x < 0 || x >= options {
			return nil, "answers", fmt.Sprintf("answer %d is not one of the %d options (0-based)", x, options)
		}
		if i > 0 && idx[i-1] == x {
			return nil, "answers", fmt.Sprintf("answer %d listed twice", x)
		}
	}
	return idx, "", ""
}

// distractorIndexes returns the indexes of the wrong options.
func (q *Question) distractorIndexes() []int {
	var out []int
	for i := range q.Options {
		if !q.IsCorrectIndex(i) {
			out = append(out, i)
		}
	}
	return out
}

// correctTexts returns the correct options' texts in display order.
func (q *Question) correctTexts() []string {
	var out []string
	for _, i := range q.CorrectIndexes() {
		out = append(out, q.Options[i].Text)
	}
	return out
}

// reChooseNumber finds a stated number to choose: 「2つ選択」「2 つ選んで
// ください」「（2つ選択）」「二つ選び」「2 個選択」, "Choose two", "Select 2",
// "choose TWO answers". Digits are matched after NFKC (full-width ２ is 2).
var reChooseNumber = regexp.MustCompile(`(?i)([0-9一二三四五六]|two|three|four)\s*(?:つ|個|項目)\s*(?:を|の選択肢を)?\s*(?:選|えら)|(?:choose|select|pick)\s+(?:the\s+)?([0-9]|two|three|four)\b|(?:選択肢を|を)?\s*([0-9一二三四五六])\s*つ\s*(?:選|えら)`)

// StatedChoose returns the number of options a stem asks to choose (2 for
// 「2つ選択してください」 or "Choose two"), or 0 when it states none.
func StatedChoose(stem string) int {
	m := reChooseNumber.FindStringSubmatch(foldDigits(stem))
	if m == nil {
		return 0
	}
	w := m[1] + m[2] + m[3]
	switch strings.ToLower(w) {
	case "2", "二", "two":
		return 2
	case "3", "三", "three":
		return 3
	case "4", "四", "four":
		return 4
	case "1", "一":
		return 1
	case "5", "五":
		return 5
	case "6", "六":
		return 6
	}
	return 0
}

// withoutChoose returns the stem without its statement of the number to
// choose ("Choose two" is no acronym of CloudTrail).
func withoutChoose(stem string) string {
	if StatedChoose(stem) == 0 {
		return stem
	}
	return reChooseNumber.ReplaceAllString(foldDigits(stem), " ")
}

// foldDigits turns full-width digits and parentheses into ASCII.
func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + r - '０'
		case r == '（':
			return '('
		case r == '）':
			return ')'
		}
		return r
	}, s)
}

// checkChoose: a multi-answer question states the number to choose in its
// stem, and no question states a number other than its own.
func checkChoose(q *Question, _ *Memo) string {
	n := StatedChoose(q.Stem)
	switch {
	case q.Multi() && n == 0:
		return fmt.Sprintf("the stem does not say to choose %d (「%dつ選択してください」)", q.Choose, q.Choose)
	case n > 1 && n != q.ChooseCount():
		return fmt.Sprintf("the stem says to choose %d, the question has %d correct", n, q.ChooseCount())
	}
	return ""
}

// reLetterSet matches an option that names other options by letter or
// stands for several of them: 「A と B」「A および C の両方」, "Both A and
// B", "A and C", 「上記の両方」.
var reLetterSet = regexp.MustCompile(`(?i)^\s*(?:both\s+)?[(（]?[A-F][)）]?\s*(?:と|および|及び|、|,|&|and|\+)\s*[(（]?[A-F][)）]?(?:\s|の|$)|上記の?(?:両方|すべて|全て)|^\s*both\b`)

// reBoth matches an option that stands for several others without naming
// them by letter (「…の両方」, "both …"): in a multi-answer question it is a
// set among sets. A single-answer question may offer "X のみ / Y のみ /
// 両方" as its options, a fair question reviewers accepted.
var reBoth = regexp.MustCompile(`(?i)両方|\bboth\b`)

// setSeparators split a set-like option (「CodeBuild と CodeDeploy」).
var setSeparators = regexp.MustCompile(`\s*(?:と|および|及び|ならびに|、|,|&|\+|\band\b)\s*`)

// checkSuperset refuses an option that is a set of others: one that names
// options by letter (「A と B」, "Both A and C", 「上記の両方」) in any
// question; in a multi-answer question also one that says 両方/both, or
// whose parts (「X と Y」) are each another option's whole text. A learner
// picks or drops it without knowing the subject.
func checkSuperset(q *Question, _ *Memo) string {
	texts := map[string]bool{}
	for i := range q.Options {
		texts[q.Options[i].normText()] = true
	}
	for i := range q.Options {
		o := &q.Options[i]
		if reLetterSet.MatchString(foldDigits(o.Text)) {
			return o.Text + " names other options"
		}
		if !q.Multi() {
			continue
		}
		if reBoth.MatchString(o.Text) {
			return o.Text + " stands for several options"
		}
		parts := setSeparators.Split(strings.TrimSpace(o.Text), -1)
		if len(parts) < 2 {
			continue
		}
		all := true
		for _, p := range parts {
			if k := Normalize(p); k == "" || k == o.normText() || !texts[k] {
				all = false
				break
			}
		}
		if all {
			return o.Text + " is a set of other options"
		}
	}
	return ""
}

// checkEvidence: every correct option of a multi-answer question rests on
// the quoted memo lines (its text, or enough of its words, appears in
// them). A single-answer question's evidence is checked by "explanation".
func checkEvidence(q *Question, _ *Memo) string {
	if !q.Multi() {
		return ""
	}
	if q.Source.Quote == "" {
		return "a multi-answer question needs memo lines (source:, sources:) for every correct option"
	}
	for _, t := range q.correctTexts() {
		if !RestsOn(t, q.Source.Quote) {
			return fmt.Sprintf("the correct option %q does not rest on the quoted lines", truncateRunes(t, 30))
		}
	}
	return ""
}

// RestsOn reports whether the option text rests on the quoted memo text:
// the quote holds it (normalised), or the quote shares at least half of its
// terms (service names, katakana and kanji runs, their English glosses)
// and at least one.
func RestsOn(option, quote string) bool {
	no, nq := Normalize(option), Normalize(quote)
	if no == "" {
		return false
	}
	if strings.Contains(nq, no) {
		return true
	}
	if nv := Normalize(stripVendor(option)); nv != "" && strings.Contains(nq, nv) {
		return true
	}
	shared, total := SharedTerms(option, quote)
	return shared >= 1 && shared*2 >= total
}
