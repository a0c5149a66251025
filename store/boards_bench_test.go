package store

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// teamStart is the Monday the benchmark team's two weeks of posts begin.
var teamStart = time.Date(2026, 11, 16, 9, 0, 0, 0, tokyo)

// loadTeam bulk-loads a team of members over two weeks of weekday posts
// (10 posts, domains 1–6 in turn): each member takes part with a rate of
// their own (20–95%) and answers right with a skill of their own
// (30–90%), most answers within minutes of the post (exponential, mean 20
// minutes, whole seconds, so that many share an instant). Answers, stats,
// counters and every index are written as RecordAnswer writes them, in
// transactions of 5,000 answers without fsync (a fixture, not a product
// path; bbolt splits nodes only at commit, so larger transactions of keys
// in random order cost far more). The clock stands at the second Friday, 18:00.
func loadTeam(tb testing.TB, path string, members int) *DB {
	tb.Helper()
	c := newClock(teamStart)
	db, err := Open(path, &Options{Now: c.Now, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	db.EnsureSpace(testSpace, "Asia/Tokyo")
	r := rand.New(rand.NewSource(1))
	rate, skill := make([]float64, members), make([]float64, members)
	for u := range rate {
		rate[u], skill[u] = 0.2+0.75*r.Float64(), 0.3+0.6*r.Float64()
	}
	type ans struct {
		user    string
		correct bool
		at      time.Time
	}
	for d := 0; d < 14; d++ {
		slot := teamStart.AddDate(0, 0, d)
		if wd := slot.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		c.Set(slot)
		p, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: slot, Question: snapshot(fmt.Sprintf("q%d", d), 1+d%6),
			OpenedAt: slot, ClosesAt: slot.Add(8 * time.Hour)})
		if err != nil {
			tb.Fatal(err)
		}
		var day []ans
		for u := 0; u < members; u++ {
			if r.Float64() < rate[u] {
				day = append(day, ans{fmt.Sprintf("user%06d", u), r.Float64() < skill[u], slot.Add(time.Duration(r.ExpFloat64()*1200) * time.Second)})
			}
		}
		slices.SortFunc(day, func(a, b ans) int { return a.at.Compare(b.at) })
		for start := 0; start < len(day); start += 5000 {
			err := db.bolt.Update(func(tx *bolt.Tx) error {
				for _, a := range day[start:min(start+5000, len(day))] {
					opt := map[bool]string{true: "a", false: "b"}[a.correct]
					if err := tx.Bucket(bAnswers).Put(key(p.ID, a.user), encodeAnswer(Answer{PostID: p.ID, UserID: a.user, OptionID: opt, Correct: a.correct, At: a.at})); err != nil {
						return err
					}
					if err := bump(tx, testSpace, tokyo, p.Question.Domain, a.user, a.correct, a.at); err != nil {
						return err
					}
					if err := bumpStats(tx, testSpace, p.Question.Domain, a.user, a.correct, a.at); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				tb.Fatal(err)
			}
		}
	}
	c.Set(teamStart.AddDate(0, 0, 11).Add(9 * time.Hour))
	return db
}

// BenchmarkBoards100k loads a 100,000-member team once (loadTeam; a
// minute or more) and measures on it, each sub-benchmark before and after
// in the same run:
//   - leaderboard-p99: /leaderboard's store read (benchLeaderboard);
//   - accuracy-p99: `/leaderboard accuracy`'s store read (benchAccuracyBoard);
//   - domain-accuracy: the daily draw's accuracy per domain (benchDomainAccuracy).
func BenchmarkBoards100k(b *testing.B) {
	start := time.Now()
	db := loadTeam(b, filepath.Join(b.TempDir(), "team.db"), 100000)
	defer db.Close()
	b.Logf("loaded 100,000 members in %s", time.Since(start).Round(time.Second))
	// a running bot has read its file before: touch every page once, so
	// that no measured call pays for mapping a page in the first time
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, bk *bolt.Bucket) error { return bk.ForEach(func(_, _ []byte) error { return nil }) })
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("leaderboard-p99", func(b *testing.B) { benchLeaderboard(b, db) })
	b.Run("accuracy-p99", func(b *testing.B) { benchAccuracyBoard(b, db) })
	b.Run("domain-accuracy", func(b *testing.B) { benchDomainAccuracy(b, db) })
}

// boardCase is one caller on one board.
type boardCase struct {
	w      Window
	domain int
	user   string
}

// boardCases draws n callers at random among the players of the weekly,
// monthly and all-time boards, all domains and domain 1 (half of them on
// the weekly all-domain board, the one /leaderboard shows by default).
func boardCases(b *testing.B, db *DB, n int) []boardCase {
	r := rand.New(rand.NewSource(2))
	var out []boardCase
	for len(out) < n {
		bc := boardCase{Week, AllDomains, fmt.Sprintf("user%06d", r.Intn(100000))}
		if r.Intn(2) == 0 {
			bc.w = Windows[r.Intn(3)]
			bc.domain = []int{AllDomains, 1}[r.Intn(2)]
		}
		if b, err := db.Leaderboard(testSpace, bc.domain, bc.w, 10, bc.user); err == nil && b.Me != nil {
			out = append(out, bc)
		}
	}
	return out
}

// percentile returns the q-quantile (0 < q ≤ 1) of ds, in microseconds.
func percentile(ds []time.Duration, q float64) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return float64(s[max(0, min(i, len(s)-1))].Nanoseconds()) / 1e3
}

// reportLatencies reports p50, p99 and max of before and after and the
// ratio of the p99s.
func reportLatencies(b *testing.B, before, after []time.Duration) {
	b.ReportMetric(percentile(before, 0.5), "before-p50-µs")
	b.ReportMetric(percentile(before, 0.99), "before-p99-µs")
	b.ReportMetric(percentile(after, 0.5), "after-p50-µs")
	b.ReportMetric(percentile(after, 0.99), "after-p99-µs")
	b.ReportMetric(percentile(after, 1), "after-max-µs")
	b.ReportMetric(percentile(before, 0.99)/percentile(after, 0.99), "p99-ratio")
}

// benchLeaderboard is /leaderboard's store read (top 10 and the
// caller's row) for random callers of a 100,000-member team, before
// (walking the rank index to the caller) and after (points histogram and
// block counts) in the same run, interleaved call by call; both must give
// the caller the same rank. It reports p50 and p99 of each.
func benchLeaderboard(b *testing.B, db *DB) {
	cases := boardCases(b, db, 1000)
	var before, after []time.Duration
	i := 0
	for b.Loop() {
		bc := cases[i%len(cases)]
		i++
		runtime.GC() // neither call pays for the other's garbage
		t0 := time.Now()
		old, err := db.legacyLeaderboard(testSpace, bc.domain, bc.w, 10, bc.user)
		t1 := time.Now()
		now, err2 := db.Leaderboard(testSpace, bc.domain, bc.w, 10, bc.user)
		t2 := time.Now()
		if err != nil || err2 != nil || old.Me == nil || now.Me == nil || *old.Me != *now.Me || !slices.Equal(old.Rows, now.Rows) {
			b.Fatalf("%+v: before %+v %v, after %+v %v", bc, old.Me, err, now.Me, err2)
		}
		before, after = append(before, t1.Sub(t0)), append(after, t2.Sub(t1))
	}
	reportLatencies(b, before, after)
}

// benchAccuracyBoard is `/leaderboard accuracy`'s store read for
// random callers of the same team, before (every counter of the board
// scanned and sorted) and after (the accuracy index), interleaved.
func benchAccuracyBoard(b *testing.B, db *DB) {
	cases := boardCases(b, db, 200)
	var before, after []time.Duration
	i := 0
	for b.Loop() {
		bc := cases[i%len(cases)]
		i++
		runtime.GC()
		t0 := time.Now()
		old, err := db.legacyAccuracyBoard(testSpace, bc.domain, bc.w, AccuracyMinAnswered, 10, bc.user)
		t1 := time.Now()
		now, err2 := db.AccuracyBoard(testSpace, bc.domain, bc.w, 10, bc.user)
		t2 := time.Now()
		if err != nil || err2 != nil || old.Players != now.Players || (old.Me == nil) != (now.Me == nil) || old.Me != nil && *old.Me != *now.Me || !slices.Equal(old.Rows, now.Rows) {
			b.Fatalf("%+v: before %+v %d %v, after %+v %d %v", bc, old.Me, old.Players, err, now.Me, now.Players, err2)
		}
		before, after = append(before, t1.Sub(t0)), append(after, t2.Sub(t1))
	}
	reportLatencies(b, before, after)
}

// benchDomainAccuracy is the daily draw's read of the space's accuracy
// per domain for the 100,000-member team: before (every member's all-time
// counters summed) and after (the space's domain sums), interleaved.
func benchDomainAccuracy(b *testing.B, db *DB) {
	var before, after []time.Duration
	for b.Loop() {
		runtime.GC()
		t0 := time.Now()
		old, err := db.legacyDomainAccuracy(testSpace)
		t1 := time.Now()
		now, err2 := db.DomainAccuracy(testSpace)
		t2 := time.Now()
		if err != nil || err2 != nil || len(old) != 6 || fmt.Sprint(old) != fmt.Sprint(now) {
			b.Fatalf("before %v %v, after %v %v", old, err, now, err2)
		}
		before, after = append(before, t1.Sub(t0)), append(after, t2.Sub(t1))
	}
	b.ReportMetric(percentile(before, 0.5), "before-p50-µs")
	b.ReportMetric(percentile(after, 0.5), "after-p50-µs")
	b.ReportMetric(percentile(before, 0.5)/percentile(after, 0.5), "ratio")
}
