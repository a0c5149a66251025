package questions

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// minAssignScore is the cosine similarity below which a passage outside the
// domains goes to the "other" bucket instead of the closest domain.
const minAssignScore = 0.04

// eachToken calls f with the match features of s: hashes of ASCII words and
// of character bigrams of everything else, over the normalised text.
func eachToken(s string, f func(uint64)) {
	var word uint64
	wlen := 0
	flush := func() {
		if wlen >= 2 {
			f(word | 1<<63)
		}
		word, wlen = 14695981039346656037, 0
	}
	flush()
	var prev rune = -1
	eachNormalRune(s, func(r rune) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			word = (word ^ uint64(r)) * 1099511628211
			wlen++
			prev = -1
			return
		}
		flush()
		if r < 0x80 || unicode.IsPunct(r) {
			prev = -1
			return
		}
		if prev >= 0 {
			f(gramKey(prev, r))
		}
		prev = r
	})
	flush()
}

// tokens returns the features of s as a slice (see eachToken).
func tokens(s string) []uint64 {
	var out []uint64
	eachToken(s, func(t uint64) { out = append(out, t) })
	return out
}

// tokStat is what the assignment knows of one feature: in how many
// documents it occurs, and its count (later its TF-IDF weight) in each
// domain's profile.
type tokStat struct {
	df   int32
	last int32 // the last document counted in df, plus one
	dom  int32 // offset of this feature's per-domain counts in domVals
}

// assignOutside gives every passage outside a domain heading (text before
// the first heading, "## Other" …) the domain whose objectives and notes it
// is most similar to, by TF-IDF cosine; passages close to none go to the
// "other" bucket.
func assignOutside(m *Memo) {
	var domains []*Domain
	index := map[int]int{}
	for _, d := range m.Domains {
		if d.Number != OtherDomain {
			index[d.Number] = len(domains)
			domains = append(domains, d)
		}
	}
	// units: top-level outside items with their subtrees, and outside tables.
	type unit struct {
		items []*Item
		table *Table
		tf    map[uint64]float64
		order []uint64 // tf's keys in first-seen order: sums stay deterministic
	}
	var units []*unit
	for _, it := range m.Items {
		if it.Domain >= 0 || it.Parent != nil {
			continue
		}
		u := &unit{}
		var walk func(*Item)
		walk = func(x *Item) {
			u.items = append(u.items, x)
			for _, c := range x.Children {
				walk(c)
			}
		}
		walk(it)
		units = append(units, u)
	}
	for _, t := range m.Tables {
		if t.Domain < 0 {
			units = append(units, &unit{table: t})
		}
	}
	if len(units) == 0 {
		return
	}
	nd := len(domains)
	// features live in one slice (in first-seen order, so that float sums
	// do not depend on map order), their per-domain counts in another
	textLen := 0
	for _, it := range m.Items {
		textLen += len(it.Text)
	}
	est := textLen/24 + 256 // distinct features: about one per 28 bytes of notes here
	featIdx := make(map[uint64]int32, est)
	feats := make([]tokStat, 0, est)
	domVals := make([]float64, 0, est*nd)
	stat := func(t uint64, doc int32) int32 {
		i, ok := featIdx[t]
		if !ok {
			i = int32(len(feats))
			featIdx[t] = i
			feats = append(feats, tokStat{dom: int32(len(domVals))})
			domVals = append(domVals, make([]float64, nd)...)
		}
		st := &feats[i]
		if st.last != doc+1 {
			st.df++
			st.last = doc + 1
		}
		return i
	}
	// domain profiles: title, task statements, notes and tables of each domain
	for di, d := range domains {
		doc := int32(di)
		add := func(s string) { eachToken(s, func(t uint64) { domVals[int(feats[stat(t, doc)].dom)+di]++ }) }
		add(d.Title)
		for _, o := range d.Objectives {
			add(o)
		}
		for _, it := range m.Items {
			if it.Domain == d.Number {
				add(it.Text)
			}
		}
		for _, t := range m.Tables {
			if t.Domain == d.Number {
				add(tableText(t))
			}
		}
	}
	for ui, u := range units {
		doc := int32(nd + ui)
		u.tf = map[uint64]float64{}
		add := func(s string) {
			eachToken(s, func(t uint64) {
				stat(t, doc)
				if _, seen := u.tf[t]; !seen {
					u.order = append(u.order, t)
				}
				u.tf[t]++
			})
		}
		for _, it := range u.items {
			add(it.Text)
		}
		if u.table != nil {
			add(tableText(u.table))
		}
	}
	docs := float64(nd + len(units))
	idf := func(st *tokStat) float64 { return math.Log(1 + docs/float64(st.df)) }
	// turn domain counts into TF-IDF weights in place
	dnorm := make([]float64, nd)
	for i := range feats {
		st := &feats[i]
		w := idf(st)
		vals := domVals[st.dom : int(st.dom)+nd]
		for d, f := range vals {
			if f > 0 {
				vals[d] = (1 + math.Log(f)) * w
				dnorm[d] += vals[d] * vals[d]
			}
		}
	}
	for d := range dnorm {
		dnorm[d] = math.Sqrt(dnorm[d])
	}
	usedOther := false
	dots := make([]float64, nd)
	for _, u := range units {
		var unorm float64
		clear(dots)
		for _, t := range u.order {
			st := &feats[featIdx[t]]
			w := (1 + math.Log(u.tf[t])) * idf(st)
			unorm += w * w
			for d, dw := range domVals[st.dom : int(st.dom)+nd] {
				dots[d] += w * dw
			}
		}
		unorm = math.Sqrt(unorm)
		best, bestScore := OtherDomain, minAssignScore
		for d, dom := range domains {
			if unorm == 0 || dnorm[d] == 0 {
				continue
			}
			if s := dots[d] / (unorm * dnorm[d]); s > bestScore {
				best, bestScore = dom.Number, s
			}
		}
		if best == OtherDomain {
			usedOther = true
		}
		for _, it := range u.items {
			it.Domain = best
		}
		if u.table != nil {
			u.table.Domain = best
		}
	}
	for _, h := range m.Headings {
		if h.Domain < 0 {
			h.Domain = OtherDomain
		}
	}
	if usedOther || len(domains) == 0 {
		m.Domains = append(m.Domains, &Domain{Number: OtherDomain, Title: "その他"})
		sort.SliceStable(m.Domains, func(i, j int) bool {
			// the other bucket goes last
			a, b := m.Domains[i].Number, m.Domains[j].Number
			if a == OtherDomain || b == OtherDomain {
				return b == OtherDomain && a != OtherDomain
			}
			return a < b
		})
	}
}

func tableText(t *Table) string {
	var b strings.Builder
	b.WriteString(strings.Join(t.Header, " "))
	for _, r := range t.Rows {
		b.WriteString("\n" + strings.Join(r, " "))
	}
	return b.String()
}

// findConflicts reports terms defined more than once: near-identical
// definitions as duplicates, different ones as conflicts (and marks them so
// generation leaves them out).
func findConflicts(m *Memo) {
	byTerm := map[string][]*Item{}
	var order []string
	for _, it := range m.Items {
		if it.Kind != KindDefinition || !it.Explicit {
			continue
		}
		k := m.aliases.Canonical(it.Term)
		if _, ok := byTerm[k]; !ok {
			order = append(order, k)
		}
		byTerm[k] = append(byTerm[k], it)
	}
	for _, k := range order {
		items := byTerm[k]
		if len(items) < 2 {
			continue
		}
		lines := make([]int, len(items))
		for i, it := range items {
			lines[i] = it.Line
		}
		conflict := false
		for i := 1; i < len(items) && !conflict; i++ {
			if jaccard(items[0].Def, items[i].Def) < 0.5 {
				conflict = true
			}
		}
		kind, detail := "duplicate", "defined "+strconv.Itoa(len(items))+" times with the same meaning"
		if conflict {
			kind, detail = "conflict", "defined "+strconv.Itoa(len(items))+" times differently; no definition question is made until one remains"
			for _, it := range items {
				it.Conflict = true
			}
		}
		m.Problems = append(m.Problems, Problem{Kind: kind, Term: items[0].Term, Lines: lines, Detail: detail})
	}
}

// jaccard is the Jaccard similarity of the token sets of a and b.
func jaccard(a, b string) float64 {
	sa, sb := map[uint64]bool{}, map[uint64]bool{}
	for _, t := range tokens(a) {
		sa[t] = true
	}
	for _, t := range tokens(b) {
		sb[t] = true
	}
	if len(sa)+len(sb) == 0 {
		return 1
	}
	inter := 0
	for t := range sa {
		if sb[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}
