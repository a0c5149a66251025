package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/studybot/studybot/store"
)

func TestStoreCompact(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	seedDB(t, db)
	old, _ := os.ReadFile(db)

	code, o, e := runCmd(t, "store", "compact", "--db", db)
	if code != 0 || !strings.Contains(o, "compacted "+db) || !strings.Contains(o, "smaller); checked: 2 answers") || !strings.Contains(o, "kept the replaced database as "+db+".before-compact-") {
		t.Fatalf("store compact: %d\n%s%s", code, o, e)
	}
	kept, _ := filepath.Glob(db + ".before-compact-*")
	if len(kept) != 1 {
		t.Fatalf("kept files: %v", kept)
	}
	if got, _ := os.ReadFile(kept[0]); !bytes.Equal(got, old) {
		t.Error("the kept file is not the database as it was")
	}
	if code, o, _ := runCmd(t, "store", "check", "--db", db); code != 0 || !strings.Contains(o, "2 answers") {
		t.Errorf("check after compacting: %s", o)
	}
	// the compacted database runs
	var out strings.Builder
	if code := run([]string{"--db", db, "--clock", "2026-12-01T08:40:00+09:00", "--user", "carol"}, strings.NewReader("a\n/quit\n"), &out, &out, noEnv); code != 0 {
		t.Fatalf("console on the compacted database: %s", out.String())
	}
	if code, o, _ := runCmd(t, "store", "check", "--db", db); code != 0 || !strings.Contains(o, "3 answers") {
		t.Errorf("check after answering: %s", o)
	}
}

func TestStoreCompactRefuses(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	seedDB(t, db)
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("x", 9000)), 0o600)
	held, err := store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(db)
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--db", db}, 1, []string{"in use by a running studybot", "stop it first", "nothing changed"}},
		{[]string{"--db", garbage}, 1, []string{"corrupt", "studybot store check", "Nothing changed"}},
		{[]string{"--db", filepath.Join(dir, "nope.db")}, 1, []string{"does not exist", "nothing changed"}},
		{[]string{"other.db", "--db", db}, 2, []string{"unexpected \"other.db\"", "--db"}},
	} {
		code, _, e := runCmd(t, append([]string{"store", "compact"}, tc.args...)...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, code, tc.code, e)
		}
		for _, w := range tc.want {
			if !strings.Contains(e, w) {
				t.Errorf("%v: %q lacks %q", tc.args, e, w)
			}
		}
	}
	held.Close()
	if after, _ := os.ReadFile(db); !bytes.Equal(after, before) {
		t.Error("a refused compaction changed the database")
	}
	if names, _ := filepath.Glob(filepath.Join(dir, "*")); len(names) != 2 {
		t.Errorf("files left: %v", names)
	}
}

func TestCompactHint(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("compact: %w: write: no space left on device", store.ErrNoSpace), "/data has no room for the compacted copy (it needs up to 234.9 MB"},
		{fmt.Errorf("compact: %w: permission denied", store.ErrReadOnly), "written in /data, which this user cannot write"},
		{fmt.Errorf("compact: %w", store.ErrCorrupt), "restore BACKUP"},
		{fmt.Errorf("compact: %w", fs.ErrExist), "does not exist yet"},
		{errors.New("something else"), ""},
	} {
		got := compactHint(tc.err, "/data/studybot.db", 234_900_000)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%v: %q, want %q", tc.err, got, tc.want)
		}
	}
}
