package learn

import (
	"math"
	"testing"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// TestReadinessHandComputed checks readiness on a tiny memo against a
// hand computation. FSRS-5's forgetting curve is R = (1 + F·t/S)^−0.5
// with F = 19/81, so R = 0.9 when t = S and sqrt(81/138) ≈ 0.76613 when
// t = 3S.
//
//	domain 1 (weight 60): a (t = S) 0.9, b unseen 0     → 0.45
//	domain 2 (weight 40): c (t = 3S) 0.76613            → 0.76613
//	overall = 0.6·0.45 + 0.4·0.76613 = 0.57645
//	weakest: domain 1
//	focus: gain (1 − R)·w: c 0.2339·40 = 9.35, a 0.1·60 = 6, then b unseen
func TestReadinessHandComputed(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	card := func(s float64, t float64) *store.Card {
		return &store.Card{Reps: 1, State: 2, Stability: s, LastReview: now.Add(-time.Duration(t * 24 * float64(time.Hour)))}
	}
	q := func(id string) []*questions.Question { return []*questions.Question{{ID: id}} }
	st := &learnState{items: []*learnItem{
		{id: "a", domain: 1, qs: q("qa"), card: card(4, 4)},
		{id: "b", domain: 1, qs: q("qb")},
		{id: "c", domain: 2, qs: q("qc"), card: card(2, 6)},
	}}
	r := st.readiness(now, map[int]float64{1: 60, 2: 40})
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-4 {
			t.Errorf("%s = %.5f, want %.5f", what, got, want)
		}
	}
	if len(r.domains) != 2 {
		t.Fatalf("domains: %+v", r.domains)
	}
	near("domain 1", r.domains[0].recall, 0.45)
	near("domain 2", r.domains[1].recall, 0.76613)
	near("overall", r.overall, 0.57645)
	if r.weakest != 1 || r.domains[0].seen != 1 || r.domains[0].items != 2 {
		t.Errorf("weakest %d, domain 1 %+v", r.weakest, r.domains[0])
	}
	var focus []string
	for _, it := range r.focus {
		focus = append(focus, it.id)
	}
	if len(focus) != 3 || focus[0] != "c" || focus[1] != "a" || focus[2] != "b" {
		t.Errorf("focus = %v, want [c a b]", focus)
	}
	// no weights known: domains count by their items
	near("unweighted", st.readiness(now, nil).overall, (0.9+0+0.76613)/3)
}
