package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/store"
)

// seedDB makes a database with two answers through the console.
func seedDB(t *testing.T, path string) {
	t.Helper()
	var out strings.Builder
	if code := run([]string{"--db", path, "--clock", "2026-12-01T08:30:00+09:00"}, strings.NewReader("a\n/as bob\nb\n/quit\n"), &out, &out, noEnv); code != 0 {
		t.Fatalf("seed: %s", out.String())
	}
}

func TestBackupRotation(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "s.db")
	seedDB(t, dbPath)
	db, err := store.Open(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bdir := filepath.Join(dir, "backups")
	base := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	for i := 0; i < 4; i++ {
		if _, _, err := backupOnce(context.Background(), db, bdir, 2, base.AddDate(0, 0, i)); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(bdir, "studybot-*.db"))
	if len(files) != 2 || !strings.HasSuffix(files[1], "studybot-20261204-030000.db") {
		t.Fatalf("after rotation: %v", files)
	}
	if got := latestBackup(bdir); !got.Equal(base.AddDate(0, 0, 3)) {
		t.Errorf("latest backup %v", got)
	}
	// each backup is a sound database
	b, err := store.Open(files[1], &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := b.Check(); err != nil || r.Answers != 2 {
		t.Errorf("backup check: %+v %v", r, err)
	}
	b.Close()
}

func TestRestoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "s.db")
	seedDB(t, dbPath)
	backup := filepath.Join(dir, "b.db")
	if code, o, e := runCmd(t, "backup", backup, "--db", dbPath); code != 0 {
		t.Fatalf("backup: %s %s", o, e)
	}
	// more answers after the backup
	var out strings.Builder
	run([]string{"--db", dbPath, "--clock", "2026-12-01T08:40:00+09:00", "--user", "carol"}, strings.NewReader("a\n/quit\n"), &out, &out, noEnv)

	// refuses while a studybot holds the database
	held, err := store.Open(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	code, _, e := runCmd(t, "restore", backup, "--db", dbPath)
	held.Close()
	if code == 0 || !strings.Contains(e, "in use") {
		t.Fatalf("restore over a running database: %d %s", code, e)
	}
	// refuses a corrupt backup, nothing changed
	bad := filepath.Join(dir, "bad.db")
	os.WriteFile(bad, []byte(strings.Repeat("x", 9000)), 0o600)
	if code, _, e := runCmd(t, "restore", bad, "--db", dbPath); code == 0 || !strings.Contains(e, "not usable") {
		t.Errorf("corrupt backup: %d %s", code, e)
	}
	if code, o, _ := runCmd(t, "store", "check", "--db", dbPath); code != 0 || !strings.Contains(o, "3 answers") {
		t.Fatalf("database changed by refused restores: %s", o)
	}
	// restores, keeping the replaced file
	code, o, e := runCmd(t, "restore", backup, "--db", dbPath)
	if code != 0 || !strings.Contains(o, "restored") || !strings.Contains(o, "kept the replaced database") {
		t.Fatalf("restore: %d %s %s", code, o, e)
	}
	if code, o, _ := runCmd(t, "store", "check", "--db", dbPath); code != 0 || !strings.Contains(o, "2 answers") {
		t.Errorf("after restore: %s", o)
	}
	kept, _ := filepath.Glob(dbPath + ".before-restore-*")
	if len(kept) != 1 {
		t.Errorf("replaced file not kept: %v", kept)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer ok.Close()
	addr := strings.TrimPrefix(ok.URL, "http://")
	if code, o, _ := runCmd(t, "healthcheck", addr); code != 0 || !strings.Contains(o, "healthy") {
		t.Errorf("healthy: %d %s", code, o)
	}
	ok.Close()
	if code, _, e := runCmd(t, "healthcheck", addr); code == 0 || !strings.Contains(e, "unhealthy") {
		t.Errorf("down: %d %s", code, e)
	}
}
