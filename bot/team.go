package bot

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/studybot/studybot/bot/digest"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// TeamReadiness is a space's exam readiness as a team: each member's
// readiness (as /stats shows it: per domain the mean FSRS retrievability
// of the domain's live memo items, unseen items counting 0), averaged over
// the members. A member is a user with at least one answered card of a
// live item in the space; people who never answered are not members, so
// the figure is how ready the studying team is, not the whole workspace.
type TeamReadiness struct {
	// Members counts the members averaged over.
	Members int
	// Overall is the members' mean overall readiness (each weighted by
	// the exam's domain weights, or by items when no weight is known).
	Overall float64
	// Domains has one entry per exam domain with live items, in domain
	// order.
	Domains []DomainReadiness
}

// DomainReadiness is the team's readiness in one exam domain.
type DomainReadiness struct {
	// Domain is the domain's number; Title its title.
	Domain int
	Title  string
	// Weight is the exam's weight of the domain (percent; 0 unknown).
	Weight float64
	// Items counts the domain's live memo items.
	Items int
	// Recall is the members' mean predicted recall of the domain's items.
	Recall float64
	// Studied counts the members who answered at least one of them.
	Studied int
}

// TeamReadiness computes the team readiness of a space at a time (the bot's
// clock for /studybot insights; the digest passes its own). Items are the
// current bank's, less the questions rejected in chat; retired cards do
// not count.
func (b *Bot) TeamReadiness(sp Space, at time.Time) (TeamReadiness, error) {
	bank := b.Bank()
	domainOf := map[string]int{} // live item → domain
	for _, q := range b.quizPool(Command{DM: true}, bank.Top(0)) {
		if _, ok := domainOf[q.Item]; !ok {
			domainOf[q.Item] = q.Domain
		}
	}
	meta := func(n int) (string, float64) {
		if d := bank.Memo.Domain(n); d != nil && n != questions.OtherDomain {
			return d.Title, d.Weight
		}
		return "", 0
	}
	t, err := teamReadiness(domainOf, meta, at, func(fn func(string, []store.Card) error) error { return b.db.EachUserCards(sp, fn) })
	if err != nil {
		return TeamReadiness{}, fmt.Errorf("team readiness %s: %w", sp, err)
	}
	return t, nil
}

// teamReadiness is TeamReadiness on given live items (item → domain),
// domain titles and weights (meta) and the users' decks (each calls its
// function with every user's cards).
func teamReadiness(domainOf map[string]int, meta func(n int) (title string, weight float64), at time.Time,
	each func(func(user string, cards []store.Card) error) error) (TeamReadiness, error) {
	idx := map[int]int{} // domain → index in out.Domains
	for _, d := range domainOf {
		idx[d] = -1
	}
	nums := make([]int, 0, len(idx))
	for d := range idx {
		nums = append(nums, d)
	}
	sort.Ints(nums)
	var out TeamReadiness
	anyWeight := false
	for i, n := range nums {
		idx[n] = i
		dr := DomainReadiness{Domain: n}
		dr.Title, dr.Weight = meta(n)
		anyWeight = anyWeight || dr.Weight > 0
		out.Domains = append(out.Domains, dr)
	}
	for _, d := range domainOf {
		out.Domains[idx[d]].Items++
	}
	weight := func(k int) float64 {
		if anyWeight {
			return out.Domains[k].Weight
		}
		return float64(out.Domains[k].Items)
	}
	var wsum float64
	for k := range out.Domains {
		wsum += weight(k)
	}
	sums := make([]float64, len(out.Domains))
	studied := make([]bool, len(out.Domains))
	err := each(func(_ string, cards []store.Card) error {
		clear(sums)
		clear(studied)
		member := false
		for i := range cards {
			c := &cards[i]
			d, live := domainOf[c.Item]
			if !live || c.Reps == 0 {
				continue
			}
			member = true
			k := idx[d]
			sums[k] += scheduler.GetRetrievability(fsrsCard(*c, true), at)
			studied[k] = true
		}
		if !member {
			return nil
		}
		out.Members++
		var overall float64
		for k := range out.Domains {
			r := sums[k] / float64(out.Domains[k].Items)
			out.Domains[k].Recall += r
			overall += weight(k) * r
			if studied[k] {
				out.Domains[k].Studied++
			}
		}
		if wsum > 0 {
			out.Overall += overall / wsum
		}
		return nil
	})
	if err != nil {
		return TeamReadiness{}, err
	}
	if out.Members > 0 {
		for k := range out.Domains {
			out.Domains[k].Recall /= float64(out.Members)
		}
		out.Overall /= float64(out.Members)
	}
	return out, nil
}

// teamReadinessField shows team readiness in /studybot insights: overall
// with the member count, then one line per domain.
func teamReadinessField(t TeamReadiness, lang string, label func(n int, title string) string) Field {
	pc := func(x float64) string { return fmt.Sprintf("%d%%", int(math.Round(x*100))) }
	lines := []string{T(lang, "team.overall", pc(t.Overall))}
	for _, d := range t.Domains {
		lines = append(lines, T(lang, "team.row", label(d.Domain, d.Title), pc(d.Recall), d.Studied, t.Members))
	}
	return Field{Name: T(lang, "team.title", t.Members), Value: strings.Join(lines, "\n")}
}

// digestReadiness is the space's team readiness at now for the weekly
// digest's text (nil when nobody has answered).
func (b *Bot) digestReadiness(sp Space, now time.Time) (*digest.Readiness, error) {
	t, err := b.TeamReadiness(sp, now)
	if err != nil || t.Members == 0 {
		return nil, err
	}
	r := &digest.Readiness{Members: t.Members, Overall: t.Overall}
	for _, d := range t.Domains {
		r.Domains = append(r.Domains, digest.DomainReadiness{Number: d.Domain, Title: d.Title, Recall: d.Recall, Studied: d.Studied})
	}
	return r, nil
}

// botTeam gives curation's insights the team readiness line.
type botTeam struct{ b *Bot }

// TeamField implements curate.Team.
func (t botTeam) TeamField(sp Space, at time.Time, lang string) (Field, bool, error) {
	team, err := t.b.TeamReadiness(sp, at)
	if err != nil || team.Members == 0 {
		return Field{}, false, err
	}
	return teamReadinessField(team, lang, func(n int, title string) string { return t.b.domainLabel(lang, n, title) }), true, nil
}
