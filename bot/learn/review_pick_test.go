package learn

import (
	"testing"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// TestReviewRotatesTypes: an item with several questions is asked with
// the one after the question asked last, so the types rotate.
func TestReviewRotatesTypes(t *testing.T) {
	a := &questions.Question{ID: "qa", Type: questions.TypeDefinitionTerm}
	b := &questions.Question{ID: "qb", Type: questions.TypeTermDefinition}
	it := &learnItem{id: "i", qs: []*questions.Question{a, b}}
	if it.nextQuestion() != a {
		t.Error("a new item does not start with its first question")
	}
	it.card = &store.Card{LastQuestion: "qa"}
	if it.nextQuestion() != b {
		t.Error("after qa, not qb")
	}
	it.card.LastQuestion = "qb"
	if it.nextQuestion() != a {
		t.Error("after qb, not qa")
	}
}

// TestReviewWeakestDomainFirst: new items come from the domain with the
// lowest mean retrievability (unseen items counting 0); a due item comes
// before any new one, the most overdue first.
func TestReviewWeakestDomainFirst(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	q := func(id string) []*questions.Question { return []*questions.Question{{ID: id}} }
	known := func(due time.Time) *store.Card {
		c := &store.Card{}
		reviewCard(c, false, "x", 1, true, now.Add(-72*time.Hour))
		c.Due = due
		c.First = now.Add(-72 * time.Hour)
		return c
	}
	st := &learnState{items: []*learnItem{
		{id: "d1a", domain: 1, qs: q("1a"), card: known(now.Add(time.Hour))},
		{id: "d1b", domain: 1, qs: q("1b")},
		{id: "d2a", domain: 2, qs: q("2a")},
		{id: "d2b", domain: 2, qs: q("2b")},
	}}
	p := st.pickReview(now, time.UTC, 5)
	if p.item == nil || p.item.id != "d2a" || !p.isNew {
		t.Fatalf("new pick = %+v, want d2a (domain 2 is weaker)", p.item)
	}
	st.items[0].card.Due = now.Add(-time.Hour)
	st.items = append(st.items, &learnItem{id: "d2c", domain: 2, qs: q("2c"), card: known(now.Add(-2 * time.Hour))})
	if p := st.pickReview(now, time.UTC, 5); p.item == nil || p.item.id != "d2c" || p.isNew {
		t.Fatalf("due pick = %+v, want d2c (most overdue)", p.item)
	}
	st.items = st.items[:4]
	st.items[0].card.Due = now.Add(3 * time.Hour)
	if p := st.pickReview(now, time.UTC, 0); p.item != nil || p.dueToday != 1 || p.nextIn != 3*time.Hour {
		t.Fatalf("limit 0: %+v", p)
	}
}
