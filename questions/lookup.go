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
	pending []pendingDoc
}

// hit is what a search learned of one passage.
type hit struct {
	w     float32 // weight of the words claimed
	mask  uint32  // which words (by position in the sorted term list)
	n     uint8   // words claimed by the posting lists
	exact bool    // the passage's term or alias is the query or a word of it
}

// scratch is per-search working memory, reused across searches.
type scratch struct {
	hits    []hit
	touched []int32
	bufs    [][]int32 // candidate buffers, one per query word
	buckets []bucket  // passages grouped by score bound
}

// bucket holds the passages whose score bound is bound.
type bucket struct {
	bound int
	ids   []int32
}

// buf returns the i-th candidate buffer.
func (s *scratch) buf(i int) []int32 {
	for len(s.bufs) <= i {
		s.bufs = append(s.bufs, make([]int32, 0, 256))
	}
	return s.bufs[i]
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
	defer x.build()
	for _, h := range m.Headings {
		crumbs := []string{}
		if d := m.Domain(h.Domain); d != nil {
			crumbs = append(crumbs, d.Label())
		}
		if len(h.Path) > 1 {
			crumbs = append(crumbs, h.Path[:len(h.Path)-1]...)
		}
		x.add(Doc{Kind: DocHeading, Domain: h.Domain, Term: h.Text, Text: h.Text, Breadcrumb: strings.Join(crumbs, " › "), Line: h.Line}, nil)
	}
	for _, it := range m.Items {
		d := Doc{Kind: DocItem, Domain: it.Domain, Term: it.Term, Text: it.Text, Breadcrumb: it.Breadcrumb(m), Line: it.Line}
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
			x.add(Doc{Kind: DocRow, Domain: t.Domain, Term: r[0], Text: rowQuote(t, r), Breadcrumb: strings.Join(tablePath(m, t), " › "), Line: t.Line + 2 + i}, aliasKeys(r[0]))
		}
	}
	return x
}

// pendingDoc is a passage waiting for its ID.
type pendingDoc struct {
	doc  Doc
	keys []string
}

func (x *Index) add(d Doc, keys []string) {
	d.norm = Normalize(d.Text + " " + strings.Join(d.Details, " "))
	x.pending = append(x.pending, pendingDoc{d, keys})
}

// build numbers the passages shortest first (then by line), so that a
// smaller ID is the better of two equally scored results, and fills the
// posting lists.
func (x *Index) build() {
	slices.SortStableFunc(x.pending, func(a, b pendingDoc) int {
		if la, lb := len(a.doc.norm), len(b.doc.norm); la != lb {
			return la - lb
		}
		return a.doc.Line - b.doc.Line
	})
	for _, p := range x.pending {
		x.index(p.doc, p.keys)
	}
	x.pending = nil
}

func (x *Index) index(d Doc, keys []string) {
	id := int32(len(x.docs))
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

// candidates returns the passages whose posting lists hold the term's
// two rarest grams (every gram must exist). It is a claim, not a proof:
// Search verifies the passages that can place. buf, if given, receives the
// intersection; a single list is returned as is (read only).
func (x *Index) candidates(term string, buf []int32) []int32 {
	var first, second []int32
	n := 0
	var prev rune = -1
	for _, r := range term {
		n++
		if prev < 0 {
			prev = r
			continue
		}
		l := x.grams[gramKey(prev, r)]
		prev = r
		switch {
		case len(l) == 0:
			return nil
		case first == nil || len(l) < len(first):
			first, second = l, first
		case second == nil || len(l) < len(second):
			second = l
		}
	}
	if n == 1 {
		return x.grams[gramKey(prev, 0)]
	}
	if second == nil || len(first) <= 16 {
		return first
	}
	return intersect(append(buf[:0], first...), second)
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
//
// Posting lists only claim a passage holds a word; claims are verified
// (strings.Contains) best-bound first, and verification stops as soon as
// no unverified passage can beat the results in hand.
func (x *Index) Search(query string, limit int) []Result {
	fields := strings.Fields(query)
	if len(fields) == 0 || limit <= 0 {
		return nil
	}
	type term struct {
		norm  string
		cands []int32
		w     float64
		exact bool // one or two runes: the posting list is the answer
	}
	sc := x.scratch.Get().(*scratch)
	defer x.scratch.Put(sc)
	sc.reset()
	terms := make([]term, 0, len(fields))
	for _, f := range fields {
		if n := Normalize(f); n != "" && len(terms) < 32 {
			c := x.candidates(n, sc.buf(len(terms)))
			terms = append(terms, term{norm: n, cands: c, w: math.Log(1 + float64(len(x.docs))/float64(1+len(c))), exact: runeLen(n) <= 2})
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
	// Exact matches first, so that they collect every claim below.
	keys := []string{whole}
	for _, t := range terms {
		if t.norm != whole {
			keys = append(keys, t.norm)
		}
	}
	for _, k := range keys {
		for _, id := range x.exact[k] {
			h := &sc.hits[id]
			if h.n == 0 && !h.exact {
				sc.touched = append(sc.touched, id)
			}
			h.exact = true
		}
	}
	for i, t := range terms {
		for _, id := range t.cands {
			h := &sc.hits[id]
			if h.n == 0 && !h.exact {
				sc.touched = append(sc.touched, id)
			}
			h.n++
			h.w += float32(t.w)
			h.mask |= 1 << i
		}
	}
	// An upper bound of each passage's score, from its claims.
	bound := func(id int32) int {
		h := sc.hits[id]
		s := int(100*float64(h.w)/total) + 1 // +1: float32 rounding never lowers a bound
		switch {
		case h.exact:
			return s + 1000
		case int(h.n) == len(terms) && x.docs[id].Kind == DocHeading:
			return s + 500
		case int(h.n) == len(terms):
			return s + 200
		}
		return s
	}
	buckets := sc.buckets[:0]
	for _, id := range sc.touched {
		b := bound(id)
		i := 0
		for i < len(buckets) && buckets[i].bound != b {
			i++
		}
		if i == len(buckets) {
			if i < cap(buckets) {
				buckets = buckets[:i+1]
				buckets[i].bound, buckets[i].ids = b, buckets[i].ids[:0]
			} else {
				buckets = append(buckets, bucket{bound: b})
			}
		}
		buckets[i].ids = append(buckets[i].ids, id)
	}
	defer func() { sc.buckets = buckets }()
	slices.SortFunc(buckets, func(a, b bucket) int { return b.bound - a.bound })
	type scored struct {
		r  Result
		id int32
	}
	top := make([]scored, 0, limit+1)
	worse := func(score int, id int32, than scored) bool {
		return score < than.r.Score || score == than.r.Score && id > than.id
	}
	for _, b := range buckets {
		if len(top) == limit && b.bound < top[limit-1].r.Score {
			break // nothing left can place
		}
		slices.Sort(b.ids) // shortest passages first: the tie-break order
		for _, id := range b.ids {
			if len(top) == limit && worse(b.bound, id, top[limit-1]) {
				break
			}
			h := sc.hits[id]
			d := &x.docs[id]
			n, w := 0, 0.0
			for i, t := range terms {
				if h.mask&(1<<i) != 0 && (t.exact || strings.Contains(d.norm, t.norm)) {
					n++
					w += t.w
				}
			}
			if n == 0 {
				if !h.exact {
					continue // every claim was false
				}
				n, w = 1, terms[0].w
			}
			r := Result{Doc: d, Match: MatchPartial, Score: int(100 * w / total)}
			all := n == len(terms)
			switch {
			case h.exact:
				r.Match, r.Score = MatchExact, r.Score+1000
			case d.Kind == DocHeading && all:
				r.Match, r.Score = MatchHeading, r.Score+500
			case all && (len(terms) == 1 || strings.Contains(d.norm, whole)):
				r.Match, r.Score = MatchPhrase, r.Score+200
			}
			if len(top) == limit && worse(r.Score, id, top[limit-1]) {
				continue
			}
			i := len(top)
			top = append(top, scored{r, id})
			for i > 0 && worse(top[i-1].r.Score, top[i-1].id, top[i]) {
				top[i], top[i-1] = top[i-1], top[i]
				i--
			}
			if len(top) > limit {
				top = top[:limit]
			}
		}
	}
	out := make([]Result, len(top))
	for i, s := range top {
		out[i] = s.r
	}
	return out
}
