package bot

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// teamMonday is when the benchmark team's week of posts begins.
var teamMonday = time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("JST", 9*3600))

// loadTeamWeek fills a store with a team of members answering a week of
// daily posts (Monday–Friday, domains 1–5) through RecordAnswer without
// fsync: each member takes part with a rate of their own (20–95%) and
// answers right with a skill of their own (30–90%), in groups of 500 that
// share an instant, ten seconds apart. The clock is left at Friday 18:00.
func loadTeamWeek(b *testing.B, members int) (*store.DB, store.SpaceRef, func(time.Time)) {
	b.Helper()
	var mu sync.Mutex
	now := teamMonday
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	db, err := store.Open(filepath.Join(b.TempDir(), "team.db"), &store.Options{Now: clock, NoSync: true, BatchSize: 500})
	if err != nil {
		b.Fatal(err)
	}
	sp := store.SpaceRef{Platform: "test", ID: "team"}
	if _, err := db.EnsureSpace(sp, "Asia/Tokyo"); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewSource(1))
	rate, skill := make([]float64, members), make([]float64, members)
	for u := range rate {
		rate[u], skill[u] = 0.2+0.75*r.Float64(), 0.3+0.6*r.Float64()
	}
	for d := 0; d < 5; d++ {
		slot := teamMonday.AddDate(0, 0, d)
		set(slot)
		snap := store.Snapshot{QuestionID: fmt.Sprint("q", d), Domain: 1 + d, Type: "cloze", Stem: "stem", AnswerID: "a"}
		for _, id := range []string{"a", "b", "c", "d"} {
			snap.Options = append(snap.Options, store.SnapOption{ID: id, Text: id})
		}
		p, err := db.CreatePost(store.Post{Space: sp, Channel: "general", Slot: slot, Question: snap, OpenedAt: slot, ClosesAt: slot.Add(8 * time.Hour)})
		if err != nil {
			b.Fatal(err)
		}
		order := r.Perm(members)
		for start := 0; start < members; start += 500 {
			set(slot.Add(time.Duration(start/500*10) * time.Second))
			var wg sync.WaitGroup
			for _, u := range order[start:min(start+500, members)] {
				if r.Float64() >= rate[u] {
					continue
				}
				opt := "b"
				if r.Float64() < skill[u] {
					opt = "a"
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := db.RecordAnswer(p.ID, fmt.Sprintf("user%06d", u), opt); err != nil {
						b.Error(err)
					}
				}()
			}
			wg.Wait()
		}
	}
	set(teamMonday.AddDate(0, 0, 4).Add(9 * time.Hour))
	return db, sp, set
}

// latencyPercentile returns the q-quantile of ds in microseconds.
func latencyPercentile(ds []time.Duration, q float64) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return float64(s[max(0, min(i, len(s)-1))].Nanoseconds()) / 1e3
}

// BenchmarkTeam100k loads a 100,000-member team's week (loadTeamWeek,
// about 350,000 answers) and measures on it:
//   - leaderboard: the whole /leaderboard command (the weekly all-domain
//     board with the caller's row, rendered) for random members; p50 and
//     p99 per call;
//   - leaderboard-accuracy: the same for /leaderboard accuracy;
//   - pick: the daily draw's choice of a question for a channel (flags
//     read once per due turn, so not here); time per choice.
//
// Its figures for the code before schema 4 come from running this file in
// a checkout of that code (BENCHMARKS.md has the commands).
func BenchmarkTeam100k(b *testing.B) {
	start := time.Now()
	db, sp, _ := loadTeamWeek(b, 100000)
	defer db.Close()
	b.Logf("loaded in %s", time.Since(start).Round(time.Second))
	bank, err := questions.Default()
	if err != nil {
		b.Fatal(err)
	}
	bt, err := New(Config{Bank: bank, Store: db, Now: func() time.Time { return teamMonday.AddDate(0, 0, 4).Add(9 * time.Hour) }})
	if err != nil {
		b.Fatal(err)
	}
	defer bt.Close()
	r := rand.New(rand.NewSource(2))
	command := func(args ...string) func(b *testing.B) {
		return func(b *testing.B) {
			var ds []time.Duration
			for b.Loop() {
				c := Command{Space: sp, Channel: "general", User: fmt.Sprintf("user%06d", r.Intn(100000)), Name: "leaderboard", Args: args}
				t0 := time.Now()
				resp := bt.HandleCommand(b.Context(), c)
				ds = append(ds, time.Since(t0))
				if len(resp.Messages) != 1 || resp.Messages[0].Kind == KindError {
					b.Fatalf("%+v", resp.Messages)
				}
			}
			b.ReportMetric(latencyPercentile(ds, 0.5), "p50-µs")
			b.ReportMetric(latencyPercentile(ds, 0.99), "p99-µs")
			b.ReportMetric(latencyPercentile(ds, 1), "max-µs")
		}
	}
	b.Run("leaderboard", command())
	b.Run("leaderboard-accuracy", command("accuracy", "all"))
	b.Run("pick", func(b *testing.B) {
		ch := store.Channel{Space: sp, ID: "general", Cron: DefaultSchedule, TZ: "Asia/Tokyo", Lang: "ja"}
		slot := teamMonday.AddDate(0, 0, 7)
		for b.Loop() {
			slot = slot.Add(time.Minute)
			if _, err := bt.quiz.Pick(bank, ch, slot, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
