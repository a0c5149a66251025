package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDamagedMetaPage: bbolt opens a file with one valid meta page and
// silently uses it, so a zeroed newer meta page rolls the database back
// by its last transaction (and a backup of it "succeeds" without that
// transaction). Open, read-only (check, backup, restore) and for writing
// (start-up) alike, refuses every damaged meta page, says which and what
// the fallback would lose, and changes nothing.
func TestDamagedMetaPage(t *testing.T) {
	dir := t.TempDir()
	orig := must(os.ReadFile(corruptSource(t)))
	l := layoutOf(t, orig)
	tests := []struct {
		name   string
		damage func(b []byte)
		says   string
	}{
		{"newer meta page zeroed", func(b []byte) { clear(b[l.newer*l.pageSize : (l.newer+1)*l.pageSize]) }, "lacks bbolt's magic"},
		{"older meta page zeroed", func(b []byte) { clear(b[(1-l.newer)*l.pageSize : (2-l.newer)*l.pageSize]) }, "lacks bbolt's magic"},
		{"transaction ID flipped", func(b []byte) { b[l.pageSize+metaOffset+48] ^= 0x01 }, "fails its checksum"},
		{"magic flipped", func(b []byte) { b[metaOffset] ^= 0x80 }, "lacks bbolt's magic"},
		{"version changed", func(b []byte) { b[l.pageSize+metaOffset+4] = 3 }, "format version 3"},
		{"page ID changed", func(b []byte) { b[l.pageSize] = 7 }, "does not identify itself"},
		{"both zeroed", func(b []byte) { clear(b[:2*l.pageSize]) }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeDamaged(t, dir, strings.ReplaceAll(tc.name, " ", "-")+".db", orig, tc.damage)
			before := sum(t, path)
			for _, ro := range []bool{true, false} {
				db, err := Open(path, &Options{ReadOnly: ro, Timeout: 100 * time.Millisecond})
				if err == nil {
					db.Close()
					t.Fatalf("read-only %v: opened", ro)
				}
				if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.says) {
					t.Errorf("read-only %v: %v, want ErrCorrupt saying %q", ro, err, tc.says)
				}
				if tc.says != "" && !strings.Contains(err.Error(), "meta page") {
					t.Errorf("read-only %v: %v does not name the meta page", ro, err)
				}
			}
			if sum(t, path) != before {
				t.Error("the file changed")
			}
		})
	}
	// the loss is said plainly: the fallback's transaction and the one lost
	path := writeDamaged(t, dir, "plain.db", orig, tests[0].damage)
	_, err := Open(path, &Options{ReadOnly: true})
	for _, w := range []string{"silently use meta page", "state after transaction", "lose the transaction"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("%v: does not say %q", err, w)
		}
	}
}

// TestMetaOfCopies: the files bbolt writes (a new database, a commit, a
// Tx.WriteTo copy with its two meta pages of consecutive transactions)
// and the compacted backups pass the meta check.
func TestMetaOfCopies(t *testing.T) {
	dir := t.TempDir()
	path := corruptSource(t)
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	copyPath := filepath.Join(dir, "writeto.db")
	if err := db.BackupFile(copyPath); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{copyPath, filepath.Join(dir, "new.db")} {
		c, err := Open(p, nil)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		c.Close()
		if err := verifyMeta(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestRescueFile: with no backup, a database whose newer meta page is
// zeroed can be compacted into the state the other meta page records;
// the report says what was lost, the copy lacks exactly the last
// transaction (a schedule change), and the damaged file is kept.
func TestRescueFile(t *testing.T) {
	path := corruptSource(t)
	db, err := Open(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	before, err := db.Check()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PutChannel(Channel{Space: testSpace, ID: "general", Cron: "30 9 * * *", TZ: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	data := must(os.ReadFile(path))
	l := layoutOf(t, data)
	clear(data[l.newer*l.pageSize : (l.newer+1)*l.pageSize])
	os.WriteFile(path, data, 0o600)
	if _, err := CompactFile(t.Context(), path, path+".kept"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("CompactFile: %v, want ErrCorrupt", err)
	}
	if _, err := RescueFile(t.Context(), path, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("RescueFile without a file to keep: %v", err)
	}
	r, err := RescueFile(t.Context(), path, path+".kept")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.MetaLoss, "meta page") || !strings.Contains(r.MetaLoss, "lose the transaction") {
		t.Errorf("MetaLoss %q", r.MetaLoss)
	}
	if r.Check.Answers != before.Answers {
		t.Errorf("rescued %d answers, had %d", r.Check.Answers, before.Answers)
	}
	if !bytes.Equal(must(os.ReadFile(path+".kept")), data) {
		t.Error("the damaged file was not kept as it was")
	}
	db, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
	if ch, err := db.GetChannel(testSpace, "general"); err != nil || ch.Cron != "0 9 * * *" {
		t.Errorf("channel after the rescue: %q %v, want the schedule before the lost transaction", ch.Cron, err)
	}
}
