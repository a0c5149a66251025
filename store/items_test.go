package store

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// itemsFixture stores two spaces of hand-made answers (every option set is
// a–d with answer a):
//
//	team (testSpace)     q1  q2  q3        other   qx  qy  qneg
//	  u1                 a   a   a           v1    a   a   b
//	  u2                 a   b   a           v2    a   b   b
//	  u3                 b   a   c           v3    b   a   a
//	  u4                 c   b   b           v4    c   b   a
//	  u5                 d   -   -
//
// and reports of q2 by ann and bob in team, made an hour later.
func itemsFixture(t *testing.T) (*DB, *clock) {
	t.Helper()
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	other := SpaceRef{Platform: Console, ID: "other"}
	for _, sp := range []SpaceRef{testSpace, other} {
		if _, err := db.EnsureSpace(sp, "Asia/Tokyo"); err != nil {
			t.Fatal(err)
		}
	}
	grid := []struct {
		space SpaceRef
		qid   string
		picks map[string]string
	}{
		{testSpace, "q1", map[string]string{"u1": "a", "u2": "a", "u3": "b", "u4": "c", "u5": "d"}},
		{testSpace, "q2", map[string]string{"u1": "a", "u2": "b", "u3": "a", "u4": "b"}},
		{testSpace, "q3", map[string]string{"u1": "a", "u2": "a", "u3": "c", "u4": "b"}},
		{other, "qx", map[string]string{"v1": "a", "v2": "a", "v3": "b", "v4": "c"}},
		{other, "qy", map[string]string{"v1": "a", "v2": "b", "v3": "a", "v4": "b"}},
		{other, "qneg", map[string]string{"v1": "b", "v2": "b", "v3": "a", "v4": "a"}},
	}
	for i, g := range grid {
		ensureChannel(t, db, g.space, "general")
		p, err := db.CreatePost(Post{Space: g.space, Channel: "general", Slot: c.Now().Add(time.Duration(i) * time.Minute),
			Question: snapshot(g.qid, 1), OpenedAt: c.Now(), ClosesAt: c.Now().Add(8 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		for u, o := range g.picks {
			if _, err := db.RecordAnswer(p.ID, u, o); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.Add(time.Hour)
	for _, u := range []string{"ann", "bob"} {
		if _, err := db.ReportQuestion(testSpace, Report{QuestionID: "q2", User: u, Reason: "wrong"}); err != nil {
			t.Fatal(err)
		}
	}
	return db, c
}

// TestItemStats checks every figure against values worked out by hand.
//
// q1: 5 answers, 2 right (0.4). u5 has no other answer, so 4 answerers
// count for discrimination, with accuracies on their other answers
// u1 2/2=1, u2 1/2, u3 1/2, u4 0/2. Right (x) = 1,1,0,0; y = 1,.5,.5,0:
// means .5 and .5, Σdxdy = .25+0+0+.25 = .5, Σdx² = 1, Σdy² = .5,
// r = .5/√.5 = 0.7071. The strongest third (4/3 = 1 person) is u1, who chose a.
// q2: x = 1,0,1,0; y = u1 1, u2 1, u3 0, u4 0; Σdxdy = .25-.25-.25+.25 = 0, r = 0.
// Top third: u1 and u2 tie at 1, u1 first by ID: a.
// q3: x = 1,1,0,0; y = u1 1, u2 .5 (q1 right, q2 wrong), u3 .5, u4 0: r = 0.7071.
// In other, v1 has 2 of 3 right, v2 1, v3 2, v4 1.
// qneg: x = 0,0,1,1; y = v1 2/2=1, v2 1/2, v3 1/2, v4 0/2: Σdxdy = -.5,
// r = -0.7071; its strongest answerer v1 chose b.
// qx: x = 1,1,0,0; y = v1 .5, v2 0, v3 1, v4 .5: Σdxdy = 0-.25-.25+0 = -.5,
// Σdy² = .5, r = -0.7071; its strongest answerer v3 chose b.
// qy: every y is .5, so it has no discrimination.
func TestItemStats(t *testing.T) {
	db, c := itemsFixture(t)
	h := math.Sqrt(0.5)
	team := map[string]ItemStat{
		"q1": {QuestionID: "q1", AnswerID: "a", Posted: 1, Answered: 5, Correct: 2, Difficulty: 0.4, Discrimination: h, DiscriminationOK: true, DiscriminationN: 4,
			Choices: map[string]int{"a": 2, "b": 1, "c": 1, "d": 1}, TopThird: map[string]int{"a": 1}, TopThirdN: 1},
		"q2": {QuestionID: "q2", AnswerID: "a", Posted: 1, Answered: 4, Correct: 2, Difficulty: 0.5, Discrimination: 0, DiscriminationOK: true, DiscriminationN: 4,
			Choices: map[string]int{"a": 2, "b": 2}, TopThird: map[string]int{"a": 1}, TopThirdN: 1, Reporters: 2},
		"q3": {QuestionID: "q3", AnswerID: "a", Posted: 1, Answered: 4, Correct: 2, Difficulty: 0.5, Discrimination: h, DiscriminationOK: true, DiscriminationN: 4,
			Choices: map[string]int{"a": 2, "b": 1, "c": 1}, TopThird: map[string]int{"a": 1}, TopThirdN: 1},
	}
	other := map[string]ItemStat{
		"qx": {QuestionID: "qx", AnswerID: "a", Posted: 1, Answered: 4, Correct: 2, Difficulty: 0.5, Discrimination: -h, DiscriminationOK: true, DiscriminationN: 4,
			Choices: map[string]int{"a": 2, "b": 1, "c": 1}, TopThird: map[string]int{"b": 1}, TopThirdN: 1},
		"qy": {QuestionID: "qy", AnswerID: "a", Posted: 1, Answered: 4, Correct: 2, Difficulty: 0.5, DiscriminationN: 4,
			Choices: map[string]int{"a": 2, "b": 2}, TopThird: map[string]int{"a": 1}, TopThirdN: 1},
		"qneg": {QuestionID: "qneg", AnswerID: "a", Posted: 1, Answered: 4, Correct: 2, Difficulty: 0.5, Discrimination: -h, DiscriminationOK: true, DiscriminationN: 4,
			Choices: map[string]int{"a": 2, "b": 2}, TopThird: map[string]int{"b": 1}, TopThirdN: 1},
	}
	both := map[string]ItemStat{}
	for _, m := range []map[string]ItemStat{team, other} {
		for k, v := range m {
			both[k] = v
		}
	}
	onlyReports := map[string]ItemStat{"q2": {QuestionID: "q2", Choices: map[string]int{}, TopThird: map[string]int{}, Reporters: 2}}
	for _, tc := range []struct {
		name string
		q    ItemQuery
		want map[string]ItemStat
	}{
		{"one space", ItemQuery{Space: testSpace}, team},
		{"the other space", ItemQuery{Space: SpaceRef{Platform: Console, ID: "other"}}, other},
		{"every space", ItemQuery{}, both},
		{"since leaves older posts out", ItemQuery{Since: c.Now()}, onlyReports},
		{"since leaves older reports out", ItemQuery{Since: c.Now().Add(time.Minute)}, map[string]ItemStat{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.ItemStats(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d questions, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, g := range got {
				if i > 0 && got[i-1].QuestionID >= g.QuestionID {
					t.Errorf("not in question ID order: %s before %s", got[i-1].QuestionID, g.QuestionID)
				}
				w := tc.want[g.QuestionID]
				if math.Abs(g.Discrimination-w.Discrimination) > 1e-9 {
					t.Errorf("%s: discrimination %v, want %v", g.QuestionID, g.Discrimination, w.Discrimination)
				}
				g.Discrimination = w.Discrimination
				if w.Options == nil { // single-answer questions: per option is per choice
					w.Options = w.Choices
				}
				if w.Posted > 0 && w.Choose == 0 {
					w.Choose = 1
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("%s:\n got %+v\nwant %+v", g.QuestionID, g, w)
				}
			}
		})
	}
}

// TestItemStatsUndefined: a question answered only by people with no other
// answer has no discrimination and no strongest third.
func TestItemStatsUndefined(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	p1 := post(t, db, c, c.Now(), "easy", 1)
	p2 := post(t, db, c, c.Now().Add(time.Minute), "lonely", 1)
	for _, u := range []string{"u1", "u2", "u3"} {
		if _, err := db.RecordAnswer(p1.ID, u, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.RecordAnswer(p2.ID, "u9", "b"); err != nil {
		t.Fatal(err)
	}
	got, err := db.ItemStats(ItemQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].QuestionID != "easy" || got[1].QuestionID != "lonely" {
		t.Fatalf("got %+v", got)
	}
	if got[0].DiscriminationOK || got[0].Difficulty != 1 || got[0].DiscriminationN != 0 {
		t.Errorf("easy: %+v", got[0])
	}
	if got[1].DiscriminationOK || got[1].DiscriminationN != 0 || got[1].TopThirdN != 0 || got[1].Choices["b"] != 1 {
		t.Errorf("lonely: %+v", got[1])
	}
}

// TestItemStatsOncePerPerson: someone who met a question in two posts
// counts once for discrimination, with their share right. u1 gets rep
// right once and wrong once (x .5) and o right (y 1); u2 gets rep right
// (x 1) and o wrong (y 0): dx = -.25, .25, dy = .5, -.5, r = -.25/√(.125×.5) = -1.
func TestItemStatsOncePerPerson(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	r1 := post(t, db, c, c.Now(), "rep", 1)
	r2 := post(t, db, c, c.Now().Add(time.Minute), "rep", 1)
	o := post(t, db, c, c.Now().Add(2*time.Minute), "o", 1)
	for _, a := range [][3]string{{r1.ID, "u1", "a"}, {r2.ID, "u1", "b"}, {o.ID, "u1", "a"}, {r1.ID, "u2", "a"}, {o.ID, "u2", "c"}} {
		if _, err := db.RecordAnswer(a[0], a[1], a[2]); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.ItemStats(ItemQuery{Space: testSpace})
	if err != nil || len(got) != 2 {
		t.Fatalf("%v %+v", err, got)
	}
	rep := got[1]
	if rep.QuestionID != "rep" || rep.Posted != 2 || rep.Answered != 3 || rep.Correct != 2 || rep.DiscriminationN != 2 ||
		!rep.DiscriminationOK || math.Abs(rep.Discrimination+1) > 1e-9 {
		t.Errorf("rep: %+v", rep)
	}
}

// BenchmarkItemStats computes the figures of 100 questions from 100,000
// daily answers (1,000 users each answering 100 posts, one per question).
func BenchmarkItemStats(b *testing.B) {
	path := filepath.Join(b.TempDir(), fmt.Sprintf("studybot-items-%d.db", os.Getpid()))
	db := loadUsers(b, path, 1000, 100)
	defer db.Close()
	for b.Loop() {
		got, err := db.ItemStats(ItemQuery{})
		if err != nil || len(got) != 100 || got[0].Answered != 1000 {
			b.Fatalf("%v %d", err, len(got))
		}
	}
}

// BenchmarkItemStatsBank reads the figures at the Bank page's size (issue
// 23): 1,000 questions posted once each, 100 users answering every one
// (100,000 answers), with the answers still open ("open") or every post
// closed and its answers in the archive ("archived").
func BenchmarkItemStatsBank(b *testing.B) {
	db := loadUsers(b, filepath.Join(b.TempDir(), "items.db"), 100, 1000)
	defer db.Close()
	run := func(b *testing.B) {
		for b.Loop() {
			got, err := db.ItemStats(ItemQuery{Space: testSpace})
			if err != nil || len(got) != 1000 || got[0].Answered != 100 {
				b.Fatalf("%v %d", err, len(got))
			}
		}
	}
	b.Run("open", run)
	open, err := db.OpenPosts()
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range open {
		if _, _, err := db.ClosePost(p.ID); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("archived", run)
}
