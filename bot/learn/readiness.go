package learn

import (
	"fmt"
	"github.com/studybot/studybot/bot/render"
	"math"
	"sort"
	"strings"
	"time"
)

// domainReady is one domain's predicted recall: the mean FSRS
// retrievability of its live memo items, unseen ones counting 0.
type domainReady struct {
	domain int
	items  int     // live items
	seen   int     // items the user has answered
	recall float64 // mean retrievability
	weight float64 // the exam's weight (percent; 0 unknown)
}

// readiness is a user's exam readiness.
type readiness struct {
	domains []domainReady // in domain order
	overall float64       // weighted by the exam's domain weights
	weakest int           // the domain with the lowest recall (-1: none)
	focus   []*learnItem  // the items most worth reviewing
}

// readiness computes the user's readiness at now. Overall weighs each
// domain's recall by the exam's weight; when no domain has a weight, by
// its number of items. Weakest is the domain of lowest recall (the lowest
// number on a tie). Focus is up to three items: answered ones with the
// most to gain, (1 − retrievability) × domain weight, highest first; then
// unseen items of the weakest domains.
func (st *learnState) readiness(now time.Time, weights map[int]float64) readiness {
	by := map[int]*domainReady{}
	var doms []int
	rs := make(map[*learnItem]float64, len(st.items)) // retrievability
	for _, it := range st.items {
		d := by[it.domain]
		if d == nil {
			d = &domainReady{domain: it.domain, weight: weights[it.domain]}
			by[it.domain] = d
			doms = append(doms, it.domain)
		}
		r := it.retrievability(now)
		rs[it] = r
		d.items++
		d.recall += r
		if it.card != nil && it.card.Reps > 0 {
			d.seen++
		}
	}
	sort.Ints(doms)
	out := readiness{weakest: -1}
	var wsum, total float64
	anyWeight := false
	for _, n := range doms {
		if by[n].weight > 0 {
			anyWeight = true
		}
	}
	for _, n := range doms {
		d := by[n]
		d.recall /= float64(d.items)
		w := d.weight
		if !anyWeight {
			w = float64(d.items)
		}
		wsum += w
		total += w * d.recall
		if out.weakest < 0 || d.recall < by[out.weakest].recall {
			out.weakest = n
		}
		out.domains = append(out.domains, *d)
	}
	if wsum > 0 {
		out.overall = total / wsum
	}
	weightOf := func(it *learnItem) float64 {
		if !anyWeight {
			return 1
		}
		return by[it.domain].weight
	}
	// top three by a key, in one pass (ties keep draw order)
	type cand struct {
		it  *learnItem
		key float64
	}
	var seen, unseen [3]cand
	ns, nu := 0, 0
	push := func(top *[3]cand, n *int, c cand) {
		i := *n
		if i == 3 {
			if c.key <= top[2].key {
				return
			}
			i = 2
		} else {
			*n++
		}
		for i > 0 && top[i-1].key < c.key {
			top[i] = top[i-1]
			i--
		}
		top[i] = c
	}
	for _, it := range st.items {
		if it.card != nil && it.card.Reps > 0 {
			push(&seen, &ns, cand{it, (1 - rs[it]) * weightOf(it)})
		} else {
			// weakest domain first, then the heavier one
			push(&unseen, &nu, cand{it, (1-by[it.domain].recall)*1e6 + weightOf(it)})
		}
	}
	for _, c := range append(seen[:ns], unseen[:nu]...) {
		if len(out.focus) == 3 {
			break
		}
		out.focus = append(out.focus, c.it)
	}
	return out
}

// readinessFields shows readiness: overall, per domain, the weakest
// domain and the items to review.
func readinessFields(r readiness, lang string, label func(int) string) []render.Field {
	pc := func(x float64) string { return fmt.Sprintf("%d%%", int(math.Round(x*100))) }
	fs := []render.Field{{Name: render.T(lang, "ready.title"), Value: render.T(lang, "ready.overall", pc(r.overall))}}
	for _, d := range r.domains {
		fs = append(fs, render.Field{Name: label(d.domain), Value: render.T(lang, "ready.row", pc(d.recall), d.seen, d.items)})
	}
	if r.weakest >= 0 {
		fs = append(fs, render.Field{Name: render.T(lang, "ready.weakest"), Value: label(r.weakest)})
	}
	var lines []string
	for _, it := range r.focus {
		q := it.qs[0]
		lines = append(lines, "• "+truncate(q.Source.Quote, 60)+" ("+q.ID+")")
	}
	if len(lines) > 0 {
		fs = append(fs, render.Field{Name: render.T(lang, "ready.focus"), Value: strings.Join(lines, "\n")})
	}
	return fs
}

// truncate shortens s to at most n runes, with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
