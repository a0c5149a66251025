package store

import (
	"errors"
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"
)

// TestPropertyCountersAndStreaks runs random sequences of posts, answers
// (some duplicate, some late) and practice answers, then checks leaderboards
// and streaks against a naive recomputation from the log of what happened.
func TestPropertyCountersAndStreaks(t *testing.T) {
	for seed := int64(1); seed <= 25; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runProperty(t, seed) })
	}
}

type logged struct {
	user    string
	domain  int
	correct bool
	at      time.Time
	day     int64
}

func runProperty(t *testing.T, seed int64) {
	r := rand.New(rand.NewSource(seed))
	day0 := time.Date(2026, 10, 26, 9, 0, 0, 0, tokyo)
	c := newClock(day0)
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "Asia/Tokyo")
	users := []string{"ann", "ben", "cat", "dan", "eve"}
	var log []logged
	postingDays := map[int64]bool{}
	answeredDays := map[string]map[int64]bool{}
	days := 20 + r.Intn(30)
	for d := 0; d < days; d++ {
		base := day0.AddDate(0, 0, d)
		if r.Float64() < 0.3 {
			continue // no post today
		}
		posts := 1 + r.Intn(2)
		for pi := 0; pi < posts; pi++ {
			c.Set(base.Add(time.Duration(pi) * time.Hour))
			domain := 1 + r.Intn(6)
			ensureChannel(t, db, testSpace, fmt.Sprintf("ch%d", pi))
			p, err := db.CreatePost(Post{Space: testSpace, Channel: fmt.Sprintf("ch%d", pi), Slot: c.Now(),
				Question: snapshot(fmt.Sprintf("q%d-%d", d, pi), domain), ClosesAt: c.Now().Add(8 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			postingDays[dayNumber(c.Now(), tokyo)] = true
			for _, u := range users {
				if r.Float64() < 0.35 {
					continue
				}
				c.Add(time.Duration(1+r.Intn(600)) * time.Second)
				late := r.Float64() < 0.05
				if late {
					c.Set(p.ClosesAt.Add(time.Minute))
				}
				opt := []string{"a", "b", "c", "d"}[r.Intn(4)]
				res, err := db.RecordAnswer(p.ID, u, opt)
				switch {
				case late:
					if !errors.Is(err, ErrClosed) {
						t.Fatalf("late answer: %v", err)
					}
					c.Set(p.ClosesAt.Add(-time.Hour))
					continue
				case err != nil:
					t.Fatal(err)
				}
				log = append(log, logged{u, domain, res.Answer.Correct, res.Answer.At, dayNumber(p.OpenedAt, tokyo)})
				if answeredDays[u] == nil {
					answeredDays[u] = map[int64]bool{}
				}
				answeredDays[u][dayNumber(p.OpenedAt, tokyo)] = true
				if r.Float64() < 0.2 { // a double click
					if _, err := db.RecordAnswer(p.ID, u, opt); !errors.Is(err, ErrAlreadyAnswered) {
						t.Fatalf("duplicate: %v", err)
					}
				}
				if r.Float64() < 0.1 {
					db.RecordPractice(Practice{Space: testSpace, UserID: u, QuestionID: "pq", Domain: domain, Correct: true, At: c.Now()})
				}
			}
		}
	}
	end := day0.AddDate(0, 0, days).Add(-6 * time.Hour)
	c.Set(end)

	// Leaderboards: every window and domain against the log.
	for _, w := range Windows {
		wkEnd, _ := windowKey(w, end, tokyo)
		for _, dom := range []int{AllDomains, 1, 2, 3, 4, 5, 6} {
			type tally struct {
				points, answered int
				reached          time.Time
			}
			want := map[string]*tally{}
			for _, l := range log {
				if wk, _ := windowKey(w, l.at, tokyo); wk != wkEnd || dom != AllDomains && l.domain != dom {
					continue
				}
				tl := want[l.user]
				if tl == nil {
					tl = &tally{reached: l.at}
					want[l.user] = tl
				}
				tl.answered++
				if l.correct {
					tl.points++
					tl.reached = l.at
				}
			}
			names := make([]string, 0, len(want))
			for u := range want {
				names = append(names, u)
			}
			sort.Slice(names, func(i, j int) bool {
				a, b := want[names[i]], want[names[j]]
				if a.points != b.points {
					return a.points > b.points
				}
				aa, ba := float64(a.points)/float64(a.answered), float64(b.points)/float64(b.answered)
				if aa != ba {
					return aa > ba
				}
				if !a.reached.Equal(b.reached) {
					return a.reached.Before(b.reached)
				}
				return names[i] < names[j]
			})
			b, err := db.Leaderboard(testSpace, dom, w, 10, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Rows) != len(names) {
				t.Fatalf("%s/%d: %d rows, want %d", w, dom, len(b.Rows), len(names))
			}
			for i, row := range b.Rows {
				tl := want[names[i]]
				if row.User != names[i] || row.Points != tl.points || row.Answered != tl.answered {
					t.Fatalf("%s/%d row %d: %+v, want %s %d/%d", w, dom, i, row, names[i], tl.points, tl.answered)
				}
			}
		}
	}

	// Streaks: walk the posting days in order.
	var pdays []int64
	for d := range postingDays {
		pdays = append(pdays, d)
	}
	sort.Slice(pdays, func(i, j int) bool { return pdays[i] < pdays[j] })
	today := dayNumber(end, tokyo)
	for _, u := range users {
		cur, best, freezes := 0, 0, 0
		for _, d := range pdays {
			switch {
			case answeredDays[u][d]:
				cur++
				if cur%FreezeEvery == 0 && freezes < MaxFreezes {
					freezes++
				}
				best = max(best, cur)
			case d >= today:
				// today's post may still be answered
			case cur > 0 && freezes > 0:
				freezes--
			default:
				cur, freezes = 0, 0
			}
		}
		s, err := db.GetStreak(testSpace, u)
		if err != nil {
			t.Fatal(err)
		}
		if s.Current != cur || s.Best != best || s.Freezes != freezes {
			t.Fatalf("%s streak = %+v, want current %d best %d freezes %d", u, s, cur, best, freezes)
		}
	}
}
