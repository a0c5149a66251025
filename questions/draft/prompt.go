package draft

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/studybot/studybot/questions"
)

// styleGuide is the system message of a drafting request: what reviewers
// of the bank found good and bad (shared/reference/question-review.md),
// as rules a model can follow. %[1]s is the exam, %[2]s the language.
const styleGuide = `You write multiple-choice practice questions for the certification exam "%[1]s", grounded in a team's study memo. Each request gives you one passage of the memo with its line numbers; every question you write must be answerable by a candidate who knows the subject, and its answer must be proved by lines of that passage.

Language: write the stem, the options and the explanation in %[2]s, as the memo does. Keep service, feature and setting names exactly as the vendor writes them (English names stay English). Do not copy the memo's typos.

A good question:
1. Stem: exam style — a short concrete situation or requirement that names its subject (the service or feature it is about), then one clear question (for example ending in 「どれか？」). It makes sense on its own, without the memo, and never mentions the memo (メモによると). Never open with 例えば, 同様に, これらの, 上記, 以下, and never point at a figure. At most 300 characters.
2. Options: exactly four, of one kind and one shape — all services, or all settings or policies of one feature, or all values of one setting, or all sentences of the same form (for example "result + reason"), of similar length. Each option at most 80 characters, no markdown, no letter or number in front. Prefer distractors a learner really confuses: siblings and neighbours in the passage, the memo's related terms listed in the request, the other settings of the same feature, pairs that differ in one property (two policies × two values). The correct option is not the longest one and is not phrased unlike the others.
3. Exactly one option is correct by the vendor's documentation, and each other option is clearly wrong for someone who knows. But no option may be eliminated without knowledge: a distractor never contradicts the stem's own requirement or category word (when the stem asks for a service, every option is a service; when it asks for a way to handle millions of rows efficiently, no option is something that obviously cannot), and no two options are both defensible. When the options are siblings, ask about a property only the correct one has, never one that two of them share (as several rows of a table may).
4. No leak: the stem never restates the correct option's defining property in its own words, never translates or spells out its name (ビルドサービス → CodeBuild, 一度にすべて → AllAtOnce, カタログ → Service Catalog, 継続的インテグレーション → CI), and shares no distinctive word with the correct option that the other options lack. The correct option does not describe its own job in the stem's words.
5. Ask what the exam or a learner cares about: which service or setting meets a requirement, what something is for, how neighbours differ, a behaviour or limit the exam tests. Never a step of a worked procedure, an address, ID or name from an example, a link title, or a generic word.
6. No negative stems (誤っているもの, 正しくないもの, ではないもの), no "all of the above" or "none of the above" (上記すべて, いずれでもない).
7. Explanation: at most about 300 characters, to be read in a chat. Say why the correct option is right and why the other options — at least the most tempting one — are wrong, naming them (never by letter: the options will be shuffled).
8. Evidence: the memo lines that prove the answer, each copied verbatim from the passage — the text after the line number, without the number and without the leading "- ". Only lines of the passage given. Never a line of practice-exam commentary that names option letters (「D は正解です」) or a leftover of a chat; if no clean line of the passage proves a question, do not write it.
9. Doubt: when a memo line you rely on looks wrong or out of date by the vendor's current documentation, follow the documentation in the question and write in "doubt" which line and why, in one sentence; otherwise "".
10. Fact: a short key naming the one fact the question asks (for example "CodeDeploy Canary の移行方式"). Every question of one answer asks a different fact, and none asks again a fact of the questions listed as already asked.
11. Difficulty: easy, medium or hard for a candidate of this exam. Domain: the domain number given. Answer: the 0-based index of the correct option.

Write exactly the number of questions asked for, fewer only when the passage cannot support more good ones. Answer with the JSON object of the schema only.`

// verifyGuide is the system message of a verification request.
const verifyGuide = `You are a careful, well-prepared candidate of the certification exam "%[1]s". Answer the multiple-choice question of the request, using the memo passage given and your knowledge of the vendor's documentation. Pick the one best option. Then list in other_defensible every other option that an expert could also defend as a correct answer to this stem as written (an option that meets the requirement as well, or equally well); leave it empty when every other option is clearly wrong. In reason, say in one or two sentences why. Answer with the JSON object of the schema only.`

// multiGuide is added to the user message of a request that asks for a
// multi-answer question (Ask.Multi); the system message stays the same for
// every request. %[1]d is the number of questions asked.
const multiGuide = `
Multi-answer question: write one of the %[1]d questions as a "choose two" or "choose three" question, as the exam does, when the passage has enough sibling facts for it (several correct options that each rest on their own line of the passage); otherwise write only one-answer questions. For it:
- choose is 2 with exactly five options, or 3 with exactly six options; answers lists the 0-based indexes of every correct option, answer is the first of them. The other questions have choose 0 and answers [].
- The stem ends by stating the number to choose: 「（2つ選択）」 or 「（3つ選択）」. A learner must choose all of them: a partial set is wrong.
- Every correct option rests on a quoted line of evidence: quote a line for each one.
- No option combines others (「A と B」, 「両方」, "both"), and no option's text contains another's.
- The correct options are not the longest ones and are phrased like the others; every option is of one kind.
- The explanation names every correct option and says why the most tempting wrong one fails.
`

// verifyMultiGuide is the system message of a multi-answer question's
// verification request.
const verifyMultiGuide = `You are a careful, well-prepared candidate of the certification exam "%[1]s". Answer the multiple-response question of the request, using the memo passage given and your knowledge of the vendor's documentation: choose exactly as many options as the question asks for, the best ones. Then list in other_defensible every option you did not choose that an expert could also defend as correct for this stem as written; leave it empty when every other option is clearly wrong. In reason, say in one or two sentences why. Answer with the JSON object of the schema only.`

// Token budgets of the answers (max_completion_tokens): room for a
// reasoning model's thoughts as well as the answer.
const (
	draftTokensPerQuestion = 1500
	draftTokensBase        = 1000
	verifyTokens           = 2000
)

// language names the memo's language for the style guide.
func language(m *Memo) string {
	ja, all := 0, 0
	for _, l := range m.Lines {
		for _, r := range l {
			if unicode.IsLetter(r) {
				all++
				if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
					ja++
				}
			}
		}
	}
	if all > 0 && ja*10 >= all {
		return "Japanese (日本語)"
	}
	return "English"
}

// reImageLine matches a line that only shows an image.
var reImageLine = regexp.MustCompile(`^\s*(?:[-*+]\s+)?(?:!\[[^\]]*\]\([^)]*\)|<img[^>]*>)\s*$`)

// passageText renders a passage for a prompt: its context lines, then its
// lines, each with its line number.
func passageText(m *Memo, p questions.Passage) string {
	var b strings.Builder
	for _, l := range p.Context {
		fmt.Fprintf(&b, "%5d| %s\n", l, strings.TrimRight(m.line(l), " \t"))
	}
	if len(p.Context) > 0 {
		b.WriteString("  ...\n")
	}
	for l := p.First; l <= p.Last; l++ {
		if reImageLine.MatchString(m.line(l)) {
			continue // an image the model cannot see
		}
		fmt.Fprintf(&b, "%5d| %s\n", l, strings.TrimRight(m.line(l), " \t"))
	}
	return b.String()
}

// draftUser is the user message of a drafting request.
func draftUser(m *Memo, a Ask) string {
	var b strings.Builder
	d := m.Parsed.Domain(a.Passage.Domain)
	fmt.Fprintf(&b, "Exam: %s\nDomain: %d (%s)\nWhere in the memo: %s\n", m.Exam, d.Number, d.Label(), a.Passage.Breadcrumb())
	fmt.Fprintf(&b, "Questions to write: %d, each about a different fact.\n", a.Count)
	if a.Multi {
		fmt.Fprintf(&b, multiGuide, a.Count)
	}
	if a.FocusFirst > 0 {
		fmt.Fprintf(&b, "Focus: ask about lines %d–%d of the passage (the rest is context; other requests ask about it).\n", a.FocusFirst, a.FocusLast)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "Passage (line number | memo line):\n%s", passageText(m, a.Passage))
	if len(a.Kin) > 0 {
		b.WriteString("\nRelated terms elsewhere in the memo (distractor candidates of the same kind):\n")
		for _, k := range a.Kin {
			if k.Def != "" {
				fmt.Fprintf(&b, "- %s: %s\n", k.Term, k.Def)
			} else {
				fmt.Fprintf(&b, "- %s\n", k.Term)
			}
		}
	}
	if len(a.Asked) > 0 {
		b.WriteString("\nQuestions already asked about this passage (do not ask their facts again):\n")
		for _, e := range a.Asked {
			fmt.Fprintf(&b, "- %s → %s\n", oneLine(e.Stem), oneLine(e.Answer))
		}
	}
	return b.String()
}

// oneLine folds newlines into spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// draftRequest builds the drafting request of one ask.
func draftRequest(m *Memo, model string, a Ask) Request {
	r := Request{Kind: KindDraft, Model: model, System: fmt.Sprintf(styleGuide, m.Exam, language(m)),
		User: draftUser(m, a), SchemaName: DraftSchemaName, Schema: draftSchema,
		MaxTokens: draftTokensBase + draftTokensPerQuestion*a.Count}
	if a.Multi {
		r.SchemaName, r.Schema = DraftMultiSchemaName, draftMultiSchema
	}
	r.Key = keyOf(r)
	return r
}

// verifyUser is the user message of a verification request: the passage,
// the stem and the options in the order perm gives (perm[i] is the
// drafted option shown at letter i).
func verifyUser(m *Memo, p questions.Passage, stem string, options []string, perm []int, choose int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Exam: %s\n\nMemo passage (line number | memo line):\n%s\nQuestion:\n%s\n\n", m.Exam, passageText(m, p), stem)
	if choose > 1 {
		fmt.Fprintf(&b, "Choose %d options.\n\n", choose)
	}
	for i, k := range perm {
		fmt.Fprintf(&b, "%s. %s\n", questions.Letter(i), options[k])
	}
	return b.String()
}

// estimateTokens guesses the tokens of a text: about one per kana or
// kanji, one per four other characters.
func estimateTokens(s string) int {
	wide, narrow := 0, 0
	for _, r := range s {
		if r < 0x3000 {
			narrow++
		} else {
			wide++
		}
	}
	return wide + (narrow+3)/4
}
