package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/store"
)

// String returns what was written so far (a *strings.Builder's).
func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.(*strings.Builder).String()
}

var reLink = regexp.MustCompile(`http://[^ \n]+/admin/login\?t=[A-Za-z0-9_-]{43}`)

// TestConsoleWebSignIn: the console with --http prints a sign-in link on
// start; it opens the pages once (through the real listener and its
// gate), a change needs the CSRF token, sign-out ends the session, and
// /studybot web in the console replies with a new working link.
func TestConsoleWebSignIn(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	in, feed := io.Pipe()
	out, errb := &syncWriter{w: &strings.Builder{}}, &syncWriter{w: &strings.Builder{}}
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"--db", filepath.Join(t.TempDir(), "c.db"), "--http", addr, "--lang", "en", "--clock", "2026-12-01T08:30:00+09:00"},
			in, out, errb, noEnv)
	}()
	var link string
	// the console's start (loading the bundled bank under -race) can take
	// longer than waitUntil's 5 s on a loaded machine
	waitLong(t, "a sign-in link on start", func() bool { link = reLink.FindString(out.String()); return link != "" })
	if !strings.HasPrefix(link, "http://"+addr+"/admin/login?t=") {
		t.Errorf("link %q, want the listen address %s", link, addr)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	fetch := func(method, target string, form url.Values) (int, string) {
		t.Helper()
		var res *http.Response
		var err error
		if method == "POST" {
			res, err = c.PostForm(target, form)
		} else {
			res, err = c.Get(target)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, page := fetch("GET", link, nil)
	if code != 200 || !strings.Contains(page, "signed in as you in workspace console:local") {
		t.Fatalf("after the link: %d %s", code, page)
	}
	if code, _ := fetch("GET", link, nil); code != http.StatusForbidden {
		t.Errorf("the link again: %d, want 403", code)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil {
		t.Fatalf("no csrf token in %s", page)
	}
	base := "http://" + addr
	if code, _ := fetch("POST", base+"/admin/logout", url.Values{"csrf": {"wrong"}}); code != http.StatusForbidden {
		t.Errorf("logout with a wrong token: %d, want 403", code)
	}
	if code, body := fetch("POST", base+"/admin/logout", url.Values{"csrf": {csrf[1]}}); code != 200 || !strings.Contains(body, "signed out") {
		t.Errorf("logout: %d %s", code, body)
	}
	if code, _ := fetch("GET", base+"/admin/", nil); code != http.StatusForbidden {
		t.Errorf("after logout: %d, want 403", code)
	}
	// /studybot web in the console: a private reply with a fresh link
	before := out.String()
	io.WriteString(feed, "/studybot web\n")
	var again string
	waitLong(t, "the reply to /studybot web", func() bool {
		again = reLink.FindString(strings.TrimPrefix(out.String(), before))
		return again != ""
	})
	if again == link || !strings.Contains(strings.TrimPrefix(out.String(), before), "listen address") {
		t.Errorf("reply to /studybot web: %s", strings.TrimPrefix(out.String(), before))
	}
	if code, page := fetch("GET", again, nil); code != 200 || !strings.Contains(page, "signed in as you") {
		t.Errorf("the command's link: %d %s", code, page)
	}
	io.WriteString(feed, "/quit\n")
	feed.Close()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}

// TestServerMountsWeb: in serve mode the pages are mounted on the --http
// listener, refused without a session, with their POST bodies accepted
// through the gate (a refusal of the token, not of the body).
func TestServerMountsWeb(t *testing.T) {
	sf := slackfake.New("T0001")
	defer sf.Close()
	cfg := Config{DB: filepath.Join(t.TempDir(), "h.db"), HTTP: "127.0.0.1:0", PublicURL: "https://studybot.example.com",
		Slack: SlackConfig{BotToken: "xoxb-x", SigningSecret: "s", Mode: "http", APIURL: sf.URL()}}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	s, err := newServer(cfg, testBank(t), slog.New(slog.DiscardHandler), time.Now, serverOptions{})
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
	if c, b := get(t, base+"/admin/"); c != http.StatusForbidden || !strings.Contains(b, "cannot be opened") && !strings.Contains(b, "開けません") {
		t.Errorf("GET /admin/: %d %s", c, b)
	}
	res, err := http.PostForm(base+"/admin/bulk", url.Values{"csrf": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("POST /admin/bulk: %d %v", res.StatusCode, res.Header)
	}
	// a link of a Slack admin: under the public URL, opened on the listener
	sp := store.SpaceRef{Platform: store.Slack, ID: "T0001"}
	if _, err := s.bot.EnsureChannel(sp, "C1"); err != nil {
		t.Fatal(err)
	}
	l, err := s.web.MintLink(sp, "U1", "en", true)
	if err != nil || l.Local || !strings.HasPrefix(l.URL, "https://studybot.example.com/admin/login?t=") {
		t.Fatalf("link %+v, %v", l, err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = noFollow.Get(base + strings.TrimPrefix(l.URL, "https://studybot.example.com"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if cs := res.Cookies(); res.StatusCode != http.StatusSeeOther || len(cs) != 1 || !cs[0].Secure || !cs[0].HttpOnly {
		t.Errorf("open: %d, cookies %+v", res.StatusCode, cs)
	}
}

// TestPublicURLSetting: public_url comes from STUDYBOT_PUBLIC_URL, the
// --public-url flag wins, and only an http(s) URL of a host is accepted.
func TestPublicURLSetting(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	env := func(v string) env {
		return func(k string) string {
			if k == "STUDYBOT_PUBLIC_URL" {
				return v
			}
			return ""
		}
	}
	for _, c := range []struct {
		env, flag, want string
		bad             bool
	}{
		{env: "https://env.example", want: "https://env.example"},
		{env: "https://env.example", flag: "http://flag.example:8080", want: "http://flag.example:8080"},
		{flag: "https://studybot.example.com/", want: "https://studybot.example.com/"},
		{flag: "ftp://x.example", bad: true},
		{flag: "studybot.example.com", bad: true},
		{flag: "https://x.example/studybot", bad: true},
	} {
		args := []string{"--db", db}
		if c.flag != "" {
			args = append(args, "--public-url", c.flag)
		}
		var errb strings.Builder
		f, err := parseRunFlags(args, &errb, env(c.env))
		if c.bad {
			if err == nil || !strings.Contains(err.Error(), "public_url") {
				t.Errorf("%+v: err %v, want a public_url error", c, err)
			}
			continue
		}
		if err != nil || f.cfg.PublicURL != c.want {
			t.Errorf("%+v: %v, public_url %q", c, err, f.cfg.PublicURL)
		}
	}
}

// waitLong polls cond every 10 ms until it holds, failing the test after
// 60 s with what it was waiting for.
func waitLong(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
