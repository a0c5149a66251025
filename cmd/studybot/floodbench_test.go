package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/slack/slackfake"
)

// TestFloodServer is the server of BenchmarkWebhookFlood, run in a
// subprocess so that its memory is measured alone: Slack HTTP mode with
// the default limits, its address on stdout, until stdin closes.
func TestFloodServer(t *testing.T) {
	if os.Getenv("STUDYBOT_FLOOD_SERVER") == "" {
		t.Skip("the server of BenchmarkWebhookFlood")
	}
	s, addr, _, _ := slackHTTPServer(t, defaultHTTPLimits)
	fmt.Printf("ADDR %s\n", addr)
	io.Copy(io.Discard, os.Stdin)
	fmt.Printf("STATS evicted %v; refused: busy %d, slow body %d\n", s.conns.Evicted(), s.refused.Total("busy"), s.refused.Total("slow body"))
}

// TestFloodClients is the flood of BenchmarkWebhookFlood, run in a
// subprocess of its own so that its thousands of goroutines do not delay
// the probes: STUDYBOT_FLOOD_CLIENTS is "addr slow unsigned redial"; it
// floods until stdin closes.
func TestFloodClients(t *testing.T) {
	f := strings.Fields(os.Getenv("STUDYBOT_FLOOD_CLIENTS"))
	if len(f) != 4 {
		t.Skip("the flood of BenchmarkWebhookFlood")
	}
	addr := f[0]
	slow, _ := strconv.Atoi(f[1])
	unsigned, _ := strconv.Atoi(f[2])
	redial, _ := time.ParseDuration(f[3])
	raiseFileLimit(t, uint64(slow+unsigned+100))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var dials, cuts atomic.Int64
	// flooder dials, sends head (and the first body bytes), then every
	// half second sends one more byte (trickle) until the server cuts it;
	// with redial > 0 it dials again that long after, until stop.
	flooder := func(head func() string, trickle bool) {
		defer wg.Done()
		buf := make([]byte, 512)
		for {
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err == nil {
				dials.Add(1)
				c.SetWriteDeadline(time.Now().Add(5 * time.Second))
				io.WriteString(c, head())
				for alive := true; alive; {
					c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
					_, err := c.Read(buf)
					select {
					case <-stop:
						c.Close()
						return
					default:
					}
					if ne, ok := err.(net.Error); ok && ne.Timeout() {
						if trickle {
							c.Write([]byte("a"))
						}
						continue
					}
					alive = false // answered or cut
					cuts.Add(1)
				}
				c.Close()
			}
			if redial == 0 {
				return
			}
			select {
			case <-stop:
				return
			case <-time.After(redial):
			}
		}
	}
	signedHead := func() string {
		return fmt.Sprintf("POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 16000\r\n%s\r\ncommand=", signedHeaders("x", time.Now()))
	}
	unsignedBody := strings.Repeat("a", 511<<10)
	unsignedHead := func() string {
		return fmt.Sprintf("POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", 512<<10, unsignedBody)
	}
	for i := 0; i < slow; i++ {
		wg.Add(1)
		go flooder(signedHead, true)
	}
	for i := 0; i < unsigned; i++ {
		wg.Add(1)
		go flooder(unsignedHead, false)
	}
	io.Copy(io.Discard, os.Stdin)
	close(stop)
	wg.Wait()
	fmt.Printf("STATS %d flood dials, %d cut\n", dials.Load(), cuts.Load())
}

// raiseFileLimit lifts the soft limit on open files to the hard one.
func raiseFileLimit(tb testing.TB, need uint64) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		tb.Fatal(err)
	}
	if rl.Cur < rl.Max {
		rl.Cur = rl.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
	if rl.Cur < need {
		tb.Skipf("needs %d open files, the limit is %d", need, rl.Cur)
	}
}

// peakRSS returns a process's peak resident set size (VmHWM) in kB.
func peakRSS(pid int) int {
	status, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

// helper runs this test binary's test named run as a subprocess with env;
// lines starting with "ADDR " and "STATS " come back on the channels.
type helper struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	addr  chan string
	stats chan string
}

func startHelper(b *testing.B, run string, env ...string) *helper {
	cmd := exec.Command(os.Args[0], "-test.run=^"+run+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	h := &helper{cmd: cmd, addr: make(chan string, 1), stats: make(chan string, 1)}
	h.stdin, _ = cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() { // owned by cmd: ends when it exits
		out := bufio.NewScanner(stdout)
		for out.Scan() {
			switch f := strings.SplitN(out.Text(), " ", 2); f[0] {
			case "ADDR":
				h.addr <- f[1]
			case "STATS":
				h.stats <- f[1]
			}
		}
		close(h.addr)
		close(h.stats)
	}()
	return h
}

// stop closes the helper's stdin and returns its STATS line.
func (h *helper) stop() string {
	h.stdin.Close()
	s := <-h.stats
	h.cmd.Wait()
	return s
}

// BenchmarkWebhookFlood floods a Slack HTTP-mode server (a subprocess, the
// default limits) from a second subprocess with 5,000 connections that
// send signed-looking headers and then trickle the body a byte every half
// second, plus 600 unsigned POSTs that send 511 KiB of a 512 KiB body and
// stall. "held": each flooder connects once and holds on until the server
// cuts it; "redial-…": it dials again that long after it is cut. For 15 s
// from the flood's start, this process probes /healthz every 100 ms and
// sends a signed slash command every 500 ms. It reports the server's peak
// RSS, the slowest probe and command, and the failures. One iteration is
// the whole flood: run it with -benchtime=1x.
func BenchmarkWebhookFlood(b *testing.B) {
	const slow, unsigned, span = 5000, 600, 15 * time.Second
	raiseFileLimit(b, 1000)
	for _, redial := range []time.Duration{0, time.Second, 200 * time.Millisecond} {
		name := "held"
		if redial > 0 {
			name = "redial-" + redial.String()
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				floodOnce(b, slow, unsigned, span, redial)
			}
		})
	}
}

func floodOnce(b *testing.B, slow, unsigned int, span, redial time.Duration) {
	srv := startHelper(b, "TestFloodServer", "STUDYBOT_FLOOD_SERVER=1")
	addr, ok := <-srv.addr
	if !ok {
		srv.cmd.Wait()
		b.Fatal("the server did not start")
	}
	pid := srv.cmd.Process.Pid
	rss0 := peakRSS(pid)
	flood := startHelper(b, "TestFloodClients", fmt.Sprintf("STUDYBOT_FLOOD_CLIENTS=%s %d %d %s", addr, slow, unsigned, redial))
	start := time.Now()

	type result struct {
		d   time.Duration
		ok  bool
		err string
	}
	why := func(res *http.Response, err error) string {
		if err != nil {
			return err.Error()
		}
		return res.Status
	}
	var mu sync.Mutex
	var probes, cmds []result
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var pw sync.WaitGroup
	pw.Add(2)
	go func() {
		defer pw.Done()
		for time.Since(start) < span {
			t0 := time.Now()
			res, err := client.Get("http://" + addr + "/healthz")
			ok := err == nil && res.StatusCode == 200
			if err == nil {
				res.Body.Close()
			}
			mu.Lock()
			probes = append(probes, result{time.Since(t0), ok, why(res, err)})
			mu.Unlock()
			time.Sleep(100 * time.Millisecond)
		}
	}()
	go func() {
		defer pw.Done()
		for i := 0; time.Since(start) < span; i++ {
			body := fmt.Sprintf("command=%%2Fmemo&text=CodeDeploy&team_id=T0001&channel_id=C1&user_id=U1&trigger_id=flood%d&response_url=http%%3A%%2F%%2F127.0.0.1%%3A1%%2F", i)
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(body))
			for k, v := range slackfake.Sign("s3cret", []byte(body), time.Now()) {
				req.Header[k] = v
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			t0 := time.Now()
			res, err := client.Do(req)
			ok := err == nil && res.StatusCode == 200
			if err == nil {
				res.Body.Close()
			}
			mu.Lock()
			cmds = append(cmds, result{time.Since(t0), ok, why(res, err)})
			mu.Unlock()
			time.Sleep(500 * time.Millisecond)
		}
	}()
	pw.Wait()
	floodStats := flood.stop()
	peak := peakRSS(pid)
	serverStats := srv.stop()

	summarize := func(rs []result) (worst time.Duration, p50 time.Duration, fails int) {
		var ds []time.Duration
		for _, r := range rs {
			if !r.ok {
				fails++
				if fails <= 3 {
					b.Logf("failed after %v: %s", r.d.Round(time.Millisecond), r.err)
				}
			}
			ds = append(ds, r.d)
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		if len(ds) > 0 {
			worst, p50 = ds[len(ds)-1], ds[len(ds)/2]
		}
		return worst, p50, fails
	}
	hMax, hP50, hFails := summarize(probes)
	cMax, cP50, cFails := summarize(cmds)
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(hMax.Milliseconds()), "healthz-max-ms")
	b.ReportMetric(float64(hFails), "healthz-fails")
	b.ReportMetric(float64(cMax.Milliseconds()), "command-max-ms")
	b.ReportMetric(float64(cFails), "command-fails")
	b.Logf("server: %s; flood: %s", serverStats, floodStats)
	b.Logf("server RSS %.0f → peak %.0f MiB; /healthz %d probes, p50 %v max %v, %d failed; signed commands %d, p50 %v max %v, %d failed",
		float64(rss0)/1024, float64(peak)/1024, len(probes), hP50.Round(time.Millisecond), hMax.Round(time.Millisecond), hFails,
		len(cmds), cP50.Round(time.Millisecond), cMax.Round(time.Millisecond), cFails)
}
