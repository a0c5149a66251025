package questions

import (
	"math"
	"slices"
	"strings"
	"sync"
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
	docs    []Doc
	grams   map[uint64][]int32
	exact   map[string][]int32
	scratch sync.Pool // *scratch, sized to docs
}

// hit is what a search learned of one passage.
type hit struct {
	n int     // words matched
	w float64 // weight of the words matched
}

// scratch is per-search working memory, reused across searches.
type scratch struct {
	hits    []hit
	touched []int32
}

func (s *scratch) reset() {
	for _, id := range s.touched {
		s.hits[id] = hit{}
	}
	s.touched = s.touched[:0]
}

func gramKey(a, b rune) uint64 { return uint64(a)<<32 | uint64(b) }

// maxDetails bounds the child lines kept with a result.
const maxDetails = 4

// NewIndex builds the lookup index of m.
func NewIndex(m *Memo) *Index {
	x := &Index{grams: map[uint64][]int32{}, exact: map[string][]int32{}}
	x.scratch.New = func() any { return &scratch{hits: make([]hit, len(x.docs))} }
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
	if len(rs) == 2 {
		return x.grams[gramKey(rs[0], rs[1])] // read only: callers never write to it
	}
	var lists [][]int32
	for i := 0; i+1 < len(rs); i++ {
		l := x.grams[gramKey(rs[i], rs[i+1])]
		if len(l) == 0 {
			return nil
		}
		lists = append(lists, l)
	}
	slices.SortFunc(lists, func(a, b []int32) int { return len(a) - len(b) })
	out := append([]int32(nil), lists[0]...)
	for _, l := range lists[1:] {
		if len(out) <= 16 {
			break // few enough: the caller's Contains check settles the rest
		}
		out = intersect(out, l)
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

func intersect(a, b []int32) []int32 {
	out := a[:0]
	if len(b) > 8*len(a) {
		// a is much shorter: binary-search b for each element of a
		for _, v := range a {
			if _, ok := slices.BinarySearch(b, v); ok {
				out = append(out, v)
			}
		}
		return out
	}
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
// exact term or alias > heading > whole phrase > share of the query's
// words found (rare words weigh more), then shorter passages and memo order.
func (x *Index) Search(query string, limit int) []Result {
	fields := strings.Fields(query)
	if len(fields) == 0 || limit <= 0 {
		return nil
	}
	type term struct {
		norm  string
		cands []int32
		w     float64
	}
	terms := make([]term, 0, len(fields))
	for _, f := range fields {
		if n := Normalize(f); n != "" {
			c := x.candidates(n)
			terms = append(terms, term{norm: n, cands: c, w: math.Log(1 + float64(len(x.docs))/float64(1+len(c)))})
		}
	}
	if len(terms) == 0 {
		return nil
	}
	whole := ""
	var total float64
	for _, t := range terms {
		whole += t.norm
		total += t.w
	}
	slices.SortStableFunc(terms, func(a, b term) int { return len(a.cands) - len(b.cands) })

	sc := x.scratch.Get().(*scratch)
	defer x.scratch.Put(sc)
	sc.reset()
	for i, t := range terms {
		// A passage holding only the commonest word ranks below every
		// passage already found; with enough of those, it cannot place.
		onlyUpdate := i == len(terms)-1 && i > 0 && len(sc.touched) >= limit
		for _, id := range t.cands {
			h := &sc.hits[id]
			if h.n == 0 && onlyUpdate {
				continue
			}
			if !strings.Contains(x.docs[id].norm, t.norm) {
				continue
			}
			if h.n == 0 {
				sc.touched = append(sc.touched, id)
			}
			h.n++
			h.w += t.w
		}
	}
	exact := map[int32]bool{}
	keys := []string{whole}
	for _, t := range terms {
		if t.norm != whole {
			keys = append(keys, t.norm)
		}
	}
	for _, k := range keys {
		for _, id := range x.exact[k] {
			exact[id] = true
			if h := &sc.hits[id]; h.n == 0 {
				sc.touched = append(sc.touched, id)
				h.n, h.w = 1, terms[0].w
			}
		}
	}
	// Keep the best limit results in a small sorted slice.
	better := func(a, b *Result) bool {
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if len(a.Doc.norm) != len(b.Doc.norm) {
			return len(a.Doc.norm) < len(b.Doc.norm)
		}
		return a.Doc.Line < b.Doc.Line
	}
	out := make([]Result, 0, limit+1)
	for _, id := range sc.touched {
		h := sc.hits[id]
		d := &x.docs[id]
		r := Result{Doc: d, Match: MatchPartial, Score: int(100 * h.w / total)}
		all := h.n == len(terms)
		switch {
		case exact[id]:
			r.Match, r.Score = MatchExact, r.Score+1000
		case d.Kind == DocHeading && all:
			r.Match, r.Score = MatchHeading, r.Score+500
		case all && (len(terms) == 1 || strings.Contains(d.norm, whole)):
			r.Match, r.Score = MatchPhrase, r.Score+200
		}
		if len(out) == limit && !better(&r, &out[limit-1]) {
			continue
		}
		i := len(out)
		out = append(out, r)
		for i > 0 && better(&out[i], &out[i-1]) {
			out[i], out[i-1] = out[i-1], out[i]
			i--
		}
		if len(out) > limit {
			out = out[:limit]
		}
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
