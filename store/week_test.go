package store

import (
	"testing"
	"time"
)

func TestChannelAnswers(t *testing.T) {
	c := newClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	db := mustOpen(t, c)
	if _, err := db.EnsureSpace(testSpace, "UTC"); err != nil {
		t.Fatal(err)
	}
	p1 := post(t, db, c, c.Now(), "q1", 1)
	for _, u := range []string{"bo", "al"} {
		opt := "a"
		if u == "bo" {
			opt = "b"
		}
		if _, err := db.RecordAnswer(p1.ID, u, opt); err != nil {
			t.Fatal(err)
		}
	}
	c.Add(7 * 24 * time.Hour)
	p2 := post(t, db, c, c.Now(), "q2", 2)
	if _, err := db.RecordAnswer(p2.ID, "al", "a"); err != nil {
		t.Fatal(err)
	}
	week := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	got, err := db.ChannelAnswers(testSpace, "general", week, week.AddDate(0, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Post.ID != p1.ID || len(got[0].Answers) != 2 {
		t.Fatalf("first week: %+v", got)
	}
	if a := got[0].Answers; a[0].UserID != "al" || !a[0].Correct || a[1].UserID != "bo" || a[1].Correct || a[1].OptionID != "b" {
		t.Errorf("answers %+v", a)
	}
	got, err = db.ChannelAnswers(testSpace, "general", week, week.AddDate(0, 0, 14))
	if err != nil || len(got) != 2 || got[1].Post.ID != p2.ID {
		t.Fatalf("two weeks: %+v, %v", got, err)
	}
	if got, err := db.ChannelAnswers(testSpace, "other", week, week.AddDate(0, 0, 14)); err != nil || len(got) != 0 {
		t.Errorf("another channel: %+v, %v", got, err)
	}
}
