package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// damageRecords opens the database at path with bbolt itself and lets
// change edit its records, as damage bbolt cannot see would.
func damageRecords(t *testing.T, path string, change func(tx *bolt.Tx) error) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(change); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

// firstPost returns the ID and stored JSON of the first post.
func firstPost(tx *bolt.Tx) (string, []byte) {
	k, v := tx.Bucket(bPosts).Cursor().First()
	return string(k), bytes.Clone(v)
}

// TestCheckReferences damages records the way a bit flip inside a value
// does (bbolt's pages stay sound) and asks Check to find it: each case
// names the kind counted, how many, and what a problem line says.
func TestCheckReferences(t *testing.T) {
	src := corruptSource(t)
	orig := must(os.ReadFile(src))
	var postID string
	damageRecords(t, src, func(tx *bolt.Tx) error { postID, _ = firstPost(tx); return nil })
	tests := []struct {
		name   string
		change func(tx *bolt.Tx) error
		kind   string
		n      int
		says   string
	}{
		{"post record unreadable", func(tx *bolt.Tx) error {
			id, v := firstPost(tx)
			v[0] ^= 0x04 // '{' becomes '\x7f'
			return tx.Bucket(bPosts).Put([]byte(id), v)
		}, KindOrphanAnswer, 25, "25 answers to post " + postID + ": its record cannot be read"},
		{"post record names another post", func(tx *bolt.Tx) error {
			id, v := firstPost(tx)
			i := bytes.Index(v, []byte(id))
			v[i+len(id)-1] ^= 0x01
			return tx.Bucket(bPosts).Put([]byte(id), v)
		}, KindUnreadable, 1, "post record " + postID + ": says it is post"},
		{"post record missing", func(tx *bolt.Tx) error {
			id, _ := firstPost(tx)
			return tx.Bucket(bPosts).Delete([]byte(id))
		}, KindOrphanAnswer, 25, "its record is missing"},
		{"channel missing", func(tx *bolt.Tx) error {
			return tx.Bucket(bChannels).Delete(key(testSpace.Platform, testSpace.ID, "general"))
		}, KindOrphanPost, 4, "its channel general in console:team does not exist"},
		{"card unreadable", func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists(bCards)
			if err != nil {
				return err
			}
			return b.Put(key(testSpace.Platform, testSpace.ID, "user-001", "item\x01x"), []byte{9, 9})
		}, KindUnreadable, 1, "card console/team/user-001/" + fmt.Sprintf("%x", "item\x01x") + ": cannot be read"},
		{"practice answer unreadable", func(tx *bolt.Tx) error {
			return tx.Bucket(bPractice).Put([]byte("12345678xx"), []byte{0xff})
		}, KindUnreadable, 1, "practice answer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeDamaged(t, t.TempDir(), "db", orig, func([]byte) {})
			damageRecords(t, path, tc.change)
			db, err := Open(path, &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			r, err := db.Check()
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("check: %v, want ErrCorrupt", err)
			}
			if r.Kinds[tc.kind] != tc.n {
				t.Errorf("kinds %v, want %d %q", r.Kinds, tc.n, tc.kind)
			}
			if !strings.Contains(strings.Join(r.Problems, "\n"), tc.says) {
				t.Errorf("problems %q lack %q", r.Problems, tc.says)
			}
			for _, p := range r.Problems {
				for _, raw := range []string{"\x00", "postmeta", "\"posts\""} {
					if strings.Contains(p, raw) {
						t.Errorf("problem %q shows storage detail %q", p, raw)
					}
				}
			}
		})
	}
}

// TestCheckFindsBitFlipsInAPostRecord flips one bit at seeded offsets
// inside the file's bytes of a post record: bbolt's pages stay sound, so
// only Check's reading of the record can find the damage. Every flip that
// makes the record unreadable or names another post must fail Check with
// the post's answers counted as orphans or the record as unreadable
// (or, for a flip in its question ID, opening or answer, the post's
// summary disagreeing with it); the others (a changed letter in a stem) must still pass.
func TestCheckFindsBitFlipsInAPostRecord(t *testing.T) {
	dir := t.TempDir()
	orig := must(os.ReadFile(corruptSource(t)))
	at := livePostRecord(t, orig)
	end := at + bytes.Index(orig[at:], []byte(`"closed"`))
	r := rand.New(rand.NewPCG(21, 7))
	found, passed := 0, 0
	for range 40 {
		off := at + r.IntN(end-at)
		bit := byte(1) << r.IntN(8)
		path := writeDamaged(t, dir, fmt.Sprintf("flip-%d-%d.db", off, bit), orig, func(b []byte) { b[off] ^= bit })
		db, err := Open(path, &Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("flip at %d: open: %v", off, err)
		}
		rep, err := db.Check()
		db.Close()
		unreadable := rep.Kinds[KindUnreadable] > 0 || rep.Kinds[KindOrphanAnswer] > 0
		switch {
		case err == nil:
			passed++
		case !errors.Is(err, ErrCorrupt):
			t.Errorf("flip at %d: %v", off, err)
		case unreadable || rep.Kinds[KindOrphanPost] > 0:
			found++
		case rep.Kinds[KindDerived] > 0 && strings.Contains(strings.Join(rep.Problems, "\n"), "its summary says question"):
			found++ // its question ID, opening or answer changed: the summary disagrees
		default:
			t.Errorf("flip at %d: check fails with %v but counts no record kind: %v", off, err, rep.Kinds)
		}
		// the structural part of the record: braces and the ID
		if orig[off] == '{' || off < at+len(`{"id":"p`)+16 {
			if err == nil {
				t.Errorf("flip %#x at %d (in %q) passed the check", bit, off, orig[off-4:off+4])
			}
		}
	}
	t.Logf("40 flips inside a post record: %d found, %d harmless to the references (text)", found, passed)
	if found == 0 {
		t.Error("no flip was found")
	}
}

// livePostRecord returns where in data the first live post record
// starts (older copies of it lie in free pages).
func livePostRecord(t *testing.T, data []byte) int {
	t.Helper()
	l := layoutOf(t, data)
	h := bucketHeader(t, data, l, bPosts)
	le := binary.LittleEndian
	from, to := h+bucketHeaderLen, h+bucketHeaderLen+l.pageSize // inline
	if id := le.Uint64(data[h:]); id != 0 {
		for le.Uint16(data[int(id)*l.pageSize+8:]) == branchPageFlag { // the leftmost leaf
			id = le.Uint64(data[int(id)*l.pageSize+pageHeaderSize+8:])
		}
		from, to = int(id)*l.pageSize, int(id+1)*l.pageSize
	}
	i := bytes.Index(data[from:to], []byte(`{"id":"p`))
	if i < 0 {
		t.Fatal("no post record in the posts' page")
	}
	return from + i
}

// TestCheckCardItems: with the caller's items, cards for items that
// neither the caller nor a post knows are counted, not failed.
func TestCheckCardItems(t *testing.T) {
	testNow := time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo)
	db := mustOpen(t, newClock(testNow))
	for _, item := range []string{"known", "posted", "gone"} {
		if _, err := db.UpdateCard(testSpace, "U1", item, func(c *Card, _ bool) error { c.Reps = 1; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.EnsureSpace(testSpace, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	ensureChannel(t, db, testSpace, "general")
	s := snapshot("q1", 1)
	s.Item = "posted"
	if _, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: testNow, Question: s, OpenedAt: testNow, ClosesAt: testNow.Add(8 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		items map[string]bool
		want  int
	}{
		{nil, 0},
		{map[string]bool{"known": true}, 1},
		{map[string]bool{}, 2},
	} {
		r, err := db.CheckWith(CheckOptions{Items: tc.items})
		if err != nil || r.UnknownItems != tc.want {
			t.Errorf("items %v: %d unknown, %v; want %d", tc.items, r.UnknownItems, err, tc.want)
		}
	}
}
