package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Export writes every record as one JSON object per line, each with a
// "kind" field: space, channel, post, answer, practice, streak, report,
// reminder, card.
// Counters are derived data and left out (Check recomputes them). It runs
// Check first, in the same transaction, and writes nothing when Check
// finds problems (the error wraps ErrCorrupt).
func (d *DB) Export(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	emit := func(kind string, v any) error {
		return enc.Encode(struct {
			Kind string `json:"kind"`
			Data any    `json:"data"`
		}{kind, v})
	}
	return d.view(func(tx *bolt.Tx) error {
		if r, err := d.checkTx(tx, CheckOptions{}); err != nil {
			return fmt.Errorf("export: %w", err)
		} else if len(r.Problems) > 0 {
			return fmt.Errorf("export %s: check found %d problems (first: %s); run \"studybot store check\": %w", d.path, len(r.Problems), r.Problems[0], ErrCorrupt)
		}
		each := func(b []byte, kind string, decode func(k, v []byte) (any, error)) error {
			return tx.Bucket(b).ForEach(func(k, v []byte) error {
				rec, err := decode(k, v)
				if err != nil {
					return fmt.Errorf("export %s %q: %w", kind, k, err)
				}
				return emit(kind, rec)
			})
		}
		jsonOf := func(t func() any) func(k, v []byte) (any, error) {
			return func(k, v []byte) (any, error) {
				x := t()
				return x, json.Unmarshal(v, x)
			}
		}
		steps := []struct {
			b    []byte
			kind string
			dec  func(k, v []byte) (any, error)
		}{
			{bSpaces, "space", jsonOf(func() any { return &Space{} })},
			{bChannels, "channel", jsonOf(func() any { return &Channel{} })},
			{bPosts, "post", jsonOf(func() any { return &Post{} })},
			{nil, "answer", nil},
			{bPractice, "practice", func(k, v []byte) (any, error) { return decodePractice(k, v) }},
			{bStreaks, "streak", func(k, v []byte) (any, error) {
				parts := splitKey(k)
				var s Streak
				if err := json.Unmarshal(v, &s); err != nil || len(parts) != 3 {
					return nil, ErrCorrupt
				}
				return struct {
					Space SpaceRef `json:"space"`
					User  string   `json:"user"`
					Streak
				}{SpaceRef{parts[0], parts[1]}, parts[2], s}, nil
			}},
			{bReports, "report", jsonOf(func() any { return &Report{} })},
		}
		for _, s := range steps {
			if s.b == nil { // answers: open and archived (archive.go)
				var bad error
				err := eachAnswer(tx, func(a Answer, _ postMeta) error { return emit(s.kind, &a) },
					func(problem string) { bad = cmp.Or(bad, fmt.Errorf("export answer: %s: %w", problem, ErrCorrupt)) })
				if err = cmp.Or(err, bad); err != nil {
					return err
				}
				continue
			}
			if err := each(s.b, s.kind, s.dec); err != nil {
				return err
			}
		}
		if tx.Bucket(bReminders) != nil {
			if err := each(bReminders, "reminder", jsonOf(func() any { return &Reminder{} })); err != nil {
				return err
			}
		}
		if tx.Bucket(bCards) == nil {
			return nil // no card yet (the bucket is made by the first)
		}
		return each(bCards, "card", func(k, v []byte) (any, error) {
			parts := splitKey(k)
			if len(parts) != 4 {
				return nil, ErrCorrupt
			}
			c, err := decodeCard(parts[3], v)
			return struct {
				Space SpaceRef `json:"space"`
				User  string   `json:"user"`
				Card
			}{SpaceRef{parts[0], parts[1]}, parts[2], c}, err
		})
	})
}

// CheckReport is what Check found.
type CheckReport struct {
	// Answers, Practice and Counters count the records checked.
	Answers, Practice, Counters int
	// Problems lists each inconsistency found, for people: records are
	// named by kind and ID ("post record <id>"), never by how they are
	// stored.
	Problems []string
	// Kinds counts the problems by kind (KindPages, KindOrphanAnswer…);
	// answers without their post count one each, under one line per post.
	Kinds map[string]int
	// UnknownItems counts the cards for an item that neither
	// CheckOptions.Items nor any post knows (not a problem).
	UnknownItems int
}

// Check verifies the database: first its pages, by a walk of the file
// and, when it was opened read-only, bbolt's own page check (when that
// fails, nothing more is read), then that every record decodes and
// what it refers to exists (an answer's post, a post's channel and space,
// a card's space), then that every leaderboard counter, rank entry and
// stats entry equals a recount from the stored answers. It returns
// ErrCorrupt when anything disagrees, and never panics on a corrupt file.
// (Open has already refused a file with a damaged meta page.)
func (d *DB) Check() (CheckReport, error) { return d.CheckWith(CheckOptions{}) }

// CheckWith is Check with options: with o.Items, cards are also matched
// against the caller's memo items.
func (d *DB) CheckWith(o CheckOptions) (CheckReport, error) {
	var r CheckReport
	err := d.view(func(tx *bolt.Tx) error {
		var err error
		r, err = d.checkTx(tx, o)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			return r, err
		}
		return r, fmt.Errorf("check %s: %w", d.path, err)
	}
	if len(r.Problems) > 0 {
		return r, fmt.Errorf("check %s: %d problems: %w", d.path, len(r.Problems), ErrCorrupt)
	}
	return r, nil
}

// checkTx is Check inside a transaction; problems go to the report.
func (d *DB) checkTx(tx *bolt.Tx, o CheckOptions) (CheckReport, error) {
	var r CheckReport
	err := guardPath(d.path, func() error {
		// The page walk reads the file, also on a database open for
		// writing (the daily backup's): the pages reachable from tx are
		// never rewritten while tx is open, whatever writers commit.
		f, err := os.Open(d.path)
		if err != nil {
			return err
		}
		defer f.Close()
		switch {
		case !d.bolt.IsReadOnly():
			// bbolt's Tx.Check reads the free list that committing writers
			// change, unlocked (a fatal concurrent map access): the walk alone.
			return rawCheck(tx, f)
		case d.metaLoss: // bbolt's check judges the damaged meta page too: the tree alone
			return rawCheck(tx, f)
		}
		return pageCheck(tx, f)
	})
	if err != nil {
		r.problem(KindPages, "bbolt: %v", err)
	}
	if len(r.Problems) > 0 {
		return r, nil // the pages are not sound: reading records could go anywhere
	}
	for _, b := range allBuckets {
		if tx.Bucket(b) == nil {
			r.problem(KindPages, "the database lacks its %s section", b)
		}
	}
	if len(r.Problems) > 0 {
		return r, nil
	}
	rf := checkPosts(tx, &r)
	checkCards(tx, &r, rf, o.Items)
	err = func() error {
		pruned := prunedFilter(tx) // closed periods' boards are gone (prune.go)
		want := map[string]counter{}
		wantStats := map[string]counter{}
		add := func(m map[string]counter, k []byte, correct bool, at time.Time) {
			c := m[string(k)]
			c.answered++
			if correct {
				c.correct++
			}
			m[string(k)] = c
		}
		locs := map[SpaceRef]*time.Location{}
		noSpace := map[string]int{} // post ID → answers skipped
		err := eachAnswer(tx, func(a Answer, meta postMeta) error {
			loc, known := locs[meta.Space]
			if !known {
				if sp, err := getSpace(tx, meta.Space); err == nil {
					loc = sp.Location()
				}
				locs[meta.Space] = loc
			}
			if loc == nil { // the post's summary names no space that reads
				noSpace[a.PostID]++
				return nil
			}
			r.Answers++
			rf.answer(a.PostID)
			for _, w := range Windows {
				wk, _ := windowKey(w, a.At, loc)
				for _, dom := range []int{meta.Domain, AllDomains} {
					if ck := key(meta.Space.Platform, meta.Space.ID, wk, domainKey(dom), a.UserID); !pruned(ck) {
						add(want, ck, a.Correct, a.At)
					}
				}
			}
			for _, dom := range []int{meta.Domain, AllDomains} {
				add(wantStats, key(meta.Space.Platform, meta.Space.ID, a.UserID, domainKey(dom)), a.Correct, a.At)
			}
			return nil
		}, func(problem string) {
			if strings.Contains(problem, "post missing") {
				r.problem(KindOrphanAnswer, "%s", problem)
			} else {
				r.problem(KindUnreadable, "%s", problem)
			}
		})
		if err != nil {
			return err
		}
		for id, n := range noSpace {
			r.problem(KindOrphanAnswer, "%d answers to post %s: its summary names a space that does not exist or cannot be read", n, humanKey([]byte(id)))
			r.addKind(KindOrphanAnswer, n-1)
		}
		rf.report(&r)
		err = tx.Bucket(bPractice).ForEach(func(k, v []byte) error {
			p, err := decodePractice(k, v)
			if err != nil {
				r.problem(KindUnreadable, "practice answer %s: cannot be read", humanKey(k))
				return nil
			}
			r.Practice++
			for _, dom := range []int{p.Domain, AllDomains} {
				add(wantStats, key(p.Space.Platform, p.Space.ID, p.UserID, domainKey(dom)), p.Correct, p.At)
			}
			return nil
		})
		if err != nil {
			return err
		}
		derived := len(r.Problems)
		defer func() { r.addKind(KindDerived, len(r.Problems)-derived) }()
		compare := func(name string, b []byte, want map[string]counter) {
			seen := 0
			_ = tx.Bucket(b).ForEach(func(k, v []byte) error {
				if name == "counter" && pruned(k) {
					return nil
				}
				got := decodeCounter(v)
				w, ok := want[string(k)]
				if !ok || w.answered != got.answered || w.correct != got.correct {
					r.Problems = append(r.Problems, fmt.Sprintf("%s %s: stored %d/%d, recount %d/%d", name, humanKey(k), got.correct, got.answered, w.correct, w.answered))
				}
				seen++
				return nil
			})
			if seen != len(want) {
				r.Problems = append(r.Problems, fmt.Sprintf("%s: %d stored, %d expected from the answers", name, seen, len(want)))
			}
			if name == "counter" {
				r.Counters = seen
			}
		}
		// the index of open posts lists exactly the posts not closed
		wantOpen := map[string]bool{}
		_ = tx.Bucket(bPostMeta).ForEach(func(k, v []byte) error {
			var m postMeta
			if json.Unmarshal(v, &m) == nil && !m.Closed {
				wantOpen[string(openKey(m.ClosesAt, string(k)))] = true
			}
			return nil
		})
		openSeen := 0
		_ = tx.Bucket(bOpen).ForEach(func(k, _ []byte) error {
			if !wantOpen[string(k)] {
				r.Problems = append(r.Problems, fmt.Sprintf("open-post index entry %s: no such open post", humanKey(k)))
			}
			openSeen++
			return nil
		})
		if openSeen != len(wantOpen) {
			r.Problems = append(r.Problems, fmt.Sprintf("open-post index has %d entries for %d open posts", openSeen, len(wantOpen)))
		}
		compare("counter", bCounters, want)
		compare("stats", bUserStats, wantStats)
		// every counter has exactly its rank entry
		ranks := 0
		_ = tx.Bucket(bRanks).ForEach(func(k, v []byte) error {
			if !pruned(k) {
				ranks++
			}
			return nil
		})
		if ranks != r.Counters {
			r.Problems = append(r.Problems, fmt.Sprintf("rank index has %d entries for %d counters", ranks, r.Counters))
		}
		hist := map[string]uint64{}
		_ = tx.Bucket(bCounters).ForEach(func(k, v []byte) error {
			if parts := splitKey(k); len(parts) == 5 && !pruned(k) {
				hist[string(pointsKeyDK(SpaceRef{parts[0], parts[1]}, parts[2], parts[3], decodeCounter(v).correct))]++
			}
			return nil
		})
		_ = tx.Bucket(bPoints).ForEach(func(k, v []byte) error {
			if pruned(k) {
				return nil
			}
			if getU64(v) != hist[string(k)] {
				r.Problems = append(r.Problems, fmt.Sprintf("points histogram %s says %d players, counters hold %d", humanKey(k), getU64(v), hist[string(k)]))
			}
			delete(hist, string(k))
			return nil
		})
		for k, n := range hist {
			r.Problems = append(r.Problems, fmt.Sprintf("points histogram lacks %s (%d players)", humanKey([]byte(k)), n))
		}
		sizes := map[string]uint64{}
		_ = tx.Bucket(bCounters).ForEach(func(k, v []byte) error {
			if parts := splitKey(k); len(parts) == 5 && !pruned(k) {
				sizes[string(key(parts[0], parts[1], parts[2], parts[3]))]++
			}
			return nil
		})
		_ = tx.Bucket(bBoards).ForEach(func(k, v []byte) error {
			if pruned(k) {
				return nil
			}
			if getU64(v) != sizes[string(k)] {
				r.Problems = append(r.Problems, fmt.Sprintf("board %s counts %d players, counters hold %d", humanKey(k), getU64(v), sizes[string(k)]))
			}
			delete(sizes, string(k))
			return nil
		})
		for k := range sizes {
			r.Problems = append(r.Problems, fmt.Sprintf("board %s has no player count", humanKey([]byte(k))))
		}
		checkBoardIndexes(tx, pruned, func(f string, a ...any) { r.Problems = append(r.Problems, fmt.Sprintf(f, a...)) })
		rb := tx.Bucket(bRanks)
		_ = tx.Bucket(bCounters).ForEach(func(k, v []byte) error {
			parts := splitKey(k)
			if len(parts) != 5 || pruned(k) {
				return nil
			}
			rk := append(prefix(parts[0], parts[1], parts[2], parts[3]), decodeCounter(v).rankSuffix(parts[4])...)
			if rb.Get(rk) == nil {
				r.Problems = append(r.Problems, fmt.Sprintf("counter %s has no rank entry", humanKey(k)))
			}
			return nil
		})
		return nil
	}()
	rem := checkReminders(tx)
	r.Problems = append(r.Problems, rem...)
	r.addKind(KindReminder, len(rem))
	sort.Strings(r.Problems)
	return r, err
}
