package learn

import (
	"fmt"
	"github.com/studybot/studybot/bot/core"
	"sort"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// TeamReadiness computes the team readiness of a space at a time (the bot's
// clock for /studybot insights; the digest passes its own). Items are the
// current bank's, less the questions rejected in chat; retired cards do
// not count.
func (b *Learn) TeamReadiness(sp core.Space, at time.Time) (core.TeamReadiness, error) {
	bank := b.Bank()
	domainOf := map[string]int{} // live item → domain
	for _, q := range b.QuizPool(core.Command{DM: true}, bank.Top(0)) {
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
	t, err := teamReadiness(domainOf, meta, at, func(fn func(string, []store.Card) error) error { return b.DB.EachUserCards(sp, fn) })
	if err != nil {
		return core.TeamReadiness{}, fmt.Errorf("team readiness %s: %w", sp, err)
	}
	return t, nil
}

// teamReadiness is TeamReadiness on given live items (item → domain),
// domain titles and weights (meta) and the users' decks (each calls its
// function with every user's cards).
func teamReadiness(domainOf map[string]int, meta func(n int) (title string, weight float64), at time.Time,
	each func(func(user string, cards []store.Card) error) error) (core.TeamReadiness, error) {
	idx := map[int]int{} // domain → index in out.Domains
	for _, d := range domainOf {
		idx[d] = -1
	}
	nums := make([]int, 0, len(idx))
	for d := range idx {
		nums = append(nums, d)
	}
	sort.Ints(nums)
	var out core.TeamReadiness
	anyWeight := false
	for i, n := range nums {
		idx[n] = i
		dr := core.DomainReadiness{Domain: n}
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
		return core.TeamReadiness{}, err
	}
	if out.Members > 0 {
		for k := range out.Domains {
			out.Domains[k].Recall /= float64(out.Members)
		}
		out.Overall /= float64(out.Members)
	}
	return out, nil
}
