package store

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// tally is a user's brute-force count on one board.
type tally struct {
	user             string
	points, answered int
	reached          time.Time
}

// bruteBoards recounts, from a log of counted answers, every user's tally
// on the board of window w (the period holding now) and domain dom.
func bruteBoards(log []logged, w Window, dom int, now time.Time) []tally {
	wkNow, _ := windowKey(w, now, tokyo)
	by := map[string]*tally{}
	for _, l := range log {
		if wk, _ := windowKey(w, l.at, tokyo); wk != wkNow || dom != AllDomains && l.domain != dom {
			continue
		}
		t := by[l.user]
		if t == nil {
			t = &tally{user: l.user, reached: l.at}
			by[l.user] = t
		}
		t.answered++
		if l.correct {
			t.points++
			t.reached = l.at
		}
	}
	out := make([]tally, 0, len(by))
	for _, t := range by {
		out = append(out, *t)
	}
	return out
}

// bruteByPoints orders tallies as the README says: most points, then best
// accuracy (compared exactly, as fractions), then who got there first,
// then user ID.
func bruteByPoints(ts []tally) {
	sort.Slice(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if a.points != b.points {
			return a.points > b.points
		}
		if x, y := a.points*b.answered, b.points*a.answered; x != y {
			return x > y
		}
		if !a.reached.Equal(b.reached) {
			return a.reached.Before(b.reached)
		}
		return a.user < b.user
	})
}

// bruteByAccuracy keeps the tallies with AccuracyMinAnswered answers and
// orders them by accuracy (exactly), then more answers, then who got there
// first, then user ID.
func bruteByAccuracy(ts []tally) []tally {
	var out []tally
	for _, t := range ts {
		if t.answered >= AccuracyMinAnswered {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if x, y := a.points*b.answered, b.points*a.answered; x != y {
			return x > y
		}
		if a.answered != b.answered {
			return a.answered > b.answered
		}
		if !a.reached.Equal(b.reached) {
			return a.reached.Before(b.reached)
		}
		return a.user < b.user
	})
	return out
}

// TestPropertyBoardsAgainstBruteForce records random daily answers (users
// of different skill, bursts answered in the same instant, weeks and
// months crossed) and, every few days, compares for every window and
// domain the points board and the accuracy view — top rows, player count
// and every user's own row — and the domain accuracy against a brute-force
// recount of the answers. Blocks are tiny in most seeds so that the counted
// indexes split and merge all the time.
func TestPropertyBoardsAgainstBruteForce(t *testing.T) {
	for seed := int64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			if seed%4 != 0 {
				tinyBlocks(t, uint64(2+seed%5), uint64(1+seed%3), uint64(1+seed%4))
			}
			runBoardsProperty(t, seed)
		})
	}
}

func runBoardsProperty(t *testing.T, seed int64) {
	r := rand.New(rand.NewSource(seed))
	day0 := time.Date(2026, 10, 22, 9, 0, 0, 0, tokyo) // a Thursday: a month and weeks end soon
	c := newClock(day0)
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "Asia/Tokyo")
	users := make([]string, 15+r.Intn(20))
	skill := map[string]float64{}
	for i := range users {
		users[i] = fmt.Sprintf("u%02d", i)
		skill[users[i]] = r.Float64()
	}
	var log []logged
	days := 15 + r.Intn(25)
	for d := 0; d < days; d++ {
		base := day0.AddDate(0, 0, d)
		for pi := 0; pi < 1+r.Intn(3); pi++ {
			c.Set(base.Add(time.Duration(pi) * time.Hour))
			domain := 1 + r.Intn(4)
			ensureChannel(t, db, testSpace, fmt.Sprintf("ch%d", pi))
			p, err := db.CreatePost(Post{Space: testSpace, Channel: fmt.Sprintf("ch%d", pi), Slot: c.Now(),
				Question: snapshot(fmt.Sprintf("q%d-%d", d, pi), domain), ClosesAt: c.Now().Add(8 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range r.Perm(len(users)) {
				if r.Float64() < 0.3 {
					continue
				}
				if r.Float64() < 0.6 { // else the same instant as the previous answer
					c.Add(time.Duration(1+r.Intn(30)) * time.Second)
				}
				opt := "b"
				if r.Float64() < skill[users[u]] {
					opt = "a"
				}
				res, err := db.RecordAnswer(p.ID, users[u], opt)
				if err != nil {
					t.Fatal(err)
				}
				log = append(log, logged{users[u], domain, res.Answer.Correct, res.Answer.At, 0})
			}
		}
		if d%6 == 5 || d == days-1 {
			c.Set(base.Add(6 * time.Hour))
			compareBoards(t, db, log, c.Now(), r)
		}
	}
}

// compareBoards checks every board now against the brute-force recount.
func compareBoards(t *testing.T, db *DB, log []logged, now time.Time, r *rand.Rand) {
	t.Helper()
	for _, w := range Windows {
		for _, dom := range []int{AllDomains, 1, 2, 3, 4} {
			all := bruteBoards(log, w, dom, now)
			byPoints := append([]tally(nil), all...)
			bruteByPoints(byPoints)
			byAcc := bruteByAccuracy(all)
			limit := r.Intn(12)
			for _, view := range []struct {
				name string
				want []tally
				get  func(me string) (Board, error)
			}{
				{"points", byPoints, func(me string) (Board, error) { return db.Leaderboard(testSpace, dom, w, limit, me) }},
				{"accuracy", byAcc, func(me string) (Board, error) { return db.AccuracyBoard(testSpace, dom, w, limit, me) }},
			} {
				where := fmt.Sprintf("%s %s/%d at %s", view.name, w, dom, now.Format(time.DateOnly))
				b, err := view.get("")
				if err != nil {
					t.Fatal(err)
				}
				if view.name == "accuracy" && b.Players != len(view.want) || view.name == "points" && b.Players != len(all) {
					t.Fatalf("%s: %d players, want %d", where, b.Players, len(view.want))
				}
				if len(b.Rows) != min(limit, len(view.want)) {
					t.Fatalf("%s: %d rows, want %d", where, len(b.Rows), min(limit, len(view.want)))
				}
				for i, row := range b.Rows {
					if want := view.want[i]; row.Rank != i+1 || row.User != want.user || row.Points != want.points || row.Answered != want.answered {
						t.Fatalf("%s row %d: %+v, want %+v", where, i, row, want)
					}
				}
				on := map[string]bool{}
				for i, want := range view.want {
					on[want.user] = true
					b, err := view.get(want.user)
					if err != nil {
						t.Fatal(err)
					}
					if b.Me == nil || b.Me.Rank != i+1 || b.Me.User != want.user || b.Me.Points != want.points || b.Me.Answered != want.answered {
						t.Fatalf("%s: %s's row %+v, want rank %d %+v", where, want.user, b.Me, i+1, want)
					}
				}
				for _, tl := range all {
					if on[tl.user] {
						continue
					}
					if b, _ := view.get(tl.user); b.Me != nil {
						t.Fatalf("%s: %s has a row %+v but is not on the board", where, tl.user, b.Me)
					}
				}
			}
		}
	}
	// the domain accuracy the daily draw reads
	sums := map[int][2]int{}
	for _, l := range log {
		s := sums[l.domain]
		s[0]++
		if l.correct {
			s[1]++
		}
		sums[l.domain] = s
	}
	acc, err := db.DomainAccuracy(testSpace)
	if err != nil {
		t.Fatal(err)
	}
	if len(acc) != len(sums) {
		t.Fatalf("domain accuracy %v, answers %v", acc, sums)
	}
	for d, s := range sums {
		if want := float64(s[1]) / float64(s[0]); acc[d] != want {
			t.Fatalf("domain %d accuracy %v, want %v", d, acc[d], want)
		}
	}
}

// TestRankAtScale puts 1,500 players with random answers on the boards
// (default block sizes: every board has many blocks) and checks every
// player's rank on the weekly and all-time boards against the brute-force
// order, then store check.
func TestRankAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 1,500 players")
	}
	r := rand.New(rand.NewSource(7))
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, tokyo) // a Monday
	c := newClock(start)
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "Asia/Tokyo")
	var log []logged
	posts := make([]Post, 10)
	for day := range posts {
		c.Set(start.AddDate(0, 0, day))
		posts[day] = post(t, db, c, c.Now(), fmt.Sprintf("q%d", day), 1+day%3)
	}
	for _, p := range posts {
		slot, domain := p.Slot, p.Question.Domain
		err := db.bolt.Update(func(tx *bolt.Tx) error { // a transaction a day: bbolt splits nodes only at commit
			for u := 0; u < 1500; u++ {
				if r.Float64() < 0.25 {
					continue
				}
				// answers come in bursts: many share a second
				at := slot.Add(time.Duration(r.ExpFloat64()*600) * time.Second)
				l := logged{fmt.Sprintf("user%04d", u), domain, r.Float64() < 0.6, at, 0}
				log = append(log, l)
				opt := map[bool]string{true: "a", false: "b"}[l.correct]
				a := Answer{PostID: p.ID, UserID: l.user, OptionID: opt, Correct: l.correct, At: at}
				if err := tx.Bucket(bAnswers).Put(key(p.ID, l.user), encodeAnswer(a)); err != nil {
					return err
				}
				if err := bumpStats(tx, testSpace, domain, l.user, l.correct, at); err != nil {
					return err
				}
				if err := bump(tx, testSpace, tokyo, domain, l.user, l.correct, at); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	c.Set(start.AddDate(0, 0, 10))
	for _, w := range []Window{Week, All} {
		want := bruteBoards(log, w, AllDomains, c.Now())
		bruteByPoints(want)
		for i, tl := range want {
			b, err := db.Leaderboard(testSpace, AllDomains, w, 3, tl.user)
			if err != nil || b.Me == nil || b.Me.Rank != i+1 {
				t.Fatalf("%s: %s's row %+v (%v), want rank %d", w, tl.user, b.Me, err, i+1)
			}
		}
		acc := bruteByAccuracy(bruteBoards(log, w, AllDomains, c.Now()))
		for i, tl := range acc {
			b, err := db.AccuracyBoard(testSpace, AllDomains, w, 3, tl.user)
			if err != nil || b.Me == nil || b.Me.Rank != i+1 || b.Players != len(acc) {
				t.Fatalf("%s accuracy: %s's row %+v (%v), want rank %d of %d", w, tl.user, b.Me, err, i+1, len(acc))
			}
		}
	}
}
