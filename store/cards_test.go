package store

import (
	"errors"
	"testing"
	"time"
)

// TestCards: a card is created, updated and read back per user per space;
// other users and spaces are apart; bad IDs are refused.
func TestCards(t *testing.T) {
	c := newClock(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	db := mustOpen(t, c)
	due := c.Now().Add(24 * time.Hour)
	for i := 0; i < 2; i++ {
		got, err := db.UpdateCard(testSpace, "U1", "item1", func(card *Card, found bool) error {
			if found != (i == 1) {
				t.Errorf("round %d: found = %v", i, found)
			}
			card.Reps++
			card.Due = due
			return nil
		})
		if err != nil || got.Reps != uint64(i+1) || got.Item != "item1" {
			t.Fatalf("UpdateCard = %+v, %v", got, err)
		}
	}
	if _, err := db.UpdateCard(testSpace, "U2", "item2", func(*Card, bool) error { return nil }); err != nil {
		t.Fatal(err)
	}
	cards, err := db.Cards(testSpace, "U1")
	if err != nil || len(cards) != 1 || cards[0].Reps != 2 || !cards[0].Due.Equal(due) {
		t.Fatalf("Cards = %+v, %v", cards, err)
	}
	if cards, _ := db.Cards(SpaceRef{"slack", "T-other"}, "U1"); len(cards) != 0 {
		t.Errorf("another space sees %d cards", len(cards))
	}
	if _, err := db.UpdateCard(testSpace, "U1", "", func(*Card, bool) error { return nil }); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty item: %v", err)
	}
	full := Card{Item: "item3", Domain: 4, Due: due, Stability: 3.17, Difficulty: 5.5, ElapsedDays: 2, ScheduledDays: 3,
		Reps: 4, Lapses: 1, State: 2, LastReview: c.Now(), First: c.Now().Add(-time.Hour), Right: 3, Wrong: 1, LastQuestion: "q9"}
	if _, err := db.UpdateCard(testSpace, "U3", "item3", func(card *Card, _ bool) error { *card = full; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Cards(testSpace, "U3"); len(got) != 1 || !got[0].Due.Equal(full.Due) || !got[0].LastReview.Equal(full.LastReview) ||
		!got[0].First.Equal(full.First) || got[0].Stability != full.Stability || got[0].LastQuestion != "q9" || got[0].Wrong != 1 || got[0].Domain != 4 || got[0].Lapses != 1 {
		t.Errorf("round trip: %+v, want %+v", got, full)
	}
	boom := errors.New("boom")
	if _, err := db.UpdateCard(testSpace, "U1", "item1", func(card *Card, _ bool) error { card.Reps = 99; return boom }); !errors.Is(err, boom) {
		t.Errorf("fn error: %v", err)
	}
	if cards, _ := db.Cards(testSpace, "U1"); cards[0].Reps != 2 {
		t.Errorf("a failed update was kept: %+v", cards[0])
	}
}

// TestEachUserCards: the space's cards come user by user, each user's
// whole deck at once; other spaces are left out; fn's error stops the walk.
func TestEachUserCards(t *testing.T) {
	c := newClock(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	db := mustOpen(t, c)
	if err := db.EachUserCards(testSpace, func(string, []Card) error { t.Error("called without cards"); return nil }); err != nil {
		t.Fatal(err)
	}
	other := SpaceRef{Platform: Slack, ID: "T9"}
	for _, x := range []struct {
		sp         SpaceRef
		user, item string
	}{{testSpace, "A", "i1"}, {testSpace, "A", "i2"}, {testSpace, "B", "i1"}, {other, "A", "i3"}, {testSpace, "C", "i3"}} {
		if _, err := db.UpdateCard(x.sp, x.user, x.item, func(card *Card, _ bool) error { card.Reps = 1; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string][]string{}
	var order []string
	err := db.EachUserCards(testSpace, func(user string, cards []Card) error {
		order = append(order, user)
		for _, c := range cards {
			got[user] = append(got[user], c.Item)
		}
		return nil
	})
	if err != nil || len(order) != 3 || order[0] != "A" || order[2] != "C" || len(got["A"]) != 2 || got["A"][1] != "i2" || len(got["C"]) != 1 || got["C"][0] != "i3" {
		t.Fatalf("EachUserCards: order %v, cards %v, err %v", order, got, err)
	}
	stop := errors.New("stop")
	calls := 0
	if err := db.EachUserCards(testSpace, func(string, []Card) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("stopping: %v after %d calls", err, calls)
	}
}
