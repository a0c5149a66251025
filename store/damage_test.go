package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// fileLayout is what a test needs to know of a bbolt file to damage it
// on purpose: its page size, the high-water mark and the root page of
// the newest meta page.
type fileLayout struct {
	pageSize int
	hwm      uint64
	root     uint64
	newer    int // the meta page with the higher transaction
}

func layoutOf(t *testing.T, data []byte) fileLayout {
	t.Helper()
	le := binary.LittleEndian
	ps := int(le.Uint32(data[metaOffset+8:]))
	var l fileLayout
	l.pageSize = ps
	best := uint64(0)
	for i := 0; i < 2; i++ {
		m := data[i*ps:]
		if tx := le.Uint64(m[metaOffset+48:]); i == 0 || tx > best {
			best, l.newer = tx, i
			l.root = le.Uint64(m[metaOffset+16:])
			l.hwm = le.Uint64(m[metaOffset+40:])
		}
	}
	return l
}

// bucketHeader returns the offset in data of the header (root page ID,
// sequence) of the top-level bucket name, found from the root page down.
func bucketHeader(t *testing.T, data []byte, l fileLayout, name []byte) int {
	t.Helper()
	le := binary.LittleEndian
	id := l.root
	for depth := 0; depth < maxTreeDepth; depth++ {
		page := int(id) * l.pageSize
		flags, count := le.Uint16(data[page+8:]), int(le.Uint16(data[page+10:]))
		if flags == branchPageFlag {
			next := uint64(0)
			for i := 0; i < count; i++ {
				e := page + pageHeaderSize + i*elemSize
				pos, ks := int(le.Uint32(data[e:])), int(le.Uint32(data[e+4:]))
				if i == 0 || bytes.Compare(data[e+pos:e+pos+ks], name) <= 0 {
					next = le.Uint64(data[e+8:])
				}
			}
			id = next
			continue
		}
		for i := 0; i < count; i++ {
			e := page + pageHeaderSize + i*elemSize
			pos, ks := int(le.Uint32(data[e+4:])), int(le.Uint32(data[e+8:]))
			if bytes.Equal(data[e+pos:e+pos+ks], name) {
				if root := le.Uint64(data[e+pos+ks:]); root == 0 {
					t.Skipf("bucket %s is inline", name)
				}
				return e + pos + ks
			}
		}
		break
	}
	t.Fatalf("bucket %s not found from the root page", name)
	return 0
}

// writeDamaged writes data changed by damage to a new file in dir.
func writeDamaged(t *testing.T, dir, name string, data []byte, damage func(b []byte)) string {
	t.Helper()
	b := bytes.Clone(data)
	damage(b)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tempFiles lists the compaction temporaries in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, n := range dirNames(t, dir) {
		if strings.Contains(n, ".compact-") {
			out = append(out, n)
		}
	}
	return out
}

// TestBackupOfFlippedBytes flips one bit at seeded offsets of a team's
// database, in its used pages, and backs each copy up as `studybot
// backup` does (read-only, CompactTo). The backup must finish within its
// deadline, refuse every file that Check refuses (with ErrCorrupt), leave
// no temporary file, and otherwise write a copy no larger than the
// source that passes Check.
func TestBackupOfFlippedBytes(t *testing.T) {
	dir := t.TempDir()
	orig := must(os.ReadFile(teamDB(t, dir, "team.db")))
	l := layoutOf(t, orig)
	used := int(l.hwm) * l.pageSize
	r := rand.New(rand.NewPCG(21, 2026))
	const flips = 120
	var refused, opened, backedUp int
	for i := range flips {
		off := r.IntN(used)
		bit := byte(1) << r.IntN(8)
		name := fmt.Sprintf("flip-%d-%d", off, bit)
		t.Run(name, func(t *testing.T) {
			sub := filepath.Join(dir, name)
			os.Mkdir(sub, 0o700)
			path := writeDamaged(t, sub, "db", orig, func(b []byte) { b[off] ^= bit })
			db, err := Open(path, &Options{ReadOnly: true, Timeout: 100 * time.Millisecond})
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("open: %v, want ErrCorrupt", err)
				}
				refused++
				return
			}
			defer db.Close()
			opened++
			_, checkErr := db.Check()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			target := filepath.Join(sub, "backup.db")
			rep, err := db.CompactTo(ctx, target)
			switch {
			case errors.Is(err, context.DeadlineExceeded):
				t.Fatalf("backup still running after 20s: %v", err)
			case checkErr != nil && err == nil:
				t.Fatalf("check refuses the source (%v) but the backup succeeded", checkErr)
			case err != nil && !errors.Is(err, ErrCorrupt):
				t.Fatalf("backup: %v, want ErrCorrupt", err)
			case err == nil:
				backedUp++
				if rep.After > int64(len(orig)) {
					t.Errorf("backup of %d bytes is %d bytes", len(orig), rep.After)
				}
				c, err := Open(target, &Options{ReadOnly: true})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.Check(); err != nil {
					t.Errorf("the backup fails its check: %v", err)
				}
				c.Close()
			}
			if left := tempFiles(t, sub); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			if err != nil {
				if _, serr := os.Stat(target); serr == nil {
					t.Error("a refused backup left its target")
				}
			}
		})
		_ = i
	}
	t.Logf("%d flips: %d refused at open, %d opened, %d backed up (the rest refused by the check)", flips, refused, opened, backedUp)
	if refused+opened-backedUp == 0 {
		t.Error("no flip was refused: the damage does not reach the data")
	}
}

// TestCompactionOfLoopingBuckets points a bucket's root at the root
// page, so that walking it finds every bucket again, forever: bbolt's
// Compact then nests buckets without end, growing the copy until the disk
// is full. The page check refuses the file; copyTx, run on it without the
// check, stops by itself with ErrCorrupt.
func TestCompactionOfLoopingBuckets(t *testing.T) {
	dir := t.TempDir()
	orig := must(os.ReadFile(teamDB(t, dir, "team.db")))
	l := layoutOf(t, orig)
	h := bucketHeader(t, orig, l, bCounters)
	path := writeDamaged(t, dir, "loop.db", orig, func(b []byte) { binary.LittleEndian.PutUint64(b[h:], l.root) })
	db, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Check(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("check: %v, want ErrCorrupt", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := db.CompactTo(ctx, filepath.Join(dir, "backup.db")); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "fails its check") {
		t.Errorf("backup: %v, want the check's ErrCorrupt", err)
	}
	// the compaction alone, as if the check had missed the loop
	dst, err := bolt.Open(filepath.Join(dir, "copy.db"), 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	err = db.view(func(tx *bolt.Tx) error {
		return guardPath(path, func() error { return copyTx(ctx, tx, dst, compactBudget(tx.Size())) })
	})
	if !errors.Is(err, ErrCorrupt) || ctx.Err() != nil {
		t.Errorf("copyTx on looping buckets: %v (ctx %v), want ErrCorrupt before the deadline", err, ctx.Err())
	}
	if fi, _ := os.Stat(filepath.Join(dir, "copy.db")); fi.Size() > 4*int64(len(orig)) {
		t.Errorf("the copy grew to %d bytes from a %d-byte database", fi.Size(), len(orig))
	}
}

// TestCopyTxBudget: a budget below what the database holds stops the
// copy with ErrCorrupt; the database's own budget is enough.
func TestCopyTxBudget(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(teamDB(t, dir, "team.db"), &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		name   string
		budget func(size int64) int64
		want   error
	}{
		{"a tenth of the file", func(size int64) int64 { return size / 10 }, ErrCorrupt},
		{"compactBudget", compactBudget, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst, err := bolt.Open(filepath.Join(t.TempDir(), "copy.db"), 0o600, &bolt.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer dst.Close()
			err = db.view(func(tx *bolt.Tx) error { return copyTx(context.Background(), tx, dst, tc.budget(tx.Size())) })
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// cancelAfter is a context whose Err turns to Canceled at its n-th call,
// so a test can stop a compaction in the middle without timing.
type cancelAfter struct {
	context.Context
	calls, n int
}

func (c *cancelAfter) Err() error {
	if c.calls++; c.calls >= c.n {
		return context.Canceled
	}
	return nil
}

// TestCompactStopsWithItsContext: a compaction whose context ends in the
// middle (as SIGINT does to the CLI) returns the context's error and
// leaves neither its temporary file nor the target, for CompactTo and
// CompactFile alike; CompactFile leaves the database as it was.
func TestCompactStopsWithItsContext(t *testing.T) {
	dir := t.TempDir()
	path := teamDB(t, dir, "team.db")
	before := sum(t, path)
	t.Run("CompactTo", func(t *testing.T) {
		db, err := Open(path, &Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		out := filepath.Join(t.TempDir(), "backup.db")
		_, err = db.CompactTo(&cancelAfter{Context: context.Background(), n: 3}, out)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if got := dirNames(t, filepath.Dir(out)); len(got) != 0 {
			t.Errorf("left behind: %v", got)
		}
	})
	t.Run("CompactFile", func(t *testing.T) {
		names := dirNames(t, dir)
		_, err := CompactFile(&cancelAfter{Context: context.Background(), n: 3}, path, path+".kept")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if got := dirNames(t, dir); !slicesEqual(got, names) {
			t.Errorf("files %v, before %v", got, names)
		}
		if sum(t, path) != before {
			t.Error("the database changed")
		}
	})
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// TestStaleTempFiles: a temporary file that a killed compaction left is
// removed by the next compaction into the same place and reported; one
// that a running compaction holds is left alone.
func TestStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := teamDB(t, dir, "team.db")
	db, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := filepath.Join(dir, "backups", "b.db")
	os.Mkdir(filepath.Dir(out), 0o700)
	stale := filepath.Join(filepath.Dir(out), tempPrefix("b.db")+"4242")
	os.WriteFile(stale, bytes.Repeat([]byte{1}, 1<<16), 0o600)
	held := filepath.Join(filepath.Dir(out), tempPrefix("b.db")+"running")
	f, err := os.Create(held)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	unlock := holdTemp(f)
	defer unlock()
	other := filepath.Join(filepath.Dir(out), tempPrefix("other.db")+"1") // another target's
	os.WriteFile(other, nil, 0o600)

	r, err := db.CompactTo(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("the stale temporary file is still there")
	}
	if len(r.Stale) != 1 || !strings.Contains(r.Stale[0], stale) || !strings.Contains(r.Stale[0], "removed") {
		t.Errorf("report %q", r.Stale)
	}
	for _, p := range []string{held, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestPageWithExtraFlags: a leaf page whose flags carry one more bit
// (0x2002) passed the page walk, which tested the leaf bit only, and then
// panicked bbolt's free-list walk in a goroutine no recover reaches,
// killing `store check`. Check now refuses it with ErrCorrupt.
func TestPageWithExtraFlags(t *testing.T) {
	dir := t.TempDir()
	orig := must(os.ReadFile(teamDB(t, dir, "team.db")))
	l := layoutOf(t, orig)
	root := binary.LittleEndian.Uint64(orig[bucketHeader(t, orig, l, bCounters):])
	for _, flags := range []uint16{leafPageFlag | 0x2000, branchPageFlag | 0x10, leafPageFlag | branchPageFlag} {
		t.Run(fmt.Sprintf("%#x", flags), func(t *testing.T) {
			path := writeDamaged(t, dir, fmt.Sprintf("flags-%x.db", flags), orig, func(b []byte) {
				cur := binary.LittleEndian.Uint16(b[int(root)*l.pageSize+8:])
				binary.LittleEndian.PutUint16(b[int(root)*l.pageSize+8:], flags|cur&(leafPageFlag|branchPageFlag))
			})
			db, err := Open(path, &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Check(); !errors.Is(err, ErrCorrupt) {
				t.Errorf("check: %v, want ErrCorrupt", err)
			}
		})
	}
}

// TestCompactToWhileAnswering: the daily backup checks and copies a
// database that answers keep arriving in; the page walk of the file must
// not mistake their commits for damage, and each backup passes its check.
func TestCompactToWhileAnswering(t *testing.T) {
	c := newClock(time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo))
	db := mustOpen(t, c)
	if _, err := db.EnsureSpace(testSpace, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	p := post(t, db, c, c.Now(), "q1", 1)
	stop, done := make(chan struct{}), make(chan int)
	go func() {
		n := 0
		defer func() { done <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.RecordAnswer(p.ID, fmt.Sprintf("user-%06d", n), "a"); err != nil {
				t.Errorf("answer %d: %v", n, err)
				return
			}
			n++
		}
	}()
	dir := t.TempDir()
	for i := range 5 {
		if _, err := db.CompactTo(context.Background(), filepath.Join(dir, fmt.Sprintf("b%d.db", i))); err != nil {
			t.Errorf("backup %d while answering: %v", i, err)
		}
	}
	close(stop)
	t.Logf("%d answers recorded during 5 backups", <-done)
}
