package store

import (
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestPropertyItemStatsOracle builds random stores (two spaces, questions
// posted several times, single- and multi-answer posts, sets and partial
// sets chosen, some posts closed so their answers are archived, reports
// at several times) and checks that ItemStats returns exactly what the
// former implementation (itemStatsOracle) returns, floats to the bit, for
// every space, each space and several Since times. Some posts' summaries
// lack the question and opening, as those written before they kept them
// (ItemStats then reads the post; closing fills them).
func TestPropertyItemStatsOracle(t *testing.T) {
	for seed := int64(1); seed <= 30; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runItemStatsProperty(t, seed) })
	}
}

func runItemStatsProperty(t *testing.T, seed int64) {
	r := rand.New(rand.NewSource(seed))
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, tokyo)
	c := newClock(t0)
	db := mustOpen(t, c)
	other := SpaceRef{Platform: Console, ID: "other"}
	spaces := []SpaceRef{testSpace, other}
	for _, sp := range spaces {
		if _, err := db.EnsureSpace(sp, "Asia/Tokyo"); err != nil {
			t.Fatal(err)
		}
		ensureChannel(t, db, sp, "general")
	}
	nq := 3 + r.Intn(8)
	multi := map[string]bool{}
	for i := range nq {
		multi[fmt.Sprintf("q%d", i)] = r.Intn(3) == 0
	}
	users := []string{"ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal", "ivy", "jon"}[:2+r.Intn(9)]
	var sinces []time.Time
	posts := 5 + r.Intn(40)
	for i := range posts {
		sp := spaces[r.Intn(2)]
		qid := fmt.Sprintf("q%d", r.Intn(nq))
		snap := snapshot(qid, 1+r.Intn(6))
		ids := []string{"a", "b", "c", "d"}
		if multi[qid] {
			snap.Options = append(snap.Options, SnapOption{ID: "e", Text: "option e"})
			ids = append(ids, "e")
			snap.AnswerID = []string{"a+c", "b+d+e", "a+b"}[r.Intn(3)]
		}
		opened := t0.Add(time.Duration(i) * time.Hour)
		c.Set(opened)
		p, err := db.CreatePost(Post{Space: sp, Channel: "general", Slot: opened, Question: snap, OpenedAt: opened, ClosesAt: opened.Add(2 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Intn(4) == 0 {
			sinces = append(sinces, opened)
		}
		if r.Intn(3) == 0 {
			forgetSummaryItem(t, db, p.ID) // as written before it kept them
		}
		for _, u := range users {
			if r.Intn(4) == 0 {
				continue
			}
			choice := ids[r.Intn(len(ids))]
			switch {
			case multi[qid] && r.Intn(2) == 0:
				choice = snap.AnswerID
			case multi[qid]:
				var set []string
				for _, id := range ids {
					if r.Intn(2) == 0 {
						set = append(set, id)
					}
				}
				if len(set) > 0 {
					sort.Strings(set)
					choice = strings.Join(set, SetSeparator)
				}
			case r.Intn(2) == 0:
				choice = "a"
			}
			c.Set(opened.Add(time.Duration(r.Intn(60)) * time.Minute))
			if _, err := db.RecordAnswer(p.ID, u, choice); err != nil {
				t.Fatal(err)
			}
		}
		if r.Intn(2) == 0 {
			if _, _, err := db.ClosePost(p.ID); err != nil {
				t.Fatal(err)
			}
		}
		if r.Intn(5) == 0 {
			if _, err := db.ReportQuestion(sp, Report{QuestionID: fmt.Sprintf("q%d", r.Intn(nq+2)), User: users[r.Intn(len(users))], Reason: "wrong"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	queries := []ItemQuery{{}, {Space: testSpace}, {Space: other}, {Space: SpaceRef{Platform: Console, ID: "nobody"}}}
	for _, s := range sinces {
		queries = append(queries, ItemQuery{Since: s}, ItemQuery{Space: testSpace, Since: s})
	}
	for _, q := range queries {
		want, err := db.itemStatsOracle(q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ItemStats(q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("query %+v:\n got %+v\nwant %+v", q, got, want)
		}
	}
}

// forgetSummaryItem removes the question ID and opening from a post's
// summary, as summaries written before they were kept.
func forgetSummaryItem(tb testing.TB, db *DB, id string) {
	tb.Helper()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		m, err := getPostMeta(tx, id)
		if err != nil {
			return err
		}
		m.Question, m.OpenedAt = "", time.Time{}
		return putJSON(tx.Bucket(bPostMeta), []byte(id), m)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// TestCheckFindsPostSummaryItem: a summary whose question, opening or
// answer disagrees with its post is a problem; one without them is not.
func TestCheckFindsPostSummaryItem(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	p := post(t, db, c, c.Now(), "q1", 2)
	for _, tc := range []struct {
		name    string
		change  func(m *postMeta)
		problem bool
	}{
		{"as written", func(m *postMeta) {}, false},
		{"another question", func(m *postMeta) { m.Question = "q2" }, true},
		{"another opening", func(m *postMeta) { m.OpenedAt = m.OpenedAt.Add(time.Second) }, true},
		{"another answer", func(m *postMeta) { m.Answer = "b" }, true},
		{"written before they were kept", func(m *postMeta) { m.Question, m.OpenedAt = "", time.Time{} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var saved []byte
			db.bolt.Update(func(tx *bolt.Tx) error {
				saved = append([]byte(nil), tx.Bucket(bPostMeta).Get([]byte(p.ID))...)
				m, _ := getPostMeta(tx, p.ID)
				tc.change(&m)
				return putJSON(tx.Bucket(bPostMeta), []byte(p.ID), m)
			})
			defer db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bPostMeta).Put([]byte(p.ID), saved) })
			r, err := db.Check()
			found := strings.Contains(strings.Join(r.Problems, "\n"), "its summary says question")
			if found != tc.problem || tc.problem != errors.Is(err, ErrCorrupt) {
				t.Errorf("problem %v (want %v): %+v %v", found, tc.problem, r.Problems, err)
			}
		})
	}
}

// TestClosePostFillsSummaryItem: closing a post whose summary was written
// before it kept the question and opening fills them in.
func TestClosePostFillsSummaryItem(t *testing.T) {
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	db.EnsureSpace(testSpace, "")
	p := post(t, db, c, c.Now(), "q1", 2)
	forgetSummaryItem(t, db, p.ID)
	if _, _, err := db.ClosePost(p.ID); err != nil {
		t.Fatal(err)
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		m, err := getPostMeta(tx, p.ID)
		if err != nil || m.Question != "q1" || !m.OpenedAt.Equal(p.OpenedAt) {
			t.Errorf("summary after closing: %+v %v", m, err)
		}
		return nil
	})
}
