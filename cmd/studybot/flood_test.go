package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// procStat returns a process's resident set size (kB) and open files.
func procStat(pid int) (rssKB, fds int) {
	status, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			rssKB, _ = strconv.Atoi(f[1])
		}
	}
	ents, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	return rssKB, len(ents)
}

// TestSlowClientFlood floods the real binary's --http server (console
// mode) with slow clients that send half a request line and hold the
// connection, and measures the server's RSS and open files, /healthz
// during the flood, and how fast the slow connections are cut. It runs
// with STUDYBOT_LOAD=1 (figures in BENCHMARKS.md).
func TestSlowClientFlood(t *testing.T) {
	if os.Getenv("STUDYBOT_LOAD") == "" {
		t.Skip("set STUDYBOT_LOAD=1 to run the flood")
	}
	n := 15000
	if s := os.Getenv("STUDYBOT_FLOOD"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "studybot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--db", filepath.Join(dir, "flood.db"), "--http", addr, "--clock", "2026-12-01T08:30:00+09:00")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	go io.Copy(io.Discard, bufio.NewReader(stdout))
	probe := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	healthz := func() (time.Duration, bool) {
		start := time.Now()
		res, err := probe.Get("http://" + addr + "/healthz")
		if err != nil {
			return time.Since(start), false
		}
		res.Body.Close()
		return time.Since(start), res.StatusCode == 200
	}
	waitUntil(t, "healthz", func() bool { _, ok := healthz(); return ok })
	pid := cmd.Process.Pid
	rss0, fd0 := procStat(pid)

	var peakRSS, peakFD atomic.Int64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(2)
	go func() {
		defer sampler.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			rss, fds := procStat(pid)
			if int64(rss) > peakRSS.Load() {
				peakRSS.Store(int64(rss))
			}
			if int64(fds) > peakFD.Load() {
				peakFD.Store(int64(fds))
			}
		}
	}()
	var mu sync.Mutex
	var lat []time.Duration
	fails := 0
	go func() {
		defer sampler.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
			d, ok := healthz()
			mu.Lock()
			if ok {
				lat = append(lat, d)
			} else {
				fails++
			}
			mu.Unlock()
		}
	}()

	// the flood
	start := time.Now()
	var conns []net.Conn
	var cmu sync.Mutex
	var dialFails atomic.Int64
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for w := 0; w < 200; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				c, err := net.DialTimeout("tcp", addr, 2*time.Second)
				if err != nil {
					dialFails.Add(1)
					continue
				}
				io.WriteString(c, "GET /healthz HTTP/1.1\r\n")
				cmu.Lock()
				conns = append(conns, c)
				cmu.Unlock()
			}
		}()
	}
	wg.Wait()
	dialed := time.Since(start)
	// wait for the server to cut them all: its open files back near the start
	cutStart := time.Now()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		_, fds := procStat(pid)
		if fds <= fd0+5 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	cut := time.Since(cutStart)
	close(stop)
	sampler.Wait()
	for _, c := range conns {
		c.Close()
	}
	d, ok := healthz()
	mu.Lock()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	summary := fmt.Sprintf("%d slow clients (%d connected, %d dials failed) in %v; server RSS %.1f → peak %.1f MB, open files %d → peak %d; "+
		"all cut %v after the last dial; /healthz during the flood: %d ok, %d failed (2 s timeout)",
		n, len(conns), dialFails.Load(), dialed.Round(time.Millisecond), float64(rss0)/1024, float64(peakRSS.Load())/1024, fd0, peakFD.Load(),
		cut.Round(100*time.Millisecond), len(lat), fails)
	if len(lat) > 0 {
		summary += fmt.Sprintf(", latency p50 %v max %v", lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	}
	mu.Unlock()
	t.Log(summary)
	t.Logf("/healthz after the flood: %v %v", ok, d.Round(time.Millisecond))
	if !ok {
		t.Error("/healthz dead after the flood")
	}
	if peakFD.Load() > int64(fd0+defaultHTTPLimits.MaxConns+50) {
		t.Errorf("server held %d files, cap %d connections", peakFD.Load(), defaultHTTPLimits.MaxConns)
	}
	if peakRSS.Load() > 100*1024 {
		t.Errorf("server RSS peaked at %d kB", peakRSS.Load())
	}
}
