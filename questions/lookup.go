package questions

import (
	"slices"
	"sort"
	"strings"
)

// DocKind tells what a lookup result points at.
type DocKind int

// Lookup document kinds.
const (
	// DocItem is a bullet, paragraph or code block.
	DocItem DocKind = iota
	// DocRow is a table row.
	DocRow
	// DocHeading is a heading.
	DocHeading
)

// Doc is one searchable passage of the memo.
type Doc struct {
	// Kind tells what the passage is.
	Kind DocKind
	// Domain is the passage's domain number.
	Domain int
	// Term is the defined term, row key or heading text, if any.
	Term string
	// Text is the passage as users see it.
	Text string
	// Details are the passage's child bullets (at most a few).
	Details []string
	// Breadcrumb is "domain › section › parent".
	Breadcrumb string
	// Line is the 1-based memo line.
	Line int

	norm string
}

// Match grades how a result matched, best first.
type Match int

// Match grades.
const (
	// MatchExact: the query is the passage's term or one of its aliases.
	MatchExact Match = iota
	// MatchHeading: the query is found in a heading.
	MatchHeading
	// MatchPhrase: the whole query is found in the passage.
	MatchPhrase
	// MatchPartial: some of the query's words are found in the passage.
	MatchPartial
)

// String names the grade.
func (m Match) String() string {
	return [...]string{"exact", "heading", "phrase", "partial"}[m]
}

// Result is one lookup hit.
type Result struct {
	// Doc is the passage found.
	Doc *Doc
	// Match is how it matched.
	Match Match
	// Score orders results; higher is better.
	Score int
}

// Index is an inverted index of character unigrams and bigrams over the
// normalised text of every item, table row and heading of a memo. It is
// safe for concurrent use once built.
type Index struct {
	docs  []Doc
	grams map[uint64][]int32
	exact map[string][]int32
}

func gramKey(a, b rune) uint64 { return uint64(a)<<32 | uint64(b) }

// maxDetails bounds the child lines kept with a result.
const maxDetails = 4

// NewIndex builds the lookup index of m.
func NewIndex(m *Memo) *Index {
	x := &Index{grams: map[uint64][]int32{}, exact: map[string][]int32{}}
	for _, h := range m.Headings {
		crumbs := []string{}
		if d := m.Domain(h.Domain); d != nil {
			crumbs = append(crumbs, d.Label())
		}
		if len(h.Path) > 1 {
			crumbs = append(crumbs, h.Path[:len(h.Path)-1]...)
		}
		x.add(Doc{Kind: DocHeading, Domain: h.Domain, Term: h.Text, Text: h.Text, Breadcrumb: joinCrumbs(crumbs), Line: h.Line}, nil)
	}
	for _, it := range m.Items {
		if it.Kind == KindObjective {
			continue
		}
		d := Doc{Kind: DocItem, Domain: it.Domain, Term: it.Term, Text: it.Text, Breadcrumb: crumbOf(m, it), Line: it.Line}
		for _, c := range it.Children {
			if len(d.Details) == maxDetails {
				break
			}
			d.Details = append(d.Details, c.Text)
		}
		var keys []string
		if it.Kind == KindDefinition {
			keys = m.aliases.Keys(it.Term)
		}
		x.add(d, keys)
	}
	for _, t := range m.Tables {
		for i, r := range t.Rows {
			x.add(Doc{Kind: DocRow, Domain: t.Domain, Term: r[0], Text: rowQuote(t, r), Breadcrumb: joinCrumbs(tablePath(m, t)), Line: t.Line + 2 + i}, aliasKeys(r[0]))
		}
	}
	return x
}

func crumbOf(m *Memo, it *Item) string {
	path := []string{}
	if d := m.Domain(it.Domain); d != nil {
		path = append(path, d.Label())
	}
	path = append(path, it.Section...)
	var chain []string
	for p := it.Parent; p != nil; p = p.Parent {
		chain = append([]string{p.Name()}, chain...)
	}
	return joinCrumbs(append(path, chain...))
}

func (x *Index) add(d Doc, keys []string) {
	id := int32(len(x.docs))
	d.norm = Normalize(d.Text + " " + strings.Join(d.Details, " "))
	x.docs = append(x.docs, d)
	rs := []rune(d.norm)
	ks := make([]uint64, 0, 2*len(rs))
	for i, r := range rs {
		ks = append(ks, gramKey(r, 0))
		if i+1 < len(rs) {
			ks = append(ks, gramKey(r, rs[i+1]))
		}
	}
	slices.Sort(ks)
	for i, k := range ks {
		if i == 0 || k != ks[i-1] {
			x.grams[k] = append(x.grams[k], id)
		}
	}
	for _, k := range keys {
		if l := x.exact[k]; len(l) == 0 || l[len(l)-1] != id {
			x.exact[k] = append(x.exact[k], id)
		}
	}
	if d.Kind == DocHeading {
		k := Normalize(d.Text)
		x.exact[k] = append(x.exact[k], id)
	}
}

// Len returns the number of indexed passages.
func (x *Index) Len() int { return len(x.docs) }

// candidates returns the sorted ids of docs holding every gram of term.
func (x *Index) candidates(term string) []int32 {
	rs := []rune(term)
	if len(rs) == 1 {
		return x.grams[gramKey(rs[0], 0)]
	}
	var lists [][]int32
	for i := 0; i+1 < len(rs); i++ {
		l := x.grams[gramKey(rs[i], rs[i+1])]
		if len(l) == 0 {
			return nil
		}
		lists = append(lists, l)
	}
	sort.Slice(lists, func(i, j int) bool { return len(lists[i]) < len(lists[j]) })
	out := append([]int32(nil), lists[0]...)
	for _, l := range lists[1:] {
		out = intersect(out, l)
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

func intersect(a, b []int32) []int32 {
	out := a[:0]
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, a[i])
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return out
}

// Search returns up to limit passages for a free-form query, best first:
// exact term or alias > heading > whole phrase > share of query words
// found, then shorter passages and memo order.
func (x *Index) Search(query string, limit int) []Result {
	fields := strings.Fields(query)
	terms := make([]string, 0, len(fields))
	for _, f := range fields {
		if n := Normalize(f); n != "" {
			terms = append(terms, n)
		}
	}
	if len(terms) == 0 || limit <= 0 {
		return nil
	}
	whole := strings.Join(terms, "")
	hits := map[int32]int{} // doc → number of terms matched
	for _, t := range terms {
		for _, id := range x.candidates(t) {
			if strings.Contains(x.docs[id].norm, t) {
				hits[id]++
			}
		}
	}
	exact := map[int32]bool{}
	for _, k := range append([]string{whole}, terms...) {
		for _, id := range x.exact[k] {
			exact[id] = true
			if _, ok := hits[id]; !ok {
				hits[id] = 1
			}
		}
	}
	out := make([]Result, 0, len(hits))
	for id, n := range hits {
		d := &x.docs[id]
		r := Result{Doc: d, Match: MatchPartial, Score: n * 100 / len(terms)}
		phrase := strings.Contains(d.norm, whole)
		switch {
		case exact[id]:
			r.Match, r.Score = MatchExact, r.Score+1000
		case d.Kind == DocHeading && (phrase || n == len(terms)):
			r.Match, r.Score = MatchHeading, r.Score+500
		case phrase:
			r.Match, r.Score = MatchPhrase, r.Score+200
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if len(a.Doc.norm) != len(b.Doc.norm) {
			return len(a.Doc.norm) < len(b.Doc.norm)
		}
		return a.Doc.Line < b.Doc.Line
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// ScanSearch is the linear baseline Search is measured against: a
// normalised strings.Contains over every passage. It returns the number of
// passages holding every word of the query.
func (x *Index) ScanSearch(query string) int {
	var terms []string
	for _, f := range strings.Fields(query) {
		terms = append(terms, Normalize(f))
	}
	n := 0
	for i := range x.docs {
		all := true
		for _, t := range terms {
			if !strings.Contains(x.docs[i].norm, t) {
				all = false
				break
			}
		}
		if all {
			n++
		}
	}
	return n
}
