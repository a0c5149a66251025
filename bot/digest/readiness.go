package digest

import (
	"fmt"
	"math"
	"strings"
)

// Readiness is the team's exam readiness when the digest is made (the
// core's TeamReadiness): the members' mean predicted recall, overall and
// per domain.
type Readiness struct {
	// Members counts the users averaged over (those who answered).
	Members int
	// Overall is the mean overall readiness, 0–1.
	Overall float64
	// Domains are per exam domain, in the order shown.
	Domains []DomainReadiness
}

// DomainReadiness is the team's readiness in one domain.
type DomainReadiness struct {
	// Number and Title name the domain.
	Number int
	Title  string
	// Recall is the members' mean predicted recall of its items, 0–1.
	Recall float64
	// Studied counts the members who answered one of its items.
	Studied int
}

// write adds the readiness section to a digest's text: a heading
// with the member count and the overall figure, then one line per domain.
func (r *Readiness) write(b *strings.Builder, en bool) {
	if r == nil || r.Members == 0 {
		return
	}
	pc := func(x float64) int { return int(math.Round(x * 100)) }
	if en {
		fmt.Fprintf(b, "\n*Team readiness* (mean of %d members): %d%% overall\n", r.Members, pc(r.Overall))
	} else {
		fmt.Fprintf(b, "\n*チームの試験準備度*（学習者 %d 人の平均）: 全体 %d%%\n", r.Members, pc(r.Overall))
	}
	for _, d := range r.Domains {
		head := tickLabel(Domain{Number: d.Number}, en)
		if d.Title != "" && d.Number != 0 {
			head += ": " + d.Title
		}
		if en {
			fmt.Fprintf(b, "• %s %d%% (%d studied)\n", head, pc(d.Recall), d.Studied)
		} else {
			fmt.Fprintf(b, "• %s %d%%（学習済み %d 人）\n", head, pc(d.Recall), d.Studied)
		}
	}
}
