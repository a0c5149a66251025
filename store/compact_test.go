package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// exportOf returns the database's export, the proof that two files hold
// the same records.
func exportOf(t *testing.T, path string) string {
	t.Helper()
	db, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var buf bytes.Buffer
	if err := db.Export(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// teamDB writes a small simulated team's database at dir/name.
func teamDB(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	simulateTeam(t, path, teamSim{Users: 40, Weeks: 4, Seed: 3})
	return path
}

func TestCompactTo(t *testing.T) {
	dir := t.TempDir()
	path := teamDB(t, dir, "live.db")
	want := exportOf(t, path)
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := filepath.Join(dir, "backups", "copy.db")
	os.Mkdir(filepath.Dir(out), 0o700)
	r, err := db.CompactTo(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if r.After != fileSize(out) || r.After >= r.Before || r.Check.Answers == 0 {
		t.Errorf("report %+v, file %d bytes", r, fileSize(out))
	}
	// the database stays usable, the copy holds the same records
	if _, err := db.GetSpace(SpaceRef{Slack, "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("database after compacting: %v", err)
	}
	if got := exportOf(t, out); got != want {
		t.Error("the compacted copy exports differently")
	}
	// an existing file is never replaced
	before := sum(t, out)
	if _, err := db.CompactTo(context.Background(), out); !errors.Is(err, fs.ErrExist) {
		t.Errorf("compact onto an existing file: %v", err)
	}
	if sum(t, out) != before {
		t.Error("an existing file was changed")
	}
	if got := dirNames(t, filepath.Dir(out)); len(got) != 1 {
		t.Errorf("left behind: %v", got)
	}
	if _, err := db.CompactTo(context.Background(), filepath.Join(dir, "no", "such", "dir.db")); err == nil {
		t.Error("compact into a missing directory worked")
	}
}

func TestCompactFile(t *testing.T) {
	dir := t.TempDir()
	path := teamDB(t, dir, "team.db")
	want, old := exportOf(t, path), sum(t, path)
	keep := path + ".before-compact"
	r, err := CompactFile(context.Background(), path, keep)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kept != keep || r.After >= r.Before || r.After != fileSize(path) || r.Before != fileSize(keep) {
		t.Errorf("report %+v", r)
	}
	if sum(t, keep) != old {
		t.Error("the kept file is not the old database")
	}
	if got := exportOf(t, path); got != want {
		t.Error("the compacted database exports differently")
	}
	if got := dirNames(t, dir); len(got) != 2 {
		t.Errorf("files after compacting: %v", got)
	}
	// a second compaction without keeping the old file
	if r, err := CompactFile(context.Background(), path, ""); err != nil || r.Kept != "" {
		t.Fatalf("second compaction: %+v %v", r, err)
	}
	if got := exportOf(t, path); got != want {
		t.Error("the recompacted database exports differently")
	}
	// the compacted database is a working database
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
	db.Close()
}

func TestCompactFileRefuses(t *testing.T) {
	dir := t.TempDir()
	path := teamDB(t, dir, "team.db")
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("not a database "), 1000), 0o600)
	inconsistent := filepath.Join(dir, "bad-counter.db")
	os.WriteFile(inconsistent, must(os.ReadFile(path)), 0o600)
	b, err := bolt.Open(inconsistent, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bCounters).Cursor().Last()
		c := decodeCounter(v)
		c.correct += 3
		return tx.Bucket(bCounters).Put(append([]byte(nil), k...), c.encode())
	})
	b.Close()
	held := filepath.Join(dir, "held.db")
	os.WriteFile(held, must(os.ReadFile(path)), 0o600)
	running, err := Open(held, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	os.WriteFile(path+".kept", []byte("something else"), 0o600)

	for _, tc := range []struct {
		name, path, keep string
		want             error
	}{
		{"not a database", garbage, "", ErrCorrupt},
		{"fails its check", inconsistent, "", ErrCorrupt},
		{"in use", held, "", ErrLocked},
		{"missing", filepath.Join(dir, "nope.db"), "", fs.ErrNotExist},
		{"keep file exists", path, path + ".kept", fs.ErrExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			names := dirNames(t, dir)
			var before [32]byte
			if tc.want != fs.ErrNotExist {
				before = sum(t, tc.path)
			}
			start := time.Now()
			_, err := CompactFile(context.Background(), tc.path, tc.keep)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if tc.want == ErrLocked && time.Since(start) > 5*time.Second {
				t.Errorf("waited %s for the lock", time.Since(start))
			}
			if tc.want != fs.ErrNotExist && sum(t, tc.path) != before {
				t.Error("the database changed")
			}
			if got := dirNames(t, dir); !slices.Equal(got, names) {
				t.Errorf("files %v, before %v", got, names)
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
