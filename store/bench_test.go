package store

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// benchAnswers records b.N answers from 200 concurrent answerers on one
// post, durably (fsync on), through commit, and reports answers/s.
func benchAnswers(b *testing.B, batched bool) {
	db, err := Open(filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.EnsureSpace(testSpace, "Asia/Tokyo")
	now := time.Now()
	p, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: now, Question: snapshot("q1", 3), OpenedAt: now, ClosesAt: now.Add(24 * time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	commit := db.batch
	if !batched {
		commit = db.update
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for g := 0; g < 200; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if _, err := db.recordAnswer(commit, p.ID, fmt.Sprintf("user%07d", i), []string{"a", "b", "c", "d"}[i%4]); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "answers/s")
}

// BenchmarkRecordAnswerBatch is the production path: db.Batch.
func BenchmarkRecordAnswerBatch(b *testing.B) { benchAnswers(b, true) }

// BenchmarkRecordAnswerUpdate is the baseline: one Update (commit) per answer.
func BenchmarkRecordAnswerUpdate(b *testing.B) { benchAnswers(b, false) }

// loadUsers bulk-loads answers for users × perUser answers into one space,
// in large transactions without fsync (a test fixture, not a product path).
func loadUsers(tb testing.TB, path string, users, perUser int) *DB {
	tb.Helper()
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db, err := Open(path, &Options{Now: c.Now, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	db.EnsureSpace(testSpace, "Asia/Tokyo")
	ensureChannel(tb, db, testSpace, "general")
	posts := make([]Post, perUser)
	for i := range posts {
		posts[i], err = db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: c.Now().Add(time.Duration(i) * time.Minute),
			Question: snapshot(fmt.Sprintf("q%d", i), 1+i%6), OpenedAt: c.Now(), ClosesAt: c.Now().Add(48 * time.Hour)})
		if err != nil {
			tb.Fatal(err)
		}
	}
	loc := tokyo
	const perTx = 20000
	at := c.Now()
	for start := 0; start < users*perUser; start += perTx {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			for n := start; n < min(start+perTx, users*perUser); n++ {
				u, pi := n/perUser, n%perUser
				user := fmt.Sprintf("user%06d", u)
				opt := []string{"a", "b", "c", "d"}[(u*7+pi*3)%4]
				a := Answer{PostID: posts[pi].ID, UserID: user, OptionID: opt, Correct: opt == "a", At: at.Add(time.Duration(n) * time.Millisecond)}
				if err := tx.Bucket(bAnswers).Put(key(a.PostID, user), encodeAnswer(a)); err != nil {
					return err
				}
				if err := bump(tx, testSpace, loc, posts[pi].Question.Domain, user, a.Correct, a.At); err != nil {
					return err
				}
				if err := bumpStats(tx, testSpace, posts[pi].Question.Domain, user, a.Correct, a.At); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

var (
	bigOnce sync.Once
	bigDB   *DB
)

// BenchmarkLeaderboardTop10 reads the top 10 of a domain's weekly board
// with 100,000 users on it.
func BenchmarkLeaderboardTop10(b *testing.B) {
	bigOnce.Do(func() {
		bigDB = loadUsers(b, filepath.Join(os.TempDir(), fmt.Sprintf("studybot-bench-%d.db", os.Getpid())), 100000, 1)
	})
	for b.Loop() {
		board, err := bigDB.Leaderboard(testSpace, 1, Week, 10, "")
		if err != nil || len(board.Rows) != 10 || board.Players != 100000 {
			b.Fatalf("%v %d %d", err, len(board.Rows), board.Players)
		}
	}
}

// BenchmarkLeaderboardMeMidway also finds the caller's own rank halfway
// down the same board.
func BenchmarkLeaderboardMeMidway(b *testing.B) {
	bigOnce.Do(func() {
		bigDB = loadUsers(b, filepath.Join(os.TempDir(), fmt.Sprintf("studybot-bench-%d.db", os.Getpid())), 100000, 1)
	})
	for b.Loop() {
		board, err := bigDB.Leaderboard(testSpace, 1, Week, 10, "user050000")
		if err != nil || board.Me == nil {
			b.Fatal(err)
		}
	}
}

// TestDatabaseSize loads 100,000 users × 30 answers and reports the file
// size per answer. It takes minutes, so it runs only with
// STUDYBOT_SIZE_TEST=1 (figures in BENCHMARKS.md).
func TestDatabaseSize(t *testing.T) {
	if os.Getenv("STUDYBOT_SIZE_TEST") == "" {
		t.Skip("set STUDYBOT_SIZE_TEST=1 to load 3,000,000 answers")
	}
	path := filepath.Join(t.TempDir(), "size.db")
	start := time.Now()
	db := loadUsers(t, path, 100000, 30)
	defer db.Close()
	r, err := db.Check()
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	t.Logf("answers %d, counters %d, file %d bytes, %.1f bytes/answer, load %s", r.Answers, r.Counters, fi.Size(), float64(fi.Size())/float64(r.Answers), time.Since(start).Round(time.Second))
}
