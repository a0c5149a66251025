package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	db, err := Open(path, &Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// a second opener waits for the lock, then gives a clear error
	_, err = Open(path, &Options{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Errorf("second open: %v", err)
	}
	db.Close()

	garbage := filepath.Join(dir, "garbage.db")
	content := bytes.Repeat([]byte("not a database "), 500)
	os.WriteFile(garbage, content, 0o600)
	if _, err := Open(garbage, nil); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), garbage) {
		t.Errorf("garbage file: %v", err)
	}
	if got, _ := os.ReadFile(garbage); !bytes.Equal(got, content) {
		t.Error("a file that is not a database was modified")
	}
	if _, err := Open(dir, nil); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "no", "such", "dir.db"), nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing directory: %v", err)
	}
}

func TestOpenReadOnlyLocation(t *testing.T) {
	// Root ignores permission bits, so use a read-only file system if one is at hand.
	for _, p := range []string{"/proc/studybot-test.db", "/sys/studybot-test.db"} {
		_, err := Open(p, nil)
		if errors.Is(err, ErrReadOnly) {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error lacks the path: %v", err)
			}
			return
		}
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	_, err := Open(filepath.Join(dir, "x.db"), nil)
	if err == nil {
		t.Skip("no read-only location available (running as root on writable file systems)")
	}
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only dir: %v", err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(keyVersion, putU64(nil, SchemaVersion+1)) })
	db.Close()
	if _, err := Open(path, nil); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("newer schema: %v", err)
	}
}

func TestAnswerLifecycle(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	if _, err := db.EnsureSpace(testSpace, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	p := post(t, db, c, c.Now(), "q1", 3)

	// a second post for the same slot is refused, returning the first
	again, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: c.Now(), Question: snapshot("q2", 1), ClosesAt: c.Now().Add(time.Hour)})
	if !errors.Is(err, ErrSlotTaken) || again.ID != p.ID || again.Question.QuestionID != "q1" {
		t.Fatalf("double post: %v %+v", err, again)
	}

	c.Add(time.Minute)
	r, err := db.RecordAnswer(p.ID, "alice", "a")
	if err != nil || !r.Counted || !r.Answer.Correct || r.Streak.Current != 1 || r.RankAfter != 1 || r.RankBefore != 0 {
		t.Fatalf("first answer: %+v %v", r, err)
	}
	r, err = db.RecordAnswer(p.ID, "alice", "b")
	if !errors.Is(err, ErrAlreadyAnswered) || r.Answer.OptionID != "a" || r.Counted {
		t.Fatalf("second answer: %+v %v", r, err)
	}
	if _, err := db.RecordAnswer(p.ID, "bob", "zzz"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown option: %v", err)
	}
	if _, err := db.RecordAnswer("nope", "bob", "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown post: %v", err)
	}
	if _, err := db.RecordAnswer(p.ID, "bo\x00b", "a"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad user id: %v", err)
	}
	r, err = db.RecordAnswer(p.ID, "bob", "c")
	if err != nil || r.Answer.Correct || r.RankAfter != 2 {
		t.Fatalf("bob: %+v %v", r, err)
	}
	// after the closing time, answers are not counted
	c.Add(9 * time.Hour)
	r, err = db.RecordAnswer(p.ID, "carol", "a")
	if !errors.Is(err, ErrClosed) || r.Counted || !r.Answer.Correct {
		t.Fatalf("late answer: %+v %v", r, err)
	}
	if _, err := db.GetAnswer(p.ID, "carol"); !errors.Is(err, ErrNotFound) {
		t.Errorf("late answer stored: %v", err)
	}
	res, err := db.PostResults(p.ID, 5)
	if err != nil || res.Total != 2 || res.Correct != 1 || res.Counts["a"] != 1 || res.Counts["c"] != 1 || len(res.FirstCorrect) != 1 || res.FirstCorrect[0] != "alice" {
		t.Fatalf("results: %+v %v", res, err)
	}
	closed, did, err := db.ClosePost(p.ID)
	if err != nil || !did || !closed.Closed {
		t.Fatalf("close: %+v %v %v", closed, did, err)
	}
	if _, did, _ := db.ClosePost(p.ID); did {
		t.Error("closing twice reported a close")
	}
	open, _ := db.OpenPosts()
	if len(open) != 0 {
		t.Errorf("open posts after close: %d", len(open))
	}
	if err := db.SetPostMessage(p.ID, "ts-123"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetPost(p.ID); got.MessageRef != "ts-123" || got.Question.Stem != "stem q1" {
		t.Errorf("post: %+v", got)
	}
	h, _ := db.History(testSpace, "general")
	if len(h) != 1 || h[0].QuestionID != "q1" || h[0].PostID != p.ID {
		t.Errorf("history: %+v", h)
	}
	if lp, err := db.LatestPost(testSpace, "general"); err != nil || lp.ID != p.ID {
		t.Errorf("latest post: %v %v", lp.ID, err)
	}
}

func TestLeaderboardOrderAndTies(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo)) // a Monday
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	// three posts in domain 1, answered by four users
	answers := [][]struct{ user, opt string }{
		{{"ann", "a"}, {"ben", "a"}, {"cat", "b"}, {"dan", "a"}},
		{{"dan", "a"}, {"ben", "a"}, {"ann", "a"}, {"cat", "a"}},
		{{"cat", "a"}, {"ann", "b"}, {"ben", "a"}},
	}
	for i, as := range answers {
		p := post(t, db, c, c.Now(), "q"+string(rune('0'+i)), 1)
		for _, a := range as {
			c.Add(time.Second)
			if _, err := db.RecordAnswer(p.ID, a.user, a.opt); err != nil {
				t.Fatal(err)
			}
		}
		c.Add(24 * time.Hour)
	}
	// points: ben 3/3, ann 2/3, dan 2/2, cat 2/3; dan beats ann on accuracy;
	// ann and cat tie on points and accuracy: ann reached 2 first.
	b, err := db.Leaderboard(testSpace, 1, Week, 3, "cat")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, r := range b.Rows {
		got = append(got, r.User)
	}
	if strings.Join(got, ",") != "ben,dan,ann" || b.Me == nil || b.Me.Rank != 4 || b.Me.Points != 2 || b.Players != 4 {
		t.Fatalf("board = %v, me = %+v, players %d", got, b.Me, b.Players)
	}
	if b.Rows[1].Accuracy != 1 || b.Rows[0].Answered != 3 {
		t.Errorf("rows: %+v", b.Rows)
	}
	// other domain and all-domain boards
	if b, _ := db.Leaderboard(testSpace, 2, All, 10, "ben"); len(b.Rows) != 0 || b.Me != nil {
		t.Errorf("domain 2 board not empty: %+v", b)
	}
	if b, _ := db.Leaderboard(testSpace, AllDomains, Month, 10, ""); len(b.Rows) != 4 {
		t.Errorf("all-domain board: %+v", b)
	}
	// the accuracy view needs AccuracyMinAnswered (5) answers: nobody yet
	// (its order is tested in TestPropertyBoardsAgainstBruteForce)
	acc, err := db.AccuracyBoard(testSpace, AllDomains, All, 10, "ben")
	if err != nil || len(acc.Rows) != 0 || acc.Players != 0 || acc.Me != nil {
		t.Errorf("accuracy board: %+v %v", acc, err)
	}
	// next week the weekly board is empty, all-time is not
	c.Add(7 * 24 * time.Hour)
	if b, _ := db.Leaderboard(testSpace, 1, Week, 10, ""); len(b.Rows) != 0 {
		t.Errorf("weekly board carried over: %+v", b.Rows)
	}
	if b, _ := db.Leaderboard(testSpace, 1, All, 10, ""); len(b.Rows) != 4 {
		t.Errorf("all-time board: %+v", b.Rows)
	}
	if _, err := db.Leaderboard(testSpace, 1, "year", 10, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown window: %v", err)
	}
}

func TestPracticeCountsInStatsOnly(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	p := post(t, db, c, c.Now(), "q1", 2)
	db.RecordAnswer(p.ID, "ann", "b")
	for i, ok := range []bool{true, true, false} {
		if err := db.RecordPractice(Practice{Space: testSpace, UserID: "ann", QuestionID: "p" + string(rune('0'+i)), Domain: 5, Correct: ok}); err != nil {
			t.Fatal(err)
		}
		c.Add(time.Second)
	}
	st, err := db.Stats(testSpace, "ann")
	if err != nil {
		t.Fatal(err)
	}
	// weakest first: domain 2 (0/1), then domain 5 (2/3), then the total
	if len(st) != 3 || st[0].Domain != 2 || st[1].Domain != 5 || st[1].Correct != 2 || st[1].Answered != 3 || st[2].Domain != AllDomains || st[2].Answered != 4 {
		t.Fatalf("stats: %+v", st)
	}
	b, _ := db.Leaderboard(testSpace, 5, All, 10, "ann")
	if len(b.Rows) != 0 {
		t.Errorf("practice reached the leaderboard: %+v", b.Rows)
	}
	s, _ := db.GetStreak(testSpace, "ann")
	if s.Current != 1 {
		t.Errorf("streak = %+v, want 1 (practice does not count)", s)
	}
}

func TestStreakRules(t *testing.T) {
	tests := []struct {
		name string
		// days on which the space posts, relative to day 0 (a Monday), and
		// the subset the user answers
		posted, answered []int
		// day on which GetStreak is asked
		asked                int
		current, best, freez int
	}{
		{"weekday schedule keeps the weekend", []int{0, 1, 2, 3, 4, 7, 8}, []int{0, 1, 2, 3, 4, 7, 8}, 8, 7, 7, 1},
		{"a missed posting day breaks it", []int{0, 1, 2}, []int{0, 2}, 2, 1, 1, 0},
		{"a freeze covers a missed day", []int{0, 1, 2, 3, 4, 5, 6, 7, 8}, []int{0, 1, 2, 3, 4, 5, 6, 8}, 8, 8, 8, 0},
		{"freezes are capped at two", seq(0, 28), seq(0, 28), 28, 29, 29, 2},
		{"a stale streak shows as broken", []int{0, 1, 2, 3}, []int{0, 1}, 4, 0, 2, 0},
		{"today's unanswered post does not break it yet", []int{0, 1, 2}, []int{0, 1}, 2, 2, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			day0 := time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo)
			c := newClock(day0)
			db := mustOpen(t, c)
			db.EnsureSpace(testSpace, "Asia/Tokyo")
			ans := map[int]bool{}
			for _, d := range tt.answered {
				ans[d] = true
			}
			for _, d := range tt.posted {
				c.Set(day0.AddDate(0, 0, d))
				p := post(t, db, c, c.Now(), "q", 1)
				if ans[d] {
					c.Add(time.Hour)
					if _, err := db.RecordAnswer(p.ID, "ann", "a"); err != nil {
						t.Fatal(err)
					}
				}
			}
			c.Set(day0.AddDate(0, 0, tt.asked).Add(2 * time.Hour))
			s, err := db.GetStreak(testSpace, "ann")
			if err != nil {
				t.Fatal(err)
			}
			if s.Current != tt.current || s.Best != tt.best || s.Freezes != tt.freez {
				t.Errorf("streak = %+v, want current %d best %d freezes %d", s, tt.current, tt.best, tt.freez)
			}
		})
	}
}

func seq(a, b int) []int {
	var out []int
	for i := a; i <= b; i++ {
		out = append(out, i)
	}
	return out
}

// TestStreakDST checks that days are calendar days in the space's zone,
// whatever DST does: posts at 00:30 local across the spring-forward and
// fall-back weekends keep a daily streak.
func TestStreakDST(t *testing.T) {
	ny := mustLoc("America/New_York")
	space := SpaceRef{Platform: Console, ID: "ny"}
	c := newClock(time.Date(2026, 3, 6, 0, 30, 0, 0, ny))
	db := mustOpen(t, c)
	db.EnsureSpace(space, "America/New_York")
	for i := 0; i < 5; i++ {
		c.Set(time.Date(2026, 3, 6+i, 0, 30, 0, 0, ny))
		ensureChannel(t, db, space, "g")
		p, err := db.CreatePost(Post{Space: space, Channel: "g", Slot: c.Now(), Question: snapshot("q", 1), ClosesAt: c.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		c.Add(10 * time.Minute)
		if _, err := db.RecordAnswer(p.ID, "ann", "a"); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := db.GetStreak(space, "ann")
	if s.Current != 5 {
		t.Errorf("streak across DST = %+v, want 5", s)
	}
	if a, b := dayNumber(time.Date(2026, 3, 8, 23, 59, 0, 0, ny), ny), dayNumber(time.Date(2026, 3, 9, 0, 1, 0, 0, ny), ny); b != a+1 {
		t.Errorf("day numbers around midnight: %d %d", a, b)
	}
	if a, b := dayNumber(time.Date(2026, 11, 1, 0, 30, 0, 0, ny), ny), dayNumber(time.Date(2026, 11, 1, 23, 30, 0, 0, ny), ny); a != b {
		t.Errorf("fall-back day split in two: %d %d", a, b)
	}
}

func TestReportsAndChannels(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	if n, _ := db.ReportQuestion(testSpace, Report{QuestionID: "q1", User: "ann", Reason: "wrong"}); n != 1 {
		t.Errorf("first report count %d", n)
	}
	if n, _ := db.ReportQuestion(testSpace, Report{QuestionID: "q1", User: "ann", Reason: "still wrong"}); n != 1 {
		t.Errorf("same user twice counted %d", n)
	}
	if n, _ := db.ReportQuestion(testSpace, Report{QuestionID: "q1", User: "ben", Reason: "unclear"}); n != 2 {
		t.Errorf("second reporter count %d", n)
	}
	by, order, _ := db.Reports(testSpace)
	if len(order) != 1 || len(by["q1"]) != 2 {
		t.Errorf("reports: %v %v", by, order)
	}
	if n, _ := db.ClearReports(testSpace, "q1"); n != 2 {
		t.Errorf("cleared %d", n)
	}
	ch := Channel{Space: testSpace, ID: "general", Cron: "0 9 * * 1-5", TZ: "Asia/Tokyo", Lang: "ja", Domains: []int{1, 3}, CloseAfter: 8 * time.Hour}
	if err := db.PutChannel(ch); err != nil {
		t.Fatal(err)
	}
	if err := db.PutChannel(Channel{Space: SpaceRef{Console, "nope"}, ID: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("channel of unknown space: %v", err)
	}
	slot := time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo)
	db.SetLastFired(testSpace, "general", slot)
	db.SetLastFired(testSpace, "general", slot.Add(-time.Hour)) // never backwards
	got, err := db.GetChannel(testSpace, "general")
	if err != nil || !got.LastFired.Equal(slot) || got.Cron != ch.Cron || len(got.Domains) != 2 || got.Created.IsZero() {
		t.Errorf("channel: %+v %v", got, err)
	}
	all, _ := db.Channels()
	if len(all) != 1 {
		t.Errorf("channels: %d", len(all))
	}
}

func TestBackupExportCheck(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	p := post(t, db, c, c.Now(), "q1", 1)
	db.RecordAnswer(p.ID, "ann", "a")
	db.RecordAnswer(p.ID, "ben", "b")
	db.RecordPractice(Practice{Space: testSpace, UserID: "ann", QuestionID: "q9", Domain: 4, Correct: true})
	db.UpdateCard(testSpace, "ann", "item9", func(c *Card, _ bool) error { c.Reps, c.Domain = 1, 4; return nil })

	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := db.BackupFile(dst); err != nil {
		t.Fatal(err)
	}
	if err := db.BackupFile(dst); err == nil {
		t.Error("backup overwrote an existing file")
	}
	b, err := Open(dst, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := b.GetAnswer(p.ID, "ben"); err != nil || a.OptionID != "b" {
		t.Errorf("backup lacks answer: %v", err)
	}
	if r, err := b.Check(); err != nil || r.Answers != 2 || r.Practice != 1 {
		t.Errorf("backup check: %+v %v", r, err)
	}
	b.Close()

	var buf bytes.Buffer
	if err := db.Export(&buf); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec struct {
			Kind string          `json:"kind"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		kinds[rec.Kind]++
	}
	if kinds["space"] != 1 || kinds["post"] != 1 || kinds["answer"] != 2 || kinds["practice"] != 1 || kinds["streak"] != 2 || kinds["card"] != 1 {
		t.Errorf("export kinds: %v", kinds)
	}

	// Check notices a counter that disagrees with the answers.
	db.bolt.Update(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bCounters).Cursor().First()
		cnt := decodeCounter(v)
		cnt.correct += 5
		return tx.Bucket(bCounters).Put(append([]byte{}, k...), cnt.encode())
	})
	if r, err := db.Check(); !errors.Is(err, ErrCorrupt) || len(r.Problems) == 0 {
		t.Errorf("check missed a bad counter: %+v %v", r, err)
	}
	// put it back so the cleanup check passes
	db.bolt.Update(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bCounters).Cursor().First()
		cnt := decodeCounter(v)
		cnt.correct -= 5
		return tx.Bucket(bCounters).Put(append([]byte{}, k...), cnt.encode())
	})
}

func TestConcurrentAnswers(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	p := post(t, db, c, c.Now(), "q1", 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	counted, dups := 0, 0
	for i := 0; i < 200; i++ {
		for try := 0; try < 2; try++ { // every user clicks twice
			wg.Add(1)
			go func() {
				defer wg.Done()
				user := "u" + string(rune('A'+i%26)) + string(rune('a'+i/26))
				r, err := db.RecordAnswer(p.ID, user, []string{"a", "b", "c", "d"}[i%4])
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && r.Counted:
					counted++
				case errors.Is(err, ErrAlreadyAnswered):
					dups++
				default:
					t.Errorf("answer: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	res, _ := db.PostResults(p.ID, 3)
	if counted != 200 || dups != 200 || res.Total != 200 || res.Correct != 50 {
		t.Fatalf("counted %d, duplicates %d, results %+v", counted, dups, res)
	}
}

func TestClosedStore(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "c.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := db.EnsureSpace(testSpace, ""); !errors.Is(err, ErrStoreClosed) {
		t.Errorf("after close: %v", err)
	}
	if err := db.Ping(); !errors.Is(err, ErrStoreClosed) {
		t.Errorf("ping after close: %v", err)
	}
}

func TestPostNumbersCountPerChannel(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	for i, want := range []int{1, 2, 3} {
		c.Add(time.Hour)
		p := post(t, db, c, c.Now(), "q", 1)
		if p.Number != want {
			t.Errorf("post %d numbered %d", i, p.Number)
		}
	}
	ensureChannel(t, db, testSpace, "random")
	other, err := db.CreatePost(Post{Space: testSpace, Channel: "random", Slot: c.Now(), Question: snapshot("q", 1), ClosesAt: c.Now().Add(time.Hour)})
	if err != nil || other.Number != 1 {
		t.Errorf("another channel starts at 1: %d %v", other.Number, err)
	}
	if got, _ := db.GetPost(other.ID); got.Number != 1 {
		t.Errorf("number not stored: %d", got.Number)
	}
}

// TestChannelWritesKeepLastFired: neither PutChannel with a stale record
// nor UpdateChannel moves LastFired (the scheduler's) or loses a change
// made meanwhile.
func TestChannelWritesKeepLastFired(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 8, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	if err := db.PutChannel(Channel{Space: testSpace, ID: "general", Cron: "0 9 * * *", TZ: "Asia/Tokyo", Lang: "ja"}); err != nil {
		t.Fatal(err)
	}
	stale, _ := db.GetChannel(testSpace, "general")
	nine := time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo)
	if err := db.SetLastFired(testSpace, "general", nine); err != nil {
		t.Fatal(err)
	}
	stale.Lang = "en"
	if err := db.PutChannel(stale); err != nil {
		t.Fatal(err)
	}
	got, _ := db.GetChannel(testSpace, "general")
	if !got.LastFired.Equal(nine) || got.Lang != "en" {
		t.Errorf("after a stale PutChannel: last fired %v lang %q", got.LastFired, got.Lang)
	}
	upd, err := db.UpdateChannel(testSpace, "general", func(ch *Channel) error {
		ch.Paused = true
		ch.LastFired = time.Time{} // ignored
		ch.ID = "elsewhere"        // ignored
		return nil
	})
	if err != nil || !upd.Paused || !upd.LastFired.Equal(nine) || upd.ID != "general" || upd.Lang != "en" {
		t.Errorf("update: %+v %v", upd, err)
	}
	boom := errors.New("boom")
	if _, err := db.UpdateChannel(testSpace, "general", func(ch *Channel) error { ch.Paused = false; return boom }); !errors.Is(err, boom) {
		t.Errorf("fn error: %v", err)
	}
	if got, _ := db.GetChannel(testSpace, "general"); !got.Paused {
		t.Error("a failed update was written")
	}
	if _, err := db.UpdateChannel(testSpace, "nope", func(*Channel) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing channel: %v", err)
	}
}

// TestSendFailuresAndChannelError: failed card tries are counted on the
// post with the next try's time, and a channel's last error survives a
// stale PutChannel like LastFired does.
func TestSendFailuresAndChannelError(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	if _, err := db.EnsureSpace(testSpace, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	p := post(t, db, c, c.Now(), "q1", 3)
	for i, wait := range []time.Duration{time.Minute, 2 * time.Minute} {
		got, err := db.RecordSendFailure(p.ID, c.Now().Add(wait))
		if err != nil || got.SendFailures != i+1 || !got.NextSend.Equal(c.Now().Add(wait)) {
			t.Fatalf("failure %d: %+v %v", i+1, got, err)
		}
	}
	if got, _ := db.GetPost(p.ID); got.SendFailures != 2 {
		t.Errorf("stored failures %d, want 2", got.SendFailures)
	}
	if _, err := db.RecordSendFailure("nope", c.Now()); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing post: %v", err)
	}

	if err := db.PutChannel(Channel{Space: testSpace, ID: "general", Cron: "0 9 * * *", TZ: "Asia/Tokyo", Lang: "ja"}); err != nil {
		t.Fatal(err)
	}
	stale, _ := db.GetChannel(testSpace, "general")
	if _, err := db.UpdateChannel(testSpace, "general", func(ch *Channel) error {
		ch.LastError, ch.LastErrorAt = "not_in_channel", c.Now()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	stale.Lang = "en"
	if err := db.PutChannel(stale); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetChannel(testSpace, "general"); got.LastError != "not_in_channel" || !got.LastErrorAt.Equal(c.Now()) || got.Lang != "en" {
		t.Errorf("after a stale PutChannel: %+v", got)
	}
}
