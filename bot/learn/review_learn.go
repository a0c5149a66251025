package learn

import (
	"context"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"strings"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// DefaultReviewNewPerDay is Config.ReviewNewPerDay when unset.
const DefaultReviewNewPerDay = 10

// learnItem is one memo item a user can review: its questions (in the
// bank's draw order, rejected ones left out) and the user's card, if any.
type learnItem struct {
	id     string
	domain int
	qs     []*questions.Question
	n      int // questions about it, while learnState counts them
	card   *store.Card
}

// learnState is a user's items in a space: the bank's live items with
// their cards. Cards of items that left the memo are retired: kept in the
// store with their history, but not here (they come back if the item
// does).
type learnState struct {
	items   []*learnItem // in draw order of their first question
	byID    map[string]*learnItem
	retired int
}

// learnState reads the user's cards against the bank.
func (b *Learn) learnState(c core.Command) (*learnState, error) {
	pool := b.QuizPool(c, b.Bank().Top(0))
	// sized up front, the items in one allocation: the map's growth was
	// most of /review's time at 2,000 items
	st := &learnState{byID: make(map[string]*learnItem, len(pool)), items: make([]*learnItem, 0, len(pool))}
	backing := make([]learnItem, 0, len(pool))
	for _, q := range pool {
		it := st.byID[q.Item]
		if it == nil {
			backing = append(backing, learnItem{id: q.Item, domain: q.Domain})
			it = &backing[len(backing)-1]
			st.byID[q.Item] = it
			st.items = append(st.items, it)
		}
		it.n++
	}
	// each item's questions, in pool order, cut from one array
	qs := make([]*questions.Question, len(pool))
	at := 0
	for _, it := range st.items {
		it.qs, at = qs[at:at:at+it.n], at+it.n
	}
	for _, q := range pool {
		it := st.byID[q.Item]
		it.qs = append(it.qs, q)
	}
	cards, err := b.DB.Cards(c.Space, c.User)
	if err != nil {
		return nil, err
	}
	for i := range cards {
		if it := st.byID[cards[i].Item]; it != nil {
			it.card = &cards[i]
		} else {
			st.retired++
		}
	}
	return st, nil
}

// retrievability is the predicted chance the user recalls the item now
// (0 for an item never answered).
func (it *learnItem) retrievability(now time.Time) float64 {
	if it.card == nil || it.card.Reps == 0 {
		return 0
	}
	return scheduler.GetRetrievability(fsrsCard(*it.card, true), now)
}

// nextQuestion returns a question about the item other than the one last
// asked when there is another: the one after it in the item's list, so
// the types rotate.
func (it *learnItem) nextQuestion() *questions.Question {
	if it.card == nil {
		return it.qs[0]
	}
	for i, q := range it.qs {
		if q.ID == it.card.LastQuestion {
			return it.qs[(i+1)%len(it.qs)]
		}
	}
	return it.qs[0]
}

// reviewPick is what /review shows next: a due item, else a new one, else
// nothing, with the counts for the "nothing due" reply.
type reviewPick struct {
	item     *learnItem
	isNew    bool
	dueToday int           // cards due later today
	nextIn   time.Duration // until the next card is due (0: none)
}

// pickReview chooses the next item: the most overdue due card first; when
// none is due, a new item while fewer than limit were introduced today
// (the user's day: userZone), from the weakest domain first (lowest mean
// retrievability, unseen items counting 0), in the bank's draw order.
func (st *learnState) pickReview(now time.Time, loc *time.Location, limit int) reviewPick {
	var p reviewPick
	var due *learnItem
	y, m, d := now.In(loc).Date()
	endOfDay := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	startOfDay := time.Date(y, m, d, 0, 0, 0, 0, loc)
	introduced := 0
	var next time.Time
	for _, it := range st.items {
		c := it.card
		if c == nil {
			continue
		}
		if !c.First.Before(startOfDay) {
			introduced++
		}
		switch {
		case !c.Due.After(now):
			if due == nil || c.Due.Before(due.card.Due) {
				due = it
			}
		default:
			if c.Due.Before(endOfDay) {
				p.dueToday++
			}
			if next.IsZero() || c.Due.Before(next) {
				next = c.Due
			}
		}
	}
	if due != nil {
		p.item = due
		return p
	}
	if !next.IsZero() {
		p.nextIn = next.Sub(now)
	}
	if introduced >= limit {
		return p
	}
	weak := st.domainReadiness(now)
	best := -1.0
	for _, it := range st.items {
		if it.card != nil {
			continue
		}
		if r := weak[it.domain]; p.item == nil || r < best {
			p.item, best = it, r
		}
	}
	p.isNew = p.item != nil
	return p
}

// domainReadiness is the mean retrievability of each domain's live items,
// unseen items counting 0.
func (st *learnState) domainReadiness(now time.Time) map[int]float64 {
	sum, n := map[int]float64{}, map[int]int{}
	for _, it := range st.items {
		sum[it.domain] += it.retrievability(now)
		n[it.domain]++
	}
	out := make(map[int]float64, len(n))
	for d, k := range n {
		out[d] = sum[d] / float64(k)
	}
	return out
}

// cmdReview shows the user's next review item privately: a due one, or a
// new one within the daily limit, or when the next is due. With arguments
// it sets the user's reminder (cmdReviewSettings).
func (b *Learn) cmdReview(_ context.Context, c core.Command, lang string) render.Response {
	if len(c.Args) > 0 {
		return b.cmdReviewSettings(c, lang)
	}
	sp, err := b.EnsureSpace(c.Space)
	if err != nil {
		return b.InternalError(lang, "ensure space", err)
	}
	st, err := b.learnState(c)
	if err != nil {
		return b.InternalError(lang, "review cards", err)
	}
	limit := b.Cfg.ReviewNewPerDay
	if limit == 0 {
		limit = DefaultReviewNewPerDay
	}
	p := st.pickReview(b.Now(), b.userZone(c, sp), limit)
	if p.item == nil {
		body := render.T(lang, "learn.none", p.dueToday)
		if p.nextIn > 0 {
			body += " " + render.T(lang, "learn.next", untilText(lang, p.nextIn))
		}
		return render.Private(render.Message{Kind: render.KindText, Body: body})
	}
	q := p.item.nextQuestion()
	return render.Private(reviewQuestionCard(q, lang, b.DomainLabel(lang, q.Domain, q.DomainTitle), p.isNew))
}

// untilText says how long until a time, in days, hours or minutes.
func untilText(lang string, d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return render.T(lang, "until.days", int(d/(24*time.Hour)))
	case d >= time.Hour:
		return render.T(lang, "until.hours", int(d/time.Hour))
	default:
		return render.T(lang, "until.minutes", max(1, int(d/time.Minute)))
	}
}

// reviewQuestionCard is a review question: like a practice card, with
// buttons that answer it as a review.
func reviewQuestionCard(q *questions.Question, lang, domain string, isNew bool) render.Message {
	ctx := render.T(lang, "card.review", q.ID)
	if isNew {
		ctx = render.T(lang, "card.review.new", q.ID)
	}
	if q.Multi() {
		// a multi-answer question is shown as its practice card is (the
		// renderer knows how a set is chosen), its answers routed to review
		m := render.PracticeCard(q, lang, domain)
		m.Title, m.Context = render.T(lang, "card.title.review", domain), ctx
		practice, review := render.PracticeAction(q.ID, ""), render.ReviewAnswerAction(q.ID, "")
		for i := range m.Buttons {
			if rest, ok := strings.CutPrefix(m.Buttons[i].ActionID, practice); ok {
				m.Buttons[i].ActionID = review + rest
			}
		}
		if m.Submit != nil {
			sub := *m.Submit
			if rest, ok := strings.CutPrefix(sub.ActionID, practice); ok {
				sub.ActionID = review + rest
			}
			m.Submit = &sub
		}
		return m
	}
	m := render.Message{Kind: render.KindCard, Title: render.T(lang, "card.title.review", domain), Body: q.Stem, Context: ctx}
	for i, o := range q.Options {
		m.Buttons = append(m.Buttons, render.Button{ActionID: render.ReviewAnswerAction(q.ID, o.ID), Label: questions.Letter(i), Text: o.Text})
	}
	return m
}

// userZone is where a user's day starts and ends for /review: the zone
// they set with /review tz, else the space's.
func (b *Learn) userZone(c core.Command, sp store.Space) *time.Location {
	if r, err := b.DB.GetReminder(c.Space, c.User); err == nil && r.TZ != "" {
		return zoneOf(r.TZ)
	}
	return sp.Location()
}
