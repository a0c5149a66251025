package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// corruptSource writes a database with spaces, channels, posts, answers and
// streaks, closes it and returns its path.
func corruptSource(t *testing.T) string {
	t.Helper()
	c := newClock(time.Date(2026, 11, 30, 9, 0, 0, 0, tokyo))
	path := filepath.Join(t.TempDir(), "src.db")
	db, err := Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.EnsureSpace(testSpace, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	if err := db.PutChannel(Channel{Space: testSpace, ID: "general", Cron: "0 9 * * *", TZ: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	for day := 0; day < 4; day++ {
		c.Set(time.Date(2026, 11, 30+day, 9, 0, 0, 0, tokyo))
		p := post(t, db, c, c.Now(), fmt.Sprintf("q%d", day), day%3+1)
		for u := 0; u < 25; u++ {
			if _, err := db.RecordAnswer(p.ID, fmt.Sprintf("user-%03d", u), []string{"a", "b", "c", "d"}[u%4]); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := db.ClosePost(p.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCorruptDatabaseNeverPanics damages every page of a real database in
// several ways and runs what the commands and the bot run on it: open,
// check, export and the bot's reads and writes. None may panic; a damaged
// file is reported as ErrCorrupt, and export fails wherever check finds
// problems.
func TestCorruptDatabaseNeverPanics(t *testing.T) {
	src := corruptSource(t)
	orig, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	pages := len(orig) / page
	damages := []struct {
		name string
		do   func(b []byte)
	}{
		{"ones", func(b []byte) { copy(b, bytes.Repeat([]byte{0xff}, len(b))) }},
		{"zeros", func(b []byte) { clear(b) }},
		{"header", func(b []byte) {
			for i := 0; i < 16 && i < len(b); i++ {
				b[i] ^= byte(0x5a + i*7)
			}
		}},
		{"body", func(b []byte) {
			for i := 16; i < len(b); i += 97 {
				b[i] ^= 0xa5
			}
		}},
	}
	dir := t.TempDir()
	corrupted := 0
	for pg := 0; pg < pages; pg++ {
		for _, dmg := range damages {
			name := fmt.Sprintf("page%d-%s", pg, dmg.name)
			data := bytes.Clone(orig)
			dmg.do(data[pg*page : (pg+1)*page])
			path := filepath.Join(dir, name+".db")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			t.Run(name, func(t *testing.T) {
				checkFailed := exerciseCorrupt(t, path)
				if checkFailed {
					corrupted++
				}
			})
		}
	}
	t.Logf("%d pages × %d damages: %d found corrupt", pages, len(damages), corrupted)
	if corrupted < pages {
		t.Errorf("only %d of %d damaged files were found corrupt: the damage does not reach the data", corrupted, pages*len(damages))
	}
}

// exerciseCorrupt runs every entry point on a damaged file and reports
// whether the damage was detected (by Open or Check).
func exerciseCorrupt(t *testing.T, path string) (detected bool) {
	ro, err := Open(path, &Options{ReadOnly: true, Timeout: 100 * time.Millisecond})
	if err != nil {
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("open read-only: %v, want ErrCorrupt", err)
		}
		return true
	}
	_, checkErr := ro.Check()
	if checkErr != nil && !errors.Is(checkErr, ErrCorrupt) {
		t.Errorf("check: %v, want ErrCorrupt", checkErr)
	}
	exportErr := ro.Export(io.Discard)
	if checkErr != nil && exportErr == nil {
		t.Errorf("export succeeded where check failed: %v", checkErr)
	}
	// what "studybot backup" does: bounded, refused where check fails
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out := filepath.Join(t.TempDir(), "backup.db")
	_, backupErr := ro.CompactTo(ctx, out)
	switch {
	case errors.Is(backupErr, context.DeadlineExceeded):
		t.Errorf("backup still running after 20s")
	case checkErr != nil && backupErr == nil:
		t.Errorf("backup succeeded where check failed: %v", checkErr)
	}
	if left := dirNames(t, filepath.Dir(out)); backupErr != nil && len(left) > 0 {
		t.Errorf("a refused backup left %v", left)
	}
	ro.Close()
	// what the bot does on a damaged file it managed to open
	rw, err := Open(path, &Options{Timeout: 100 * time.Millisecond, NoSync: true})
	if err != nil {
		return true
	}
	defer rw.Close()
	_, _ = rw.Channels()
	_, _ = rw.OpenPosts()
	_, _ = rw.Leaderboard(testSpace, AllDomains, All, 10, "user-001")
	_, _ = rw.GetStreak(testSpace, "user-001")
	if p, err := rw.LatestPost(testSpace, "general"); err == nil {
		_, _ = rw.PostResults(p.ID, 3)
		_, _ = rw.RecordAnswer(p.ID, "newcomer", "a")
	}
	_, _ = rw.EnsureSpace(SpaceRef{Platform: Console, ID: "other"}, "")
	return checkErr != nil
}

// TestOpenEmptyAndMissing: a 0-byte file and a missing file get clear
// errors when opened for reading.
func TestOpenEmptyAndMissing(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       error
		says       string
	}{
		{"empty", empty, ErrCorrupt, "empty (0 bytes)"},
		{"missing file", filepath.Join(dir, "nope.db"), fs.ErrNotExist, "file does not exist"},
		{"missing directory", filepath.Join(dir, "nodir", "x.db"), fs.ErrNotExist, "directory does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.path, &Options{ReadOnly: true})
			if !errors.Is(err, tt.want) || !bytes.Contains([]byte(err.Error()), []byte(tt.says)) {
				t.Errorf("got %v, want %v saying %q", err, tt.want, tt.says)
			}
		})
	}
}
