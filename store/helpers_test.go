package store

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// clock is a controllable time source for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var tokyo = mustLoc("Asia/Tokyo")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// mustOpen opens a database in a temp dir and checks its consistency when
// the test ends.
func mustOpen(tb testing.TB, c *clock) *DB {
	tb.Helper()
	// No fsync and no batch wait: these tests check logic, not durability
	// (the crash test and the benchmarks use the real thing).
	db, err := Open(filepath.Join(tb.TempDir(), "test.db"), &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if _, err := db.Check(); err != nil {
			tb.Errorf("consistency check: %v", err)
		}
		db.Close()
	})
	return db
}

var testSpace = SpaceRef{Platform: Console, ID: "team"}

// snapshot returns a question snapshot with options a–d, answer a.
func snapshot(qid string, domain int) Snapshot {
	s := Snapshot{QuestionID: qid, Domain: domain, DomainTitle: fmt.Sprintf("domain %d", domain), Type: "cloze",
		Stem: "stem " + qid, AnswerID: "a", Explanation: "because", MemoHash: "h"}
	for _, id := range []string{"a", "b", "c", "d"} {
		s.Options = append(s.Options, SnapOption{ID: id, Text: "option " + id})
	}
	return s
}

// post creates a post in channel "general" for slot, open for 8 hours;
// the channel is created first if need be, as the bot does.
func post(tb testing.TB, db *DB, c *clock, slot time.Time, qid string, domain int) Post {
	tb.Helper()
	ensureChannel(tb, db, testSpace, "general")
	p, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: slot, Question: snapshot(qid, domain),
		OpenedAt: c.Now(), ClosesAt: c.Now().Add(8 * time.Hour)})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// ensureChannel creates the channel with a default schedule unless it
// exists (Check wants every post's channel to exist).
func ensureChannel(tb testing.TB, db *DB, space SpaceRef, id string) {
	tb.Helper()
	if _, err := db.GetChannel(space, id); err == nil {
		return
	}
	if err := db.PutChannel(Channel{Space: space, ID: id, Cron: "0 9 * * *", TZ: "Asia/Tokyo"}); err != nil {
		tb.Fatal(err)
	}
}
