package learn

import (
	"math"
	"testing"
	"time"

	"github.com/studybot/studybot/store"
)

// TestTeamReadinessHandComputed checks team readiness on a tiny memo (items
// a, b in domain 1 of weight 60, c in domain 2 of weight 40) against a hand
// computation; R = 0.9 when t = S and 0.76613 when t = 3S (see
// TestReadinessHandComputed).
//
//	ann: a 0.9, c 0.76613 → d1 0.45, d2 0.76613, overall 0.6·0.45 + 0.4·0.76613 = 0.57645
//	bob: b 0.9            → d1 0.45, d2 0,       overall 0.6·0.45 = 0.27
//	cat: only a retired item; dan: a card never answered → not members
//	team: d1 0.45 (2 studied), d2 0.383065 (1), overall (0.57645 + 0.27)/2 = 0.423225
//	without weights (by items, 2:1): ann 0.55538, bob 0.3 → 0.42769
func TestTeamReadinessHandComputed(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	card := func(item string, s, days float64) store.Card {
		return store.Card{Item: item, Reps: 1, State: 2, Stability: s, LastReview: now.Add(-time.Duration(days * 24 * float64(time.Hour)))}
	}
	decks := map[string][]store.Card{
		"ann": {card("a", 4, 4), card("c", 2, 6)},
		"bob": {card("b", 1, 1)},
		"cat": {card("z", 1, 1)},
		"dan": {{Item: "a"}},
	}
	each := func(fn func(string, []store.Card) error) error {
		for _, u := range []string{"ann", "bob", "cat", "dan"} {
			if err := fn(u, decks[u]); err != nil {
				return err
			}
		}
		return nil
	}
	items := map[string]int{"a": 1, "b": 1, "c": 2}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-4 {
			t.Errorf("%s = %.5f, want %.5f", what, got, want)
		}
	}
	weighted := func(n int) (string, float64) {
		return map[int]string{1: "one", 2: "two"}[n], map[int]float64{1: 60, 2: 40}[n]
	}
	r, err := teamReadiness(items, weighted, now, each)
	if err != nil {
		t.Fatal(err)
	}
	if r.Members != 2 || len(r.Domains) != 2 {
		t.Fatalf("team: %+v", r)
	}
	d1, d2 := r.Domains[0], r.Domains[1]
	if d1.Domain != 1 || d1.Title != "one" || d1.Items != 2 || d1.Studied != 2 || d2.Domain != 2 || d2.Items != 1 || d2.Studied != 1 || d2.Weight != 40 {
		t.Errorf("domains: %+v", r.Domains)
	}
	near("domain 1", d1.Recall, 0.45)
	near("domain 2", d2.Recall, 0.383065)
	near("overall", r.Overall, 0.423225)
	plain := func(int) (string, float64) { return "", 0 }
	r, _ = teamReadiness(items, plain, now, each)
	near("overall by items", r.Overall, (0.55538+0.3)/2)
	if r, _ := teamReadiness(items, weighted, now, func(func(string, []store.Card) error) error { return nil }); r.Members != 0 || r.Overall != 0 || len(r.Domains) != 2 {
		t.Errorf("nobody: %+v", r)
	}
}
