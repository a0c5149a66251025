package web

import (
	"net/url"
	"slices"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/curate"
	"github.com/studybot/studybot/questions"
)

// narrows reports whether the filter picks or orders questions (any field
// but the page and its size): then the next key walks the filter's list
// instead of the review queue.
func (f filter) narrows() bool {
	return f.Domain != "" || f.Type != "" || f.Status != "" || f.Search != "" || f.Sort != sorts[0]
}

// placeIn returns the index of the last question of queue that comes
// before id in order, so that the one after it is the next; -1 when none
// does or id is not in order.
func placeIn(queue, order []*questions.Question, id string) int {
	rank := make(map[string]int, len(order))
	for r, q := range order {
		rank[q.ID] = r
	}
	at, ok := rank[id]
	if !ok {
		return -1
	}
	last := -1
	for j, q := range queue {
		if r, ok := rank[q.ID]; ok && r < at {
			last = j
		}
	}
	return last
}

// nextAfter returns the path of the next undecided question after id,
// wrapping around, with the filter kept in its query; "" when id is the
// only one left or none is. Without a filter (narrows false) it walks
// the review order chat uses (curate.ReviewOrder: flagged first, then
// draw order); with one, the bank list the filter shows, in its order,
// skipping what is decided. An id that is not in the walk (just decided,
// or "") goes on from where it stands in the whole bank's order, so a
// decision never sends the reviewer back to the head. The flags and
// statuses come from the space's cached figures.
func (p *Pages) nextAfter(s *Session, id string, f filter) (string, error) {
	stats, _, err := p.stats(s.Space)
	if err != nil {
		return "", err
	}
	bank := p.deps.Bank.Bank()
	var queue, order []*questions.Question
	if f.narrows() {
		all := p.rows(bank, stats)
		for _, r := range f.apply(bank, all) {
			if r.InBank && !r.Decided {
				queue = append(queue, r.Q)
			}
		}
		// the whole bank in the filter's order, to place a question that
		// left the list (a draft just approved under status=draft)
		for _, r := range (filter{Sort: f.Sort}).apply(bank, all) {
			order = append(order, r.Q)
		}
	} else {
		flags := map[string][]core.Flag{}
		for qid, st := range stats {
			if fl := core.Flags(st); len(fl) > 0 {
				flags[qid] = fl
			}
		}
		order = bank.Top(0)
		p.deps.Review.ReadVerdicts(func(approved, rejected func(*questions.Question) bool) {
			queue = curate.ReviewOrder(order, flags, func(q *questions.Question) bool { return approved(q) || rejected(q) })
		})
	}
	i := slices.IndexFunc(queue, func(q *questions.Question) bool { return q.ID == id })
	if i < 0 {
		i = placeIn(queue, order, id)
	}
	for k := 1; k <= len(queue); k++ {
		q := queue[(i+k+len(queue))%len(queue)]
		if q.ID != id {
			return "/admin/q/" + url.PathEscape(q.ID) + query(f.values(0)), nil
		}
	}
	return "", nil
}
