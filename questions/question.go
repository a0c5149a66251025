package questions

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Type is a kind of generated question.
type Type string

// Question types.
const (
	// TypeDefinitionTerm shows a definition with the term masked; options are terms.
	TypeDefinitionTerm Type = "definition_term"
	// TypeTermDefinition names a term; options are definitions.
	TypeTermDefinition Type = "term_definition"
	// TypeTableRow asks which row of a table has a given cell.
	TypeTableRow Type = "table_row"
	// TypeCloze blanks a key term in a memo sentence.
	TypeCloze Type = "cloze"
	// TypeScenario is one of the memo's own worked questions.
	TypeScenario Type = "scenario"
)

// Types lists every question type in a fixed order.
var Types = []Type{TypeDefinitionTerm, TypeTermDefinition, TypeTableRow, TypeCloze, TypeScenario, TypeAuthored}

// Difficulty levels, from how close the distractors are to the answer.
const (
	// Easy: distractors from elsewhere in the domain or memo.
	Easy = 1
	// Medium: distractors from the same section.
	Medium = 2
	// Hard: distractors are siblings (same parent bullet or table column).
	Hard = 3
)

// Option is one answer choice. Its ID depends on its text only, never on
// where it is shown, so answers are stored by identity, not by letter.
type Option struct {
	// ID identifies the option within its question.
	ID string `json:"id"`
	// Text is what users see.
	Text string `json:"text"`
	// Quote is the memo line this option comes from: for a distractor, why
	// it is not the answer.
	Quote string `json:"quote,omitempty"`
	// Line is the memo line of Quote.
	Line int `json:"line,omitempty"`

	owner   string   // the term this option belongs to (for also-right checks)
	norm    string   // Normalize(Text), cached
	toks    tokenSet // leak tokens of Text (nil: computed when asked)
	kind    TermKind // what the option names, when kindSet
	kindSet bool
}

// termKind returns what the option names.
func (o *Option) termKind(m *Memo) TermKind {
	if !o.kindSet {
		o.kind, o.kindSet = termKindOf(o.owner, m.services), true
	}
	return o.kind
}

// tokens returns the option's leak tokens.
func (o *Option) tokens() tokenSet {
	if o.toks == nil {
		o.toks = leakTokens(o.Text)
	}
	return o.toks
}

// normText returns the option's normalised text.
func (o *Option) normText() string {
	if o.norm == "" {
		o.norm = Normalize(o.Text)
	}
	return o.norm
}

// Source locates the memo passage a question was made from.
type Source struct {
	// Path is the heading path: domain heading, sections, parent bullets.
	Path []string `json:"path"`
	// Line is the 1-based memo line.
	Line int `json:"line"`
	// Quote is the sentence(s) that prove the answer, verbatim, short
	// enough to read in chat.
	Quote string `json:"quote"`
	// Passage is the whole memo passage around the source, for /explain
	// and "questions show".
	Passage string `json:"passage,omitempty"`
}

// Breadcrumb joins Path with " › ".
func (s Source) Breadcrumb() string { return strings.Join(s.Path, " › ") }

// Question is a multiple-choice question with one correct option, or with
// Choose correct options (Answers) when it asks to choose two or three.
type Question struct {
	// ID is stable across memo edits elsewhere: a hash of domain, heading
	// path, item key and type.
	ID string `json:"id"`
	// Domain is the domain number (0 for the other bucket).
	Domain int `json:"domain"`
	// DomainTitle is the domain's title.
	DomainTitle string `json:"domain_title"`
	// Type is the question type.
	Type Type `json:"type"`
	// Stem is the question text.
	Stem string `json:"stem"`
	// Options are the choices in display order.
	Options []Option `json:"options"`
	// Answer is the index of the correct option (for a multi-answer
	// question, the first of Answers).
	Answer int `json:"answer"`
	// Answers lists the indexes of the correct options of a multi-answer
	// ("choose two") question; empty for a single-answer one. See Multi.
	Answers []int `json:"answers,omitempty"`
	// Choose is how many options a multi-answer question asks for (2 or 3);
	// 0 for a single-answer one.
	Choose int `json:"choose,omitempty"`
	// Difficulty is Easy, Medium or Hard.
	Difficulty int `json:"difficulty"`
	// Kin names where the distractors came from: sibling, section, domain or memo.
	Kin string `json:"kin"`
	// Explanation quotes the memo for the answer and for each distractor.
	Explanation string `json:"explanation"`
	// Source is the passage the question was made from.
	Source Source `json:"source"`
	// Rationale is an authored question's own explanation of its answer
	// (empty for generated ones, whose memo quote is the explanation).
	Rationale string `json:"rationale,omitempty"`
	// Kind is what the options name (service, feature, key …).
	Kind TermKind `json:"-"`
	// Confidence scores the evidence the question stands on, from 0 to 1:
	// same-kind siblings, four options, a named subject, no shared words.
	// The daily post draws the most confident first.
	Confidence float64 `json:"confidence"`
	// Rank is the question's place in the order the daily post draws from
	// the bank (1 first); see Bank.Top.
	Rank int `json:"rank"`
	// Item identifies the memo item the question is about, stable across
	// memo edits elsewhere: a hash of the parts the ID hashes without the
	// type (domain, heading path, parent chain, term or table row), so
	// questions of different types about one item share it. Spaced
	// repetition schedules items, not questions. An authored question is
	// its own item.
	Item string `json:"item"`
	// Approved is set when the team's review file approves the question
	// (or edits it into one that passes every rule); see Bank.ApplyReview.
	Approved bool `json:"approved,omitempty"`
	// Draft is set for a question a language model drafted (an authored
	// question with provenance; see Provenance).
	Draft bool `json:"draft,omitempty"`
	// Doubt is a draft's note that its memo line looks wrong or out of
	// date: such a question is never posted before a person approves it.
	Doubt string `json:"doubt,omitempty"`

	stemDef   string   // the definition shown in the stem, for also-right checks
	probe     string   // the part of the stem an answer could leak into
	note      string   // an authored question's own explanation
	probeToks tokenSet // leak tokens of probe, cached
	itemKey   string   // the memo item asked about: questions about one item share it
	normStem  string   // Normalize(Stem), cached
	fold      []byte   // stem and options, ASCII lower-cased (quality checks)
}

// normalStem returns the normalised stem.
func (q *Question) normalStem() string {
	if q.normStem == "" {
		q.normStem = Normalize(q.Stem)
	}
	return q.normStem
}

// Correct returns the correct option; for a multi-answer question the
// first of its correct options (q.Answer is Answers[0]), so a caller that
// names the answer uses CorrectIndexes instead.
func (q *Question) Correct() Option { return q.Options[q.Answer] }

// OptionIndex returns the index of the option with the given ID, or -1.
func (q *Question) OptionIndex(id string) int {
	for i, o := range q.Options {
		if o.ID == id {
			return i
		}
	}
	return -1
}

// Letter returns "A", "B", … for an option index.
func Letter(i int) string { return string(rune('A' + i)) }

// hashID returns a short hex digest of parts.
func hashID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:5])
}

func optionID(text string) string { return hashID(Normalize(text))[:6] }

// buildExplanation writes the explanation: answer, quote with breadcrumb,
// then each distractor's own memo line.
func (q *Question) buildExplanation() {
	crumb := q.Source.Breadcrumb()
	size := 64 + len(q.Correct().Text) + 3*len(q.Source.Quote) + len(crumb)
	for _, o := range q.Options {
		size += 16 + len(o.Text) + len(o.Quote)
	}
	var b strings.Builder
	b.Grow(size)
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	w("正解: ", strings.Join(q.correctTexts(), " / "), "\n")
	if q.note != "" {
		w(q.note, "\n")
	}
	if q.Source.Quote != "" {
		for l := range strings.SplitSeq(q.Source.Quote, "\n") {
			w("> ", l, "\n")
		}
		w("（", crumb, "、", itoa(q.Source.Line), " 行目）")
	} else {
		w("（", crumb, "）")
	}
	first := true
	for i, o := range q.Options {
		if q.IsCorrectIndex(i) || o.Quote == "" {
			continue
		}
		if first {
			w("\n他の選択肢:")
			first = false
		}
		why := strings.ReplaceAll(o.Quote, "\n", " — ")
		if strings.HasPrefix(why, o.Text) || strings.HasPrefix(why, stripVendor(o.Text)) && vendorOf(o.Text) == "" {
			w("\n・", why)
		} else {
			w("\n・", o.Text, " — ", why)
		}
	}
	q.Explanation = b.String()
}
