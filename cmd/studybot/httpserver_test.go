package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/slack/slackfake"
)

// TestSlackHTTPModeReady: in Slack HTTP mode there is no connection to
// keep; once auth.test passes the adapter is ready, and stays ready past
// the reconnect bound (it used to turn 503 after two minutes, which would
// take the pod out of service).
func TestSlackHTTPModeReady(t *testing.T) {
	sf := slackfake.New("T0001")
	defer sf.Close()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	cfg := Config{DB: filepath.Join(t.TempDir(), "h.db"), HTTP: "127.0.0.1:0",
		Slack: SlackConfig{BotToken: "xoxb-x", SigningSecret: "s", Mode: "http", APIURL: sf.URL()}}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	s, err := newServer(cfg, testBank(t), slog.New(slog.DiscardHandler), clock, serverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.listen(); err != nil {
		t.Fatal(err)
	}
	base := "http://" + s.listener.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	defer func() { cancel(); <-done }()
	waitUntil(t, "ready after auth.test", func() bool { c, _ := get(t, base+"/readyz"); return c == 200 })
	mu.Lock()
	now = now.Add(3 * reconnectBound)
	mu.Unlock()
	if c, b := get(t, base+"/readyz"); c != 200 {
		t.Errorf("HTTP mode after %v: %d %s", 3*reconnectBound, c, b)
	}
}

// TestHTTPServerLimits drives the server with loopback slow clients: a
// partial header, a partial body and an idle keep-alive are each cut off
// by a timeout, big headers are refused, and a flood never holds more
// connections than the cap while /healthz still answers.
func TestHTTPServerLimits(t *testing.T) {
	s := newOpsServer(Config{HTTP: "127.0.0.1:0"}, slog.New(slog.DiscardHandler), nil, nil, newMetrics(), time.Now)
	s.mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) { io.Copy(w, r.Body) })
	const limit = 8
	s.setLimits(httpLimits{ReadHeader: 200 * time.Millisecond, Read: 400 * time.Millisecond, Write: time.Second, Idle: 300 * time.Millisecond,
		MaxHeaderBytes: 4 << 10, MaxConns: limit, Ops: 4})
	counter := &countingListener{}
	s.wrapListener = func(l net.Listener) net.Listener { counter.Listener = l; return counter }
	if err := s.listen(); err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { defer close(served); s.serveHTTP() }()
	defer func() { s.shutdownHTTP(); <-served }()
	addr := s.listener.Addr().String()

	// cutOff dials, sends what, and reports how long the server took to close.
	cutOff := func(what string) time.Duration {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		io.WriteString(c, what)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		io.Copy(io.Discard, c) // until the server closes (or the deadline)
		return time.Since(start)
	}
	if d := cutOff("GET /healthz HTTP/1.1\r\nHost: x\r\n"); d > 2*time.Second {
		t.Errorf("partial header held %v", d)
	}
	if d := cutOff("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly-a-bit"); d > 2*time.Second {
		t.Errorf("partial body held %v", d)
	}
	if d := cutOff("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); d > 2*time.Second {
		t.Errorf("idle keep-alive held %v", d)
	}
	c, _ := net.Dial("tcp", addr)
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", 8<<10))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("big header: %v %v", res, err)
	}
	c.Close()

}

// TestHTTPServerFlood: a flood of slow clients (5× the cap, each holding
// half a request line, with a header timeout far longer than the test)
// never holds more than the cap (plus the one being admitted), and
// /healthz answers at once: the oldest pending slow connection makes room.
func TestHTTPServerFlood(t *testing.T) {
	s := newOpsServer(Config{HTTP: "127.0.0.1:0"}, slog.New(slog.DiscardHandler), nil, nil, newMetrics(), time.Now)
	const limit = 8
	s.setLimits(httpLimits{ReadHeader: time.Minute, Read: time.Minute, Write: time.Minute, Idle: time.Minute, MaxHeaderBytes: 4 << 10, MaxConns: limit, Ops: 4})
	counter := &countingListener{}
	s.wrapListener = func(l net.Listener) net.Listener { counter.Listener = l; return counter }
	if err := s.listen(); err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { defer close(served); s.serveHTTP() }()
	defer func() { s.shutdownHTTP(); <-served }()
	addr := s.listener.Addr().String()

	var flood []net.Conn
	defer func() {
		for _, c := range flood {
			c.Close()
		}
	}()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for round := 0; round < 3; round++ {
		for i := 0; i < 5*limit; i++ {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(c, "GET /healthz HTTP/1.1\r\n")
			flood = append(flood, c)
		}
		start := time.Now()
		res, err := client.Get("http://" + addr + "/healthz")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("healthz during the flood: %v %v", res, err)
		}
		res.Body.Close()
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("round %d: healthz took %v behind the flood", round, d)
		}
	}
	if most := counter.most(); most > limit+1 || most == 0 {
		t.Errorf("%d connections open at once, cap %d", most, limit)
	}
}

// countingListener counts the server's open connections and the bytes
// it read from them.
type countingListener struct {
	net.Listener
	mu         sync.Mutex
	open, peak int
	read       int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.open++
	l.peak = max(l.peak, l.open)
	l.mu.Unlock()
	return &countedConn{Conn: c, l: l}, nil
}

// bytesRead returns the bytes the server read from every connection.
func (l *countingListener) bytesRead() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.read
}

func (l *countingListener) most() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.peak
}

type countedConn struct {
	net.Conn
	l    *countingListener
	once sync.Once
}

func (c *countedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.l.mu.Lock()
	c.l.read += int64(n)
	c.l.mu.Unlock()
	return n, err
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// TestConsoleServesHTTP: --http is honoured in console mode: health,
// readiness and metrics are served while the console runs.
func TestConsoleServesHTTP(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	in, feed := io.Pipe()
	var out, errb strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"--db", filepath.Join(t.TempDir(), "c.db"), "--http", addr, "--clock", "2026-12-01T08:30:00+09:00"}, in, &syncWriter{w: &out}, &syncWriter{w: &errb}, noEnv)
	}()
	base := "http://" + addr
	waitUntil(t, "console health", func() bool {
		res, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	if c, b := get(t, base+"/readyz"); c != 200 {
		t.Errorf("readyz: %d %s", c, b)
	}
	if c, b := get(t, base+"/metrics"); c != 200 || !strings.Contains(b, "studybot_db_size_bytes") {
		t.Errorf("metrics: %d %.200s", c, b)
	}
	io.WriteString(feed, "/quit\n")
	feed.Close()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("still serving after the console ended")
	}
}

// syncWriter serialises writes from the console and its logger.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
