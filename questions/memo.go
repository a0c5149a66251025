package questions

import (
	"strconv"
	"strings"
)

// OtherDomain is the number of the bucket that holds passages no exam
// domain is close to.
const OtherDomain = 0

// Memo is a parsed study memo: its domains, every item in document order,
// its tables, and the problems found while reading it.
type Memo struct {
	// Title is the text of the first level-one heading, if any.
	Title string
	// Exam names the exam, from the weights config or front matter.
	Exam string
	// Rejected maps question IDs the team rejected to the reason (config).
	Rejected map[string]string
	// Domains lists the exam domains in number order, followed by the
	// "other" bucket (number 0) when anything landed in it.
	Domains []*Domain
	// Items holds every item (bullet, paragraph, heading note) in order.
	Items []*Item
	// Tables holds every table in order.
	Tables []*Table
	// Headings holds every heading in order.
	Headings []*Heading
	// Hash is a hex digest of the memo source, stored with posted questions.
	Hash string
	// Problems lists duplicate and conflicting definitions and other
	// findings for lint.
	Problems []Problem

	aliases  *AliasMap
	services map[string]bool     // normalised vendor service names (classifyTerms)
	defs     map[string][]string // term → normalised leading sentences of its definitions
}

// defsOf returns the normalised definitions of term.
func (m *Memo) defsOf(term string) []string { return m.defs[term] }

func (m *Memo) indexDefs() {
	m.defs = map[string][]string{}
	for _, it := range m.Items {
		it.quote = it.Quote()
		if it.Kind == KindDefinition {
			m.defs[it.Term] = append(m.defs[it.Term], Normalize(firstSentences(it.Def, maxDefRunes)))
		}
	}
}

// Domain is one exam domain (第 N 分野) or the "other" bucket.
type Domain struct {
	// Number is the domain number, 1-based; 0 is the "other" bucket.
	Number int
	// Title is the domain's title without number or weight.
	Title string
	// Weight is the share of scored content, in percent (0 when unknown).
	Weight float64
	// Objectives are the task statements listed under the heading.
	Objectives []string
}

// Label returns "第 N 分野: Title", or the title alone for the other bucket.
func (d *Domain) Label() string {
	if d == nil {
		return ""
	}
	if d.Number == OtherDomain {
		return d.Title
	}
	return "第 " + itoa(d.Number) + " 分野: " + d.Title
}

// ItemKind tells what an item says.
type ItemKind int

// Item kinds.
const (
	// KindPlain is a note that defines nothing.
	KindPlain ItemKind = iota
	// KindDefinition is "term: definition", or a term whose children describe it.
	KindDefinition
	// KindLabel is a generic attribute (目的, 例 …) of its parent.
	KindLabel
	// KindScenario is a question from the memo (ends with ？) with answer bullets.
	KindScenario
	// KindObjective is an exam task statement listed under a domain heading.
	KindObjective
	// KindCode is a fenced or indented code block.
	KindCode
)

// Item is one bullet, paragraph or code block of the memo.
type Item struct {
	// Domain is the domain number the item belongs to (assigned by
	// similarity for items outside any domain heading).
	Domain int
	// Section is the heading path under the domain heading.
	Section []string
	// Parent is the enclosing bullet, or nil at the top of a list.
	Parent *Item
	// Children are the nested bullets.
	Children []*Item
	// Kind tells what the item says.
	Kind ItemKind
	// Term is the defined term for definitions, the label for labels.
	Term string
	// Def is the definition or the label's value.
	Def string
	// Text is the item as users see it: markup, images and links removed,
	// inline code kept in backquotes.
	Text string
	// Number is the item's number for numbered items ("1. …"), else 0.
	Number int
	// Line is the 1-based line of the item in the memo.
	Line int
	// Attrs maps generic labels (目的, 例 …) of children to their values.
	Attrs map[string]string
	// InOther is true when the item sat outside any domain heading.
	InOther bool
	// Explicit is true for "term: definition" and "term:" with children (as
	// opposed to a bare term whose first child describes it).
	Explicit       bool
	quote          string // cached Quote, set once parsing is done
	maybeObjective bool   // straight under a domain heading, before any sub-heading

	// Conflict is set when lint found another, different definition of the term.
	Conflict bool
	// TermKind tells what a definition's term names; decided once per item.
	TermKind TermKind
}

// Path returns the item's heading path: domain label, sections, then the
// names of its parent bullets, outermost first.
func (it *Item) Path(m *Memo) []string {
	path := []string{}
	if d := m.Domain(it.Domain); d != nil {
		path = append(path, d.Label())
	}
	path = append(path, it.Section...)
	var chain []string
	for p := it.Parent; p != nil; p = p.Parent {
		chain = append(chain, p.Name())
	}
	for i := len(chain) - 1; i >= 0; i-- {
		path = append(path, chain[i])
	}
	return path
}

// Breadcrumb returns "domain › section › parent" for the item.
func (it *Item) Breadcrumb(m *Memo) string { return strings.Join(it.Path(m), " › ") }

// Quote returns the memo passage that states the item: its own line, and
// for a term defined by its first child that child's line too.
func (it *Item) Quote() string {
	if it.quote != "" {
		return it.quote
	}
	if it.Kind == KindDefinition && !strings.Contains(Normalize(it.Text), Normalize(it.Def)) {
		return it.Text + "\n" + it.Def
	}
	return it.Text
}

// Name returns the term for definitions and labels, else a short form of the text.
func (it *Item) Name() string {
	if it.Term != "" {
		return it.Term
	}
	return truncateRunes(it.Text, 30)
}

// Table is a markdown table with its header and rows as plain text.
type Table struct {
	// Domain is the domain number the table belongs to.
	Domain int
	// Section is the heading path under the domain heading.
	Section []string
	// Header holds the column titles.
	Header []string
	// Rows holds the cells, one slice per row, padded to the header width.
	Rows [][]string
	// Line is the 1-based line of the header row.
	Line int
}

// Heading is a heading with its domain and path.
type Heading struct {
	// Domain is the domain the heading belongs to (or opens).
	Domain int
	// Level is the markdown heading level.
	Level int
	// Text is the heading text.
	Text string
	// Path is the heading path under the domain heading, including Text.
	Path []string
	// Line is the 1-based line of the heading.
	Line int
}

// Problem is a finding about the memo reported by lint.
type Problem struct {
	// Kind is "duplicate", "conflict" or "parse".
	Kind string
	// Term is the term concerned, if any.
	Term string
	// Lines are the memo lines concerned.
	Lines []int
	// Detail says what is wrong.
	Detail string
}

// Domain returns the domain numbered n, or nil.
func (m *Memo) Domain(n int) *Domain {
	for _, d := range m.Domains {
		if d.Number == n {
			return d
		}
	}
	return nil
}

// Aliases returns the memo's alias map.
func (m *Memo) Aliases() *AliasMap { return m.aliases }

func itoa(n int) string { return strconv.Itoa(n) }
