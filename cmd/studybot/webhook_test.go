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
	"testing"
	"time"

	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/bot/webhook"
)

// slackHTTPServer runs a server in Slack HTTP mode against a loopback fake
// with limits, its listener counted; it returns the server, its address,
// the counter and the clock the signatures must use.
func slackHTTPServer(t *testing.T, limits httpLimits) (*server, string, *countingListener, time.Time) {
	t.Helper()
	sf := slackfake.New("T0001")
	t.Cleanup(sf.Close)
	sf.Join("C1")
	now := time.Now()
	cfg := Config{DB: filepath.Join(t.TempDir(), "w.db"), HTTP: "127.0.0.1:0",
		Slack: SlackConfig{BotToken: "xoxb-x", SigningSecret: "s3cret", Mode: "http", APIURL: sf.URL()}}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	s, err := newServer(cfg, testBank(t), slog.New(slog.DiscardHandler), func() time.Time { return now }, serverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.setLimits(limits)
	counter := &countingListener{}
	s.wrapListener = func(l net.Listener) net.Listener { counter.Listener = l; return counter }
	if err := s.listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	addr := s.listener.Addr().String()
	waitUntil(t, "ready", func() bool { c, _ := get(t, "http://"+addr+"/readyz"); return c == 200 })
	http.DefaultClient.CloseIdleConnections() // leave every slot to the test
	return s, addr, counter, now
}

// signedHeaders returns Slack's signature headers for body at ts as
// request header lines.
func signedHeaders(body string, ts time.Time) string {
	var b strings.Builder
	for k, v := range slackfake.Sign("s3cret", []byte(body), ts) {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v[0])
	}
	return b.String()
}

// TestWebhookBodyNeverReadWhenRefused: the server reads not one byte past
// the headers of an unsigned, malformed, stale or oversized request: it
// answers and closes.
func TestWebhookBodyNeverReadWhenRefused(t *testing.T) {
	lim := defaultHTTPLimits
	_, addr, counter, now := slackHTTPServer(t, lim)
	for _, tc := range []struct {
		name    string
		headers string
		length  int
		want    int
	}{
		{"unsigned", "", 4000, 401},
		{"signature without v0=", "X-Slack-Request-Timestamp: " + fmt.Sprint(now.Unix()) + "\r\nX-Slack-Signature: " + strings.Repeat("a", 67) + "\r\n", 4000, 401},
		{"stale timestamp", signedHeaders("x", now.Add(-10*time.Minute)), 4000, 401},
		{"oversized, signed", signedHeaders("x", now), 1 << 20, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			before := counter.bytesRead()
			head := fmt.Sprintf("POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n%s\r\n", tc.length, tc.headers)
			io.WriteString(c, head)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.want || !res.Close {
				t.Errorf("answer %d (close %v), want %d and close", res.StatusCode, res.Close, tc.want)
			}
			// the body now arrives: the server must not read it
			c.Write([]byte(strings.Repeat("a", 4000)))
			io.Copy(io.Discard, c) // until the server closes
			if got := counter.bytesRead() - before; got != int64(len(head)) {
				t.Errorf("server read %d bytes, the headers are %d", got, len(head))
			}
		})
	}
}

// TestWebhookFloodOfTrickledBodies: trickling signed-looking bodies (5×
// the connection cap) hold every connection and every body slot; the cap
// evicts the slowest bodies, /healthz answers at once and a signed slash
// command is served within Slack's 3 s.
func TestWebhookFloodOfTrickledBodies(t *testing.T) {
	const conns, bodies = 8, 8
	lim := defaultHTTPLimits
	lim.ReadHeader, lim.Read, lim.MaxConns = time.Minute, time.Minute, conns
	lim.Body = webhook.Limits{MaxBodies: bodies, Grace: time.Minute, MinRate: 1, MaxTime: time.Minute, Preempt: time.Millisecond}
	s, addr, counter, now := slackHTTPServer(t, lim)
	var flood []net.Conn
	defer func() {
		for _, c := range flood {
			c.Close()
		}
	}()
	for i := 0; i < 5*conns; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		flood = append(flood, c)
		fmt.Fprintf(c, "POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n%s\r\nab", signedHeaders("x", now))
	}
	waitUntil(t, "every connection reading a body", func() bool { return s.gate.Reading() == bodies })
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	res, err := client.Get("http://" + addr + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz during the flood: %v %v", res, err)
	}
	res.Body.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("healthz took %v behind the flood", d)
	}
	time.Sleep(2 * time.Millisecond) // age the flood's bodies past Preempt
	body := "command=%2Fmemo&text=CodeDeploy&team_id=T0001&channel_id=C1&user_id=U1&trigger_id=t1&response_url=http%3A%2F%2F127.0.0.1%3A1%2F"
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(body))
	for k, v := range slackfake.Sign("s3cret", []byte(body), now) {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	start = time.Now()
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "CodeDeploy") {
		t.Errorf("signed command during the flood: %d %.200s", res.StatusCode, b)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("signed command took %v", d)
	}
	if ev := s.conns.Evicted(); ev["body"] == 0 {
		t.Errorf("no trickled body evicted: %v", ev)
	}
	if most := counter.most(); most > conns+1 {
		t.Errorf("%d connections open at once, cap %d", most, conns)
	}
}
