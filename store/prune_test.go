package store

import (
	"fmt"
	"sort"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// periodsStored lists the distinct periods with board data of any kind
// (counters, ranks, points, player counts) in the test space.
func periodsStored(t *testing.T, db *DB) []string {
	t.Helper()
	seen := map[string]bool{}
	db.bolt.View(func(tx *bolt.Tx) error {
		for _, b := range periodBuckets {
			tx.Bucket(b).ForEach(func(k, _ []byte) error {
				if parts := splitKey(k); len(parts) > 2 {
					seen[parts[2]] = true
				}
				return nil
			})
		}
		return nil
	})
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func TestClosedPeriodsPruned(t *testing.T) {
	for _, budget := range []int{50000, 7} {
		t.Run(fmt.Sprintf("budget %d", budget), func(t *testing.T) {
			defer func(b int) { pruneBudget = b }(pruneBudget)
			pruneBudget = budget
			start := time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo) // Monday, ISO week 49
			c := newClock(start)
			db := mustOpen(t, c)
			db.EnsureSpace(testSpace, "Asia/Tokyo")
			users := []string{"ann", "ben", "cat", "dan", "eve"}
			answers := 0
			for day := 0; day < 75; day++ { // to Thursday 2027-02-12, ISO week 6
				c.Set(start.AddDate(0, 0, day))
				p := post(t, db, c, c.Now(), fmt.Sprintf("q%d", day), 1+day%6)
				for i, u := range users {
					if (day+i)%3 == 0 {
						continue
					}
					c.Add(time.Minute)
					if _, err := db.RecordAnswer(p.ID, u, "abcd"[i%4:i%4+1]); err != nil {
						t.Fatal(err)
					}
					answers++
				}
				c.Add(8 * time.Hour)
				if _, _, err := db.ClosePost(p.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := db.Check(); err != nil { // also while a prune is half done
					t.Fatalf("day %d: %v", day, err)
				}
			}
			if budget < 100 { // more closes finish what the small budget left
				for i := 0; i < 300; i++ {
					p := post(t, db, c, c.Now().Add(time.Duration(i+1)*time.Second), "extra", 1)
					db.ClosePost(p.ID)
				}
			}
			want := []string{"a", "m2027-01", "m2027-02", "w2027-05", "w2027-06"}
			if got := periodsStored(t, db); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("periods stored %v, want %v", got, want)
			}
			// the all-time board still counts every answer
			b, err := db.Leaderboard(testSpace, AllDomains, All, 10, "")
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, r := range b.Rows {
				n += r.Answered
			}
			if n != answers || b.Players != len(users) {
				t.Errorf("all-time board: %d answers of %d, %d players", n, answers, b.Players)
			}
			wk, err := db.Leaderboard(testSpace, AllDomains, Week, 10, "ann")
			if err != nil || wk.Period != "w2027-06" || wk.Me == nil || wk.Players == 0 {
				t.Errorf("this week's board: %+v %v", wk, err)
			}
			// an answer in a pruned week (the clock went back) does not trouble Check
			c.Set(start.AddDate(0, 0, 7))
			p := post(t, db, c, c.Now().Add(time.Second), "late", 2)
			if _, err := db.RecordAnswer(p.ID, "ann", "a"); err != nil {
				t.Fatal(err)
			}
			db.ClosePost(p.ID)
			if r, err := db.Check(); err != nil {
				t.Errorf("check after the clock went back: %v %v", err, r.Problems)
			}
		})
	}
}

func TestOldestKept(t *testing.T) {
	for _, tc := range []struct {
		now  time.Time
		loc  *time.Location
		w    Window
		want string
	}{
		{time.Date(2027, 1, 4, 0, 30, 0, 0, tokyo), tokyo, Week, "w2026-53"},                                             // Monday just after midnight in Tokyo
		{time.Date(2027, 1, 3, 16, 0, 0, 0, time.UTC), tokyo, Week, "w2026-53"},                                          // the same moment, given in UTC
		{time.Date(2027, 1, 3, 16, 0, 0, 0, time.UTC), time.UTC, Week, "w2026-52"},                                       // a space in UTC: still Sunday
		{time.Date(2027, 3, 31, 23, 0, 0, 0, tokyo), tokyo, Month, "m2027-02"},                                           // end of a long month
		{time.Date(2027, 1, 1, 0, 0, 0, 0, tokyo), tokyo, Month, "m2026-12"},                                             // across a year
		{time.Date(2027, 3, 1, 0, 0, 0, 0, mustLoc("America/New_York")), mustLoc("America/New_York"), Month, "m2027-02"}, // a DST zone
	} {
		if got := oldestKept(tc.w, tc.now, tc.loc); got != tc.want {
			t.Errorf("%s %v: %s, want %s", tc.w, tc.now, got, tc.want)
		}
	}
}
