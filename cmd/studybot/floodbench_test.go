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

// BenchmarkWebhookFlood floods a Slack HTTP-mode server (a subprocess, the
// default limits) with 5,000 connections that send signed-looking headers
// and then trickle the body a byte every half second, plus 600 unsigned
// POSTs that send 1 KiB of a 512 KiB body and stall. "held": each
// flooder connects once and holds on until the server cuts it; "redial-…":
// it dials again that long after it is cut. During 15 s of it, /healthz is
// probed every 100 ms and a signed slash command sent every 500 ms. It
// reports the server's peak RSS, the slowest probe and command, and the
// failures. One iteration is the whole flood: run it with -benchtime=1x.
func BenchmarkWebhookFlood(b *testing.B) {
	const slow, unsigned, span = 5000, 600, 15 * time.Second
	raiseFileLimit(b, slow+unsigned+1000)
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

// floodOnce runs one flood; with redial 0 each flooder connects once and
// stops when cut, else it dials again redial after.
func floodOnce(b *testing.B, slow, unsigned int, span, redial time.Duration) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestFloodServer$", "-test.count=1")
	cmd.Env = append(os.Environ(), "STUDYBOT_FLOOD_SERVER=1")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	var stats chan string
	out := bufio.NewScanner(stdout)
	addr := ""
	for out.Scan() {
		if f := strings.Fields(out.Text()); len(f) == 2 && f[0] == "ADDR" {
			addr = f[1]
			break
		}
	}
	if addr == "" {
		b.Fatal("the server did not start")
	}
	stats = make(chan string, 1)
	go func() { // owned by cmd: ends when it exits
		defer close(stats)
		for out.Scan() {
			if strings.HasPrefix(out.Text(), "STATS ") {
				stats <- out.Text()
			}
		}
	}()
	rss0 := peakRSS(cmd.Process.Pid)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var dials, cuts atomic.Int64
	// flooder dials, sends head (and the first body bytes), then every
	// half second sends one more byte until the server cuts it; it dials
	// again 200 ms later, until stop.
	flooder := func(head func() string, trickle bool) {
		defer wg.Done()
		buf := make([]byte, 512)
		for {
			select {
			case <-stop:
				return
			default:
			}
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err == nil {
				dials.Add(1)
				io.WriteString(c, head())
				for alive := true; alive; {
					c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
					_, err := c.Read(buf)
					select {
					case <-stop:
						alive = false
						continue
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
	unsignedHead := func() string {
		return fmt.Sprintf("POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", 512<<10, strings.Repeat("a", 1<<10))
	}
	start := time.Now()
	for i := 0; i < slow; i++ {
		wg.Add(1)
		go flooder(signedHead, true)
	}
	for i := 0; i < unsigned; i++ {
		wg.Add(1)
		go flooder(unsignedHead, false)
	}

	// probes and signed commands during the flood
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
	close(stop)
	wg.Wait()
	peak := peakRSS(cmd.Process.Pid)
	stdin.Close()
	b.Log(<-stats)

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
	b.Logf("server RSS %.0f → peak %.0f MiB; %d flood dials, %d cut; /healthz %d probes, p50 %v max %v, %d failed; signed commands %d, p50 %v max %v, %d failed",
		float64(rss0)/1024, float64(peak)/1024, dials.Load(), cuts.Load(), len(probes), hP50.Round(time.Millisecond), hMax.Round(time.Millisecond), hFails,
		len(cmds), cP50.Round(time.Millisecond), cMax.Round(time.Millisecond), cFails)
}
