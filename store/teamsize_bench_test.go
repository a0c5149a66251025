package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// teamSim describes the simulated team of the size benchmark: one Slack
// workspace, one channel with a question every weekday at 09:00 (Tokyo),
// open 8 hours, and users who answer some days and practise now and then.
type teamSim struct {
	Users int // team members
	Weeks int // weeks simulated (5 posts each)
	Seed  uint64
	Log   bool // log each bucket's size and fill at the end
}

// teamResult is what a simulation stored and how big the file is.
type teamResult struct {
	Posts, Answers, Practice int
	FileBytes                int64         // the database file as it is on disk
	CompactBytes             int64         // the same data after bbolt.Compact
	CompactTime              time.Duration // how long bbolt.Compact took
}

// perAnswer is the file size per stored answer (daily and practice).
func (r teamResult) perAnswer(n int64) float64 { return float64(n) / float64(r.Answers+r.Practice) }

// simEvent is one thing that happens at a moment of the simulation.
type simEvent struct {
	at     time.Time
	kind   byte // 'p' post, 'a' answer, 'q' practice, 'c' close
	user   int
	option int
	qi     int
}

// slackID makes a Slack-like ID: prefix and ten upper-case letters or digits.
func slackID(r *rand.Rand, prefix string) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var b strings.Builder
	b.WriteString(prefix)
	for range 10 {
		b.WriteByte(alnum[r.IntN(len(alnum))])
	}
	return b.String()
}

// simSnapshot is a question of realistic size: a Japanese stem, four
// options with reasons, an explanation and a source passage.
func simSnapshot(r *rand.Rand, i int) Snapshot {
	id := fmt.Sprintf("%010x", r.Uint64()&0xffffffffff)
	s := Snapshot{QuestionID: id, Domain: 1 + i%6, Item: fmt.Sprintf("%010x", r.Uint64()&0xffffffffff),
		DomainTitle: "SDLC のオートメーション", Type: "definition_term",
		Stem:        "次の説明に当てはまるものはどれですか？\n「ソースコードのレビューとアプリケーションパフォーマンスに関する推奨を行ってくれる機械学習ベースのサービスです。」",
		Explanation: "正解: CodeGuru\n> Amazon CodeGuru: ソースコードのレビューとアプリケーションパフォーマンスに関する推奨を行ってくれる機械学習ベースのサービスです。\n（第 1 分野 › 試験メモ、73 行目）",
		MemoHash:    fmt.Sprintf("%016x", r.Uint64()), Source: "Amazon CodeGuru: ソースコードのレビューとアプリケーションパフォーマンスに関する推奨を行ってくれる機械学習ベースのサービスです。"}
	for j, text := range []string{"CodeBuild", "CodeArtifact", "CodeGuru", "CodeDeploy"} {
		s.Options = append(s.Options, SnapOption{ID: fmt.Sprintf("%06x", r.Uint32()&0xffffff), Text: text,
			Why: "AWS " + text + ": — フルマネージドなサービスでソースコードのコンパイル、テスト実行を実行。"})
		if j == i%4 {
			s.AnswerID = s.Options[j].ID
		}
	}
	return s
}

// simulateTeam runs the team through the store's public operations in the
// order the bot makes them — each a commit of its own, as answers arrive
// one by one over the day: the scheduled post and its message reference,
// every answer followed by the user's card update, practice answers with
// their card updates, and the close. It writes the database at path and
// reports its size as written and compacted.
func simulateTeam(tb testing.TB, path string, sim teamSim) teamResult {
	tb.Helper()
	r := rand.New(rand.NewPCG(sim.Seed, 13))
	start := time.Date(2027, 1, 4, 0, 0, 0, 0, tokyo) // a Monday
	c := newClock(start)
	db, err := Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		tb.Fatal(err)
	}
	space := SpaceRef{Platform: Slack, ID: slackID(r, "T")}
	channel := slackID(r, "C")
	if _, err := db.EnsureSpace(space, "Asia/Tokyo"); err != nil {
		tb.Fatal(err)
	}
	if err := db.PutChannel(Channel{Space: space, ID: channel, Cron: "0 9 * * 1-5", TZ: "Asia/Tokyo", Lang: "ja", CloseAfter: 8 * time.Hour}); err != nil {
		tb.Fatal(err)
	}
	users := make([]string, sim.Users)
	turnout := make([]float64, sim.Users) // share of days a user answers
	skill := make([]float64, sim.Users)   // share of answers right
	for u := range users {
		users[u] = slackID(r, "U")
		turnout[u] = 0.35 + 0.55*r.Float64()
		skill[u] = 0.4 + 0.5*r.Float64()
	}
	bank := make([]Snapshot, 52)
	for i := range bank {
		bank[i] = simSnapshot(r, i)
	}
	var res teamResult
	card := func(u int, q Snapshot, right bool, at time.Time) {
		_, err := db.UpdateCard(space, users[u], q.Item, func(cd *Card, found bool) error {
			cd.Reps++
			if right {
				cd.Right++
				cd.Stability = cd.Stability*2.5 + 1.3
			} else {
				cd.Wrong++
				cd.Lapses++
				cd.Stability = cd.Stability*0.4 + 0.2
			}
			cd.Difficulty = 5.1 + float64(cd.Wrong)/float64(cd.Reps)
			cd.ScheduledDays = uint64(cd.Stability)
			cd.ElapsedDays = 1
			cd.State = 2
			cd.Due = at.Add(time.Duration(cd.Stability*24) * time.Hour)
			if !found {
				cd.First = at
			}
			cd.LastReview, cd.Domain, cd.LastQuestion = at, q.Domain, q.QuestionID
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	var p Post
	var q Snapshot
	for day := 0; day < sim.Weeks*7; day++ {
		d := start.AddDate(0, 0, day)
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		slot := d.Add(9 * time.Hour)
		qi := (day * 7) % len(bank)
		evs := []simEvent{{at: slot, kind: 'p', qi: qi}, {at: slot.Add(8 * time.Hour), kind: 'c'}}
		for u := range users {
			if r.Float64() < turnout[u] {
				// most answer soon after the post, a tail later in the day
				delay := time.Duration(r.ExpFloat64() * float64(50*time.Minute))
				delay = min(delay, 8*time.Hour-time.Second)
				opt := r.IntN(4)
				if r.Float64() < skill[u] {
					opt = -1 // the answer
				}
				evs = append(evs, simEvent{at: slot.Add(delay).Add(time.Duration(r.IntN(1000)) * time.Millisecond), kind: 'a', user: u, option: opt})
			}
			if r.Float64() < 0.05 {
				for range 1 + r.IntN(3) {
					evs = append(evs, simEvent{at: d.Add(12*time.Hour + time.Duration(r.IntN(10*3600))*time.Second), kind: 'q', user: u,
						qi: r.IntN(len(bank)), option: map[bool]int{true: -1, false: 1}[r.Float64() < skill[u]]})
				}
			}
		}
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].at.Before(evs[j].at) })
		for _, e := range evs {
			c.Set(e.at)
			switch e.kind {
			case 'p':
				q = bank[e.qi]
				p, err = db.CreateScheduledPost(Post{Space: space, Channel: channel, Slot: slot, Question: q, OpenedAt: slot, ClosesAt: slot.Add(8 * time.Hour)})
				if err != nil {
					tb.Fatal(err)
				}
				if err := db.SetPostMessage(p.ID, strconv.FormatInt(e.at.UnixMicro(), 10)[:10]+"."+strconv.FormatInt(e.at.UnixMicro(), 10)[10:]); err != nil {
					tb.Fatal(err)
				}
				res.Posts++
			case 'a':
				opt := q.AnswerID
				if e.option >= 0 {
					opt = q.Options[e.option].ID
				}
				rec, err := db.RecordAnswer(p.ID, users[e.user], opt)
				if err != nil {
					tb.Fatal(err)
				}
				card(e.user, q, rec.Answer.Correct, e.at)
				res.Answers++
			case 'q':
				pq := bank[e.qi]
				if err := db.RecordPractice(Practice{Space: space, UserID: users[e.user], QuestionID: pq.QuestionID, Domain: pq.Domain, Correct: e.option < 0, At: e.at}); err != nil {
					tb.Fatal(err)
				}
				card(e.user, pq, e.option < 0, e.at)
				res.Practice++
			case 'c':
				if _, _, err := db.ClosePost(p.ID); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	if sim.Log {
		logBuckets(tb, db)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	res.FileBytes = fi.Size()
	t0 := time.Now()
	res.CompactBytes = compactedSize(tb, path)
	res.CompactTime = time.Since(t0)
	return res
}

// compactedSize compacts the database at path into a temporary file with
// bbolt.Compact and returns that file's size.
func compactedSize(tb testing.TB, path string) int64 {
	tb.Helper()
	src, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dstPath := path + ".compact"
	defer os.Remove(dstPath)
	dst, err := bolt.Open(dstPath, 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	if err := bolt.Compact(dst, src, 64<<20); err != nil {
		tb.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		tb.Fatal(err)
	}
	fi, err := os.Stat(dstPath)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size()
}

// logBuckets logs each bucket's keys, bytes in use and bytes allocated.
func logBuckets(tb testing.TB, db *DB) {
	tb.Helper()
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		tb.Logf("%-10s %9s %12s %12s %6s", "bucket", "keys", "in use", "allocated", "fill")
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			s := b.Stats()
			use := s.LeafInuse + s.BranchInuse
			alloc := s.LeafAlloc + s.BranchAlloc
			fill := 0.0
			if alloc > 0 {
				fill = float64(use) / float64(alloc)
			}
			tb.Logf("%-10s %9d %12d %12d %5.0f%%", name, s.KeyN, use, alloc, 100*fill)
			return nil
		})
	})
}

// envInt reads a positive integer from the environment, else def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkTeamSize simulates two years (104 weeks) of a 1,000-person team
// and reports the database size per stored answer, as written and after
// compaction. STUDYBOT_TEAM_USERS and STUDYBOT_TEAM_WEEKS scale it down
// for a quick look. Run it with -benchtime 1x: one simulation takes
// minutes.
func BenchmarkTeamSize(b *testing.B) {
	sim := teamSim{Users: envInt("STUDYBOT_TEAM_USERS", 1000), Weeks: envInt("STUDYBOT_TEAM_WEEKS", 104), Seed: 1, Log: true}
	var res teamResult
	for i := 0; i < b.N; i++ {
		res = simulateTeam(b, filepath.Join(b.TempDir(), fmt.Sprintf("team%d.db", i)), sim)
	}
	b.ReportMetric(res.perAnswer(res.FileBytes), "B/answer")
	b.ReportMetric(res.perAnswer(res.CompactBytes), "compact-B/answer")
	b.ReportMetric(float64(res.FileBytes)/1e6, "MB")
	b.ReportMetric(float64(res.Answers+res.Practice), "answers")
	b.ReportMetric(res.CompactTime.Seconds(), "compact-s")
}

// TestTeamSimulation runs a small team through the size simulation: the
// helper works and leaves a consistent database.
func TestTeamSimulation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "team.db")
	res := simulateTeam(t, path, teamSim{Users: 30, Weeks: 3, Seed: 2})
	if res.Posts != 15 || res.Answers < 15*30/4 || res.FileBytes == 0 || res.CompactBytes == 0 {
		t.Fatalf("simulation: %+v", res)
	}
	db, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.Check()
	if err != nil || r.Answers != res.Answers || r.Practice != res.Practice {
		t.Fatalf("check: %+v %v (simulated %+v)", r, err, res)
	}
}
