package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMemoryFootprint builds the real binary, starts it with the bundled
// memo (the console, on a fresh database) and reads its resident set size
// once it is up. Target: under 64 MB (figure in BENCHMARKS.md; it was 50 MB
// for the bank of 41 questions, before the drafted ones shipped).
func TestMemoryFootprint(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc on this system")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "studybot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--db", filepath.Join(dir, "rss.db"), "--clock", "2026-12-01T08:30:00+09:00")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	// wait for the first prompt: the bank is built and today's card is out
	r := bufio.NewReader(stdout)
	deadline := time.Now().Add(20 * time.Second)
	seen := ""
	for !strings.Contains(seen, "you> ") {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt; output so far:\n%s", seen)
		}
		b := make([]byte, 4096)
		n, err := r.Read(b)
		seen += string(b[:n])
		if err == io.EOF {
			t.Fatalf("exited early:\n%s", seen)
		}
	}
	// the prompt comes after start-up (memo, bank, store, today's card):
	// the process is up and idle, nothing to wait for
	status, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	var rssKB int
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			rssKB, _ = strconv.Atoi(f[1])
		}
	}
	t.Logf("RSS after start with the bundled memo: %.1f MB", float64(rssKB)/1024)
	if rssKB == 0 || rssKB > 64*1024 {
		t.Errorf("RSS %d kB, target under 64 MB", rssKB)
	}
}
