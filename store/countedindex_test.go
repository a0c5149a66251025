package store

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// tinyBlocks makes blocks a few entries long for the rest of the test, so
// that a handful of entries split and merge them.
func tinyBlocks(t *testing.T, max, merge, fill uint64) {
	t.Helper()
	om, og, of := blockMax, blockMerge, blockFill
	blockMax, blockMerge, blockFill = max, merge, fill
	t.Cleanup(func() { blockMax, blockMerge, blockFill = om, og, of })
}

// TestCountedIndexAgainstSortedSet inserts and removes random entries on
// two neighbouring boards and checks, after every change, the block counts
// (checkBlocks) and between over random ranges against a plain sorted set.
func TestCountedIndexAgainstSortedSet(t *testing.T) {
	for _, sizes := range [][3]uint64{{2, 1, 1}, {4, 2, 3}, {8, 5, 6}, {512, 256, 256}} {
		for seed := int64(1); seed <= 6; seed++ {
			t.Run(fmt.Sprintf("blocks%d/seed%d", sizes[0], seed), func(t *testing.T) {
				tinyBlocks(t, sizes[0], sizes[1], sizes[2])
				runCountedIndex(t, seed)
			})
		}
	}
}

func runCountedIndex(t *testing.T, seed int64) {
	r := rand.New(rand.NewSource(seed))
	db := mustOpen(t, newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo)))
	// buckets of its own: the store's check would find rank entries
	// without counters
	ix := countedIndex{name: "test index", entries: []byte("test-entries"), blocks: []byte("test-blocks")}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket(ix.entries); err != nil {
			return err
		}
		_, err := tx.CreateBucket(ix.blocks)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	boards := [][]byte{prefix("console", "team", "a", "1"), prefix("console", "team", "a", "all")}
	sets := make([]map[string]bool, len(boards))
	for i := range sets {
		sets[i] = map[string]bool{}
	}
	randSuffix := func() []byte {
		// few distinct values, so that ranges often start and end on entries
		return []byte{byte(r.Intn(4)), byte(r.Intn(8)), 0, byte('a' + r.Intn(26))}
	}
	for step := 0; step < 400; step++ {
		bi := r.Intn(len(boards))
		board, set := boards[bi], sets[bi]
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			// grow for a while, then shrink, so that merges empty boards too
			if n := len(set); n > 0 && (step > 250 && r.Intn(4) > 0 || r.Intn(3) == 0) {
				keys := sortedKeys(set)
				k := keys[r.Intn(len(keys))]
				delete(set, k)
				return ix.remove(tx, board, []byte(k))
			}
			s := randSuffix()
			if set[string(s)] {
				return nil
			}
			set[string(s)] = true
			return ix.insert(tx, board, s)
		})
		if err != nil {
			t.Fatal(err)
		}
		_ = db.bolt.View(func(tx *bolt.Tx) error {
			ix.checkBlocks(tx, func([]byte) bool { return false }, func(f string, a ...any) { t.Fatalf("step %d: "+f, append([]any{step}, a...)...) })
			for i, b := range boards {
				keys := sortedKeys(sets[i])
				if got := ix.between(tx, b, nil, nil); got != len(keys) {
					t.Fatalf("step %d board %d: %d entries counted, %d stored", step, i, got, len(keys))
				}
				for q := 0; q < 10; q++ {
					from, to := randSuffix(), randSuffix()
					if r.Intn(5) == 0 {
						from = nil
					}
					if r.Intn(5) == 0 {
						to = nil
					}
					want := 0
					for _, k := range keys {
						if bytes.Compare([]byte(k), from) >= 0 && (to == nil || bytes.Compare([]byte(k), to) < 0) {
							want++
						}
					}
					if got := ix.between(tx, b, from, to); got != want {
						t.Fatalf("step %d board %d: between(%x, %x) = %d, want %d", step, i, from, to, got, want)
					}
				}
			}
			return nil
		})
	}
	// the blocks rebuilt from the entries count the same
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if err := ix.buildBlocks(tx); err != nil {
			return err
		}
		ix.checkBlocks(tx, func([]byte) bool { return false }, func(f string, a ...any) { t.Fatalf("rebuilt: "+f, a...) })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
