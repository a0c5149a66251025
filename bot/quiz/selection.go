package quiz

import (
	"errors"
	"github.com/studybot/studybot/bot/core"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// ErrNoQuestion is returned when a channel's enabled pool holds no question.
var ErrNoQuestion = errors.New("no question available")

// weakTilt is how strongly domain draws lean toward weak domains: a domain
// answered with accuracy a has its exam weight multiplied by 1+weakTilt×(1−a).
const weakTilt = 1.0

// itemGap is how long a memo item rests in a channel after one of its
// questions was posted there: the other questions about the same fact
// (the other direction, another type) wait at least this long while the
// channel has anything else to ask.
const itemGap = 7 * 24 * time.Hour

// drawAmong is how many of a domain's best-ranked unposted questions the
// daily draw chooses from.
const drawAmong = 3

// Pick chooses the question for a channel's slot:
//   - no repeats in the channel until its enabled pool is exhausted (the
//     least-posted questions are the candidates);
//   - no question about a memo item asked in the channel within itemGap
//     (a week) while another candidate is left;
//   - the domain is drawn by exam weight, tilted toward the space's weakest
//     domains by accuracy;
//   - flagged questions are left out (Withholds): reported by Withheld
//     users until cleared, flagged by their answers (Flags) until approved;
//   - the channel's pool (store.Channel.Pool) decides approval: approved
//     uses only approved questions, approved-first draws the least-posted
//     approved ones while there are any, all ignores approval;
//   - within the domain the most confident questions come first: the draw
//     is among the three best-ranked candidates (questions.Question.Rank),
//     and authored questions before any generated one;
//   - the draw is deterministic for (seed, space, channel, slot).
//
// flags are the space's item flags (itemFlags).
func (b *Quiz) Pick(bank *questions.Bank, ch store.Channel, slot time.Time, flags map[string][]core.Flag) (*questions.Question, error) {
	enabled := map[int]bool{}
	for _, d := range ch.Domains {
		enabled[d] = true
	}
	hist, err := b.DB.History(ch.Space, ch.ID)
	if err != nil {
		return nil, err
	}
	posted := map[string]int{}
	for _, h := range hist {
		posted[h.QuestionID]++
	}
	kind := core.ChannelPool(ch)
	var pool []*questions.Question
	min := -1
	for _, q := range bank.Questions {
		if len(enabled) > 0 && !enabled[q.Domain] || b.Withheld(q, flags) || !b.InPool(kind, q) {
			continue
		}
		pool = append(pool, q)
		if n := posted[q.ID]; min < 0 || n < min {
			min = n
		}
	}
	// approved-first: among the least-posted, approved questions only
	// while there are any
	onlyApproved := false
	if kind == core.PoolApprovedFirst {
		for _, q := range pool {
			if posted[q.ID] == min && b.Verdicts.Approved(q) {
				onlyApproved = true
				break
			}
		}
	}
	// a memo item asked in the channel within itemGap (the same fact in
	// another direction or type) waits, while another candidate is left
	recent := map[string]bool{}
	for _, h := range hist {
		if slot.Sub(h.At) < itemGap {
			if q, err := bank.Get(h.QuestionID); err == nil && q.Item != "" {
				recent[q.Item] = true
			}
		}
	}
	byDomain := map[int][]*questions.Question{}
	for _, spaced := range []bool{true, false} {
		for _, q := range pool {
			if posted[q.ID] == min && (!onlyApproved || b.Verdicts.Approved(q)) && !(spaced && recent[q.Item]) {
				byDomain[q.Domain] = append(byDomain[q.Domain], q)
			}
		}
		if len(byDomain) > 0 {
			break
		}
	}
	if len(byDomain) == 0 {
		return nil, ErrNoQuestion
	}
	acc, err := b.DB.DomainAccuracy(ch.Space)
	if err != nil {
		return nil, err
	}
	domains := make([]int, 0, len(byDomain))
	for d := range byDomain {
		domains = append(domains, d)
	}
	sort.Ints(domains)
	weights := make([]float64, len(domains))
	var total float64
	for i, d := range domains {
		w := 1.0
		if dom := bank.Memo.Domain(d); dom != nil && dom.Weight > 0 {
			w = dom.Weight
		}
		a, ok := acc[d]
		if !ok {
			a = 0.5 // unknown: neither weak nor strong
		}
		weights[i] = w * (1 + weakTilt*(1-a))
		total += weights[i]
	}
	h := fnv.New64a()
	h.Write([]byte(ch.Space.String() + "\x00" + ch.ID + "\x00" + slot.UTC().Format(time.RFC3339)))
	r := rand.New(rand.NewPCG(b.Cfg.Seed, h.Sum64()))
	x := r.Float64() * total
	chosen := domains[len(domains)-1]
	for i, d := range domains {
		if x < weights[i] {
			chosen = d
			break
		}
		x -= weights[i]
	}
	cands := byDomain[chosen]
	sort.Slice(cands, func(i, j int) bool { return cands[i].Rank < cands[j].Rank })
	// among the best-ranked, never a generated question while a person's
	// (authored) one is waiting
	n := 1
	for n < len(cands) && n < drawAmong && (cands[n].Type == questions.TypeAuthored) == (cands[0].Type == questions.TypeAuthored) {
		n++
	}
	return cands[r.IntN(n)], nil
}
