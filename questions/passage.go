package questions

import (
	"sort"
	"strings"
)

// Passage is a stretch of the memo a language model may be asked to write
// questions about: a top-level bullet's subtree (or a part of a large one),
// several small neighbouring ones under one heading, or a table; never
// across a heading. The drafting pipeline (questions/draft) plans its
// requests over passages.
type Passage struct {
	// Domain is the domain number of the passage's items.
	Domain int
	// Path is the breadcrumb: domain label, sections, and for a part of a
	// large subtree its parent bullets.
	Path []string
	// First and Last are the 1-based memo lines the passage spans,
	// inclusive.
	First, Last int
	// Context lists the lines of parent bullets shown before the passage
	// when it is a part of a larger subtree (outermost first).
	Context []int
	// Items are the passage's items in memo order (subtrees included).
	Items []*Item
	// Tables are the tables inside the passage.
	Tables []*Table
	// Definitions counts the items that define a term a question could ask
	// about (not skipped).
	Definitions int
	// WithKin counts those definitions that have kin of their own kind in
	// the memo (siblings that make good distractors).
	WithKin int
	// Skip says why nothing in the passage is worth a question ("inside a
	// worked scenario", "exam objectives", "link list" …), or "".
	Skip string
}

// Breadcrumb joins Path with " › ".
func (p Passage) Breadcrumb() string { return strings.Join(p.Path, " › ") }

// Kin is a definition offered to a model as a distractor candidate: a term
// of the same kind near one the passage defines.
type Kin struct {
	// Term is the defined term.
	Term string
	// Def is the first sentence of its definition.
	Def string
	// Line is its memo line.
	Line int
}

// Passage sizes, in memo lines.
const (
	// passageTarget is the size small neighbouring subtrees are merged up to.
	passageTarget = 10
	// passageMax is the size above which a subtree is split into its
	// children's subtrees.
	passageMax = 16
)

// unit is a subtree or a table with the lines it spans.
type unit struct {
	first, last int
	item        *Item
	table       *Table
	context     []*Item
	boundary    int // index of the heading section the unit sits in
}

// Passages cuts the memo into passages in memo order; lines is the memo
// source split into lines (to bound multi-line items and find links).
// Passages with a Skip reason are included so callers can count them.
func (m *Memo) Passages(lines []string) []Passage {
	g := newGenerator(m)
	heads := make([]int, 0, len(m.Headings))
	for _, h := range m.Headings {
		heads = append(heads, h.Line)
	}
	sectionOf := func(line int) int { return sort.SearchInts(heads, line+1) }
	var units []unit
	var add func(it *Item, ctx []*Item)
	add = func(it *Item, ctx []*Item) {
		u := unit{first: it.Line, last: lastLine(it), item: it, context: ctx, boundary: sectionOf(it.Line)}
		if u.last-u.first+1 > passageMax && len(it.Children) > 0 {
			// a large subtree: its children, each under the parent's line
			c2 := append(append([]*Item(nil), ctx...), it)
			for _, c := range it.Children {
				add(c, c2)
			}
			return
		}
		units = append(units, u)
	}
	for _, it := range m.Items {
		if it.Parent == nil {
			add(it, nil)
		}
	}
	for _, t := range m.Tables {
		units = append(units, unit{first: t.Line, last: t.Line + 1 + len(t.Rows), table: t, boundary: sectionOf(t.Line)})
	}
	sort.SliceStable(units, func(i, j int) bool { return units[i].first < units[j].first })
	// A unit ends where the next one (or a heading) starts, blank lines
	// trimmed: multi-line paragraphs and code blocks are kept whole.
	for i := range units {
		end := len(lines)
		if i+1 < len(units) {
			end = units[i+1].first - 1
		}
		if k := sectionOf(units[i].first); k < len(heads) && heads[k]-1 < end {
			end = heads[k] - 1
		}
		if end > units[i].last {
			units[i].last = end
		}
		for units[i].last > units[i].first && units[i].last <= len(lines) && strings.TrimSpace(lines[units[i].last-1]) == "" {
			units[i].last--
		}
	}
	anc := map[*Item]string{}
	var out []Passage
	var cur *Passage
	var curCtx []*Item
	curBoundary := -1
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	for _, u := range units {
		skip := unitSkip(m, u, lines, anc)
		size := u.last - u.first + 1
		sameCtx := len(curCtx) == len(u.context) && (len(u.context) == 0 || curCtx[len(curCtx)-1] == u.context[len(u.context)-1])
		if cur == nil || u.boundary != curBoundary || !sameCtx || cur.Skip != skip ||
			cur.Last-cur.First+1+size > passageTarget || u.table != nil || len(cur.Tables) > 0 {
			flush()
			cur = &Passage{First: u.first, Last: u.last, Skip: skip}
			curCtx, curBoundary = u.context, u.boundary
			for _, c := range u.context {
				cur.Context = append(cur.Context, c.Line)
			}
			switch {
			case u.item != nil:
				cur.Domain = u.item.Domain
				cur.Path = u.item.Path(m)
			case u.table != nil:
				cur.Domain = u.table.Domain
				cur.Path = tablePath(m, u.table)
			}
		}
		cur.Last = u.last
		if u.table != nil {
			cur.Tables = append(cur.Tables, u.table)
		}
		if u.item != nil {
			walkItems(u.item, func(it *Item) {
				cur.Items = append(cur.Items, it)
				if it.Kind == KindDefinition && g.option[it] {
					cur.Definitions++
					if len(g.kin[it]) > 1 {
						cur.WithKin++
					}
				}
			})
		}
	}
	flush()
	// a domain whose notes all sit straight under its heading (no
	// sub-heading) has no objectives list: those are its notes
	usable := map[int]bool{}
	for _, p := range out {
		if p.Skip == "" {
			usable[p.Domain] = true
		}
	}
	for i := range out {
		if out[i].Skip == skipObjectives && !usable[out[i].Domain] {
			out[i].Skip = ""
		}
	}
	return out
}

// skipObjectives is the Skip of a passage of exam objectives.
const skipObjectives = "exam objectives"

// kinOf returns the distractor candidates of a passage: the kin of its
// definitions that lie outside it, nearest first, at most max.
func (g *generator) kinOf(p Passage, max int) []Kin {
	inside := map[*Item]bool{}
	for _, it := range p.Items {
		inside[it] = true
	}
	seen := map[string]bool{}
	var out []Kin
	for _, it := range p.Items {
		if it.Kind != KindDefinition || !g.option[it] {
			continue
		}
		for _, k := range g.nearKin(it) {
			key := Normalize(k.Term)
			if inside[k] || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, Kin{Term: k.Term, Def: firstSentence(k.Def, 80), Line: k.Line})
			if len(out) >= max {
				return out
			}
		}
	}
	return out
}

// Drafter bundles what the drafting pipeline asks of a parsed memo, built
// once (the kin index costs as much as generating the bank).
type Drafter struct {
	m *Memo
	g *generator
}

// NewDrafter indexes m for drafting.
func NewDrafter(m *Memo) *Drafter { return &Drafter{m: m, g: newGenerator(m)} }

// Kin returns the distractor candidates of p: the kin (same-kind
// siblings) of its definitions that lie outside it, nearest first, at
// most max.
func (d *Drafter) Kin(p Passage, max int) []Kin { return d.g.kinOf(p, max) }

// lastLine returns the last item line of it's subtree.
func lastLine(it *Item) int {
	n := it.Line
	for _, c := range it.Children {
		if l := lastLine(c); l > n {
			n = l
		}
	}
	return n
}

func walkItems(it *Item, f func(*Item)) {
	f(it)
	for _, c := range it.Children {
		walkItems(c, f)
	}
}

// definesAny reports whether a subtree holds a definition.
func definesAny(it *Item) bool {
	found := false
	walkItems(it, func(x *Item) { found = found || x.Kind == KindDefinition })
	return found
}

// referenceSections name sections of links and sources, not notes.
var referenceSections = []string{"参考資料", "参考文献", "参考リンク", "リンク", "references", "links", "resources"}

// unitSkip says why a unit is not worth asking about.
func unitSkip(m *Memo, u unit, lines []string, anc map[*Item]string) string {
	if u.item != nil {
		it := u.item
		for _, s := range it.Section {
			ls := strings.ToLower(s)
			for _, r := range referenceSections {
				if strings.Contains(ls, r) {
					return "link list"
				}
			}
		}
		if it.Kind == KindObjective && !definesAny(it) {
			return skipObjectives
		}
		if it.Kind == KindScenario || isQuestionLine(it.Text) {
			return "inside a worked question"
		}
		if why := skipReasonUnder(it, ancestorReason(it.Parent, anc)); why != "" && it.Kind != KindDefinition {
			switch why {
			case "procedure step", "inside a procedure", "inside a worked scenario", "under a scenario sentence", "in a scenario section", "inside a worked question":
				return why
			}
		}
		if why := ancestorReason(it, anc); why != "" {
			return why
		}
		if it.Kind == KindCode {
			return "code"
		}
	}
	links, nonEmpty := 0, 0
	for l := u.first; l <= u.last && l <= len(lines); l++ {
		s := strings.TrimSpace(lines[l-1])
		if s == "" {
			continue
		}
		nonEmpty++
		if strings.Contains(s, "](http") || strings.HasPrefix(strings.TrimLeft(s, "-*+ "), "http") || strings.Contains(s, "<img") || strings.Contains(s, "![") {
			links++
		}
	}
	if nonEmpty > 0 && links*2 > nonEmpty {
		return "link list"
	}
	return ""
}

// FindLine returns the memo line of the first item whose text holds s
// (normalised), or 0.
func (m *Memo) FindLine(s string) int {
	if it := m.find(s); it != nil {
		return it.Line
	}
	return 0
}

// ItemAt returns the item that starts on memo line n, or nil.
func (m *Memo) ItemAt(n int) *Item {
	i := sort.Search(len(m.Items), func(i int) bool { return m.Items[i].Line >= n })
	if i < len(m.Items) && m.Items[i].Line == n {
		return m.Items[i]
	}
	return nil
}
