package store

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const crashEnv = "STUDYBOT_STORE_CRASH_CHILD"

// TestCrashDurability kills a process with SIGKILL while it records answers
// from many goroutines; every answer it reported as recorded must be there
// after reopening, and the counters must equal a recount.
func TestCrashDurability(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.EnsureSpace(testSpace, "Asia/Tokyo")
	now := time.Now()
	ensureChannel(t, db, testSpace, "general")
	p, err := db.CreatePost(Post{Space: testSpace, Channel: "general", Slot: now, Question: snapshot("q1", 2), OpenedAt: now, ClosesAt: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDurability$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path, "STUDYBOT_POST="+p.ID)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	reported := map[string]bool{}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		line := sc.Text()
		if u, ok := strings.CutPrefix(line, "recorded "); ok {
			reported[u] = true
		}
		if len(reported) >= 400 && !killed {
			cmd.Process.Signal(syscall.SIGKILL) // mid-burst: other goroutines are committing
			killed = true
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("child ended before it was killed, after %d answers", len(reported))
	}

	db, err = Open(path, nil)
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer db.Close()
	for u := range reported {
		if _, err := db.GetAnswer(p.ID, u); err != nil {
			t.Errorf("answer reported as recorded is missing: %s: %v", u, err)
		}
	}
	r, err := db.Check()
	if err != nil {
		t.Fatalf("check after crash: %v %v", err, r.Problems)
	}
	if r.Answers < len(reported) {
		t.Errorf("%d answers stored, %d reported", r.Answers, len(reported))
	}
	t.Logf("killed after %d reported answers; %d stored", len(reported), r.Answers)
}

// crashChild records answers until it is killed, printing each one only
// after RecordAnswer returned (i.e. after its commit).
func crashChild(path string) {
	db, err := Open(path, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	postID := os.Getenv("STUDYBOT_POST")
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				user := fmt.Sprintf("g%02d-u%05d", g, i)
				if _, err := db.RecordAnswer(postID, user, "a"); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Fprintf(w, "recorded %s\n", user)
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
