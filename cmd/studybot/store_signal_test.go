//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/studybot/studybot/store"
)

// The child side of TestBackupInterrupted: run `studybot backup` as the
// environment says and exit with its code.
func init() {
	db, target := os.Getenv("STUDYBOT_BACKUP_CHILD_DB"), os.Getenv("STUDYBOT_BACKUP_CHILD_TARGET")
	if db == "" {
		return
	}
	os.Exit(run([]string{"backup", target, "--db", db}, strings.NewReader(""), os.Stdout, os.Stderr, noEnv))
}

// busyDB writes a database with posts × users answers, big enough for a
// backup to take a while.
func busyDB(t *testing.T, path string, posts, users int) {
	t.Helper()
	db, err := store.Open(path, &store.Options{NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sp := store.SpaceRef{Platform: store.Console, ID: "team"}
	if _, err := db.EnsureSpace(sp, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	if err := db.PutChannel(store.Channel{Space: sp, ID: "general", Cron: "0 9 * * *", TZ: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range posts {
		q := store.Snapshot{QuestionID: fmt.Sprintf("q%d", i), Domain: 1 + i%4, Type: "cloze", Stem: "stem", AnswerID: "a"}
		for _, o := range []string{"a", "b", "c", "d"} {
			q.Options = append(q.Options, store.SnapOption{ID: o, Text: o})
		}
		at := start.Add(time.Duration(i) * time.Hour)
		p, err := db.CreatePost(store.Post{Space: sp, Channel: "general", Slot: at, Question: q, OpenedAt: at, ClosesAt: at.Add(100 * 24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		for u := range users {
			if _, err := db.RecordAnswer(p.ID, fmt.Sprintf("user-%05d", u), []string{"a", "b", "c", "d"}[(u+i)%4]); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestBackupInterrupted: SIGINT (and SIGTERM) stop a running `studybot
// backup`, which exits 1 and leaves neither its temporary file nor the
// target. The signal is sent once the temporary file exists.
func TestBackupInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a database of 4,000 answers")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "s.db")
	busyDB(t, dbPath, 10, 400)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "b.db")
			cmd := exec.Command(os.Args[0], "-test.run", "XXX")
			cmd.Env = append(os.Environ(), "STUDYBOT_BACKUP_CHILD_DB="+dbPath, "STUDYBOT_BACKUP_CHILD_TARGET="+out)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				if m, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".b.db.compact-*")); len(m) > 0 {
					break
				}
				if _, err := os.Stat(out); err == nil || time.Now().After(deadline) {
					cmd.Wait()
					t.Skipf("the backup ended before it could be interrupted: %s", stderr.String())
				}
				time.Sleep(time.Millisecond) // polling for the file to appear
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Fatalf("exit: %v, want 1; stderr %s", err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "context canceled") {
				t.Errorf("stderr %q does not say the backup was stopped", stderr.String())
			}
			if names, _ := os.ReadDir(filepath.Dir(out)); len(names) > 0 {
				t.Errorf("left behind: %v", names)
			}
		})
	}
}
