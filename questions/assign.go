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

// tokens returns the match features of s: hashes of ASCII words and of
// character bigrams of everything else, over the normalised text.
func tokens(s string) []uint64 {
	n := []rune(Normalize(s))
	var out []uint64
	var word uint64
	wlen := 0
	flush := func() {
		if wlen >= 2 {
			out = append(out, word|1<<63)
		}
		word, wlen = 14695981039346656037, 0
	}
	flush()
	for i, r := range n {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			word = (word ^ uint64(r)) * 1099511628211
			wlen++
			continue
		}
		flush()
		if r < 0x80 || unicode.IsPunct(r) {
			continue
		}
		if i+1 < len(n) && n[i+1] >= 0x80 && !unicode.IsPunct(n[i+1]) {
			out = append(out, gramKey(r, n[i+1]))
		}
	}
	flush()
	return out
}

type vector map[uint64]float64

func (v vector) norm() float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func cosine(a, b vector, na, nb float64) float64 {
	if na == 0 || nb == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	var dot float64
	for k, x := range a {
		dot += x * b[k]
	}
	return dot / (na * nb)
}

// subtreeText joins an item's text with its descendants'.
func subtreeText(it *Item) string {
	var b strings.Builder
	var walk func(*Item)
	walk = func(x *Item) {
		b.WriteString(x.Text)
		b.WriteByte('\n')
		for _, c := range x.Children {
			walk(c)
		}
	}
	walk(it)
	return b.String()
}

// assignOutside gives every passage outside a domain heading (text before
// the first heading, "## Other" …) the domain whose objectives and notes it
// is most similar to, by TF-IDF cosine; passages close to none go to the
// "other" bucket.
func assignOutside(m *Memo) {
	var domains []*Domain
	for _, d := range m.Domains {
		if d.Number != OtherDomain {
			domains = append(domains, d)
		}
	}
	// units: top-level outside items with their subtrees, and outside tables.
	type unit struct {
		items []*Item
		table *Table
		text  string
	}
	var units []unit
	for _, it := range m.Items {
		if it.Domain >= 0 || it.Parent != nil {
			continue
		}
		u := unit{text: subtreeText(it)}
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
			units = append(units, unit{table: t, text: tableText(t)})
		}
	}
	if len(units) == 0 {
		return
	}
	// document frequencies over domain profiles and units alike.
	profiles := make([]string, len(domains))
	for i, d := range domains {
		var b strings.Builder
		b.WriteString(d.Title + "\n" + strings.Join(d.Objectives, "\n"))
		for _, it := range m.Items {
			if it.Domain == d.Number {
				b.WriteString("\n" + it.Text)
			}
		}
		for _, t := range m.Tables {
			if t.Domain == d.Number {
				b.WriteString("\n" + tableText(t))
			}
		}
		profiles[i] = b.String()
	}
	df := map[uint64]int{}
	docs := 0
	count := func(s string) map[uint64]float64 {
		tf := map[uint64]float64{}
		for _, t := range tokens(s) {
			tf[t]++
		}
		return tf
	}
	ptf := make([]map[uint64]float64, len(profiles))
	for i, p := range profiles {
		ptf[i] = count(p)
		for t := range ptf[i] {
			df[t]++
		}
		docs++
	}
	utf := make([]map[uint64]float64, len(units))
	for i, u := range units {
		utf[i] = count(u.text)
		for t := range utf[i] {
			df[t]++
		}
		docs++
	}
	weigh := func(tf map[uint64]float64) (vector, float64) {
		v := vector{}
		for t, f := range tf {
			v[t] = (1 + math.Log(f)) * math.Log(1+float64(docs)/float64(df[t]))
		}
		return v, v.norm()
	}
	pv := make([]vector, len(domains))
	pn := make([]float64, len(domains))
	for i := range domains {
		pv[i], pn[i] = weigh(ptf[i])
	}
	usedOther := false
	for i, u := range units {
		v, n := weigh(utf[i])
		best, bestScore := OtherDomain, minAssignScore
		for j, d := range domains {
			if s := cosine(v, pv[j], n, pn[j]); s > bestScore {
				best, bestScore = d.Number, s
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
