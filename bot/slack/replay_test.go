package slack_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/store"
)

// TestReplayAfterRestart: a captured signed `/studybot post-now`, replayed
// within the signature window after a restart, is answered as a duplicate
// (200, nothing run: no card, no reply) when the request memory is in the
// store; with a memory of the process only (as before), it runs again.
func TestReplayAfterRestart(t *testing.T) {
	for _, tc := range []struct {
		name    string
		durable bool
		replies int // chat.postEphemeral calls after the replay
	}{{"memory in the store", true, 1}, {"memory in the process", false, 2}} {
		t.Run(tc.name, func(t *testing.T) { replayAfterRestart(t, tc.durable, tc.replies) })
	}
}

func replayAfterRestart(t *testing.T, durable bool, wantReplies int) {
	fake := slackfake.New("T0001")
	defer fake.Close()
	fake.Join("C1")
	fake.SetAdmin("UADMIN", true)
	clock := bottest.NewClock(tuesday09.Add(-time.Hour))
	path := filepath.Join(t.TempDir(), "s.db")
	// start runs the bot on the database file and returns its URL and a stop
	// that waits for background work (the post, the reply) and closes the store.
	start := func() (string, func()) {
		db, err := store.Open(path, &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
		if err != nil {
			t.Fatal(err)
		}
		b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		cfg := studyslack.Config{BotToken: "xoxb-test", SigningSecret: secret, Mode: "http", APIURL: fake.URL(),
			PostEvery: time.Millisecond, Now: clock.Now}
		if durable {
			cfg.Requests = db
		}
		ad, err := studyslack.New(cfg, b)
		if err != nil {
			t.Fatal(err)
		}
		b.AddPlatform(ad)
		if err := ad.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(ad.Handler(studyslack.DefaultPaths))
		return srv.URL, func() { srv.Close(); ad.Close(); b.Close(); db.Close() }
	}
	body := form(fake.SlashCommand("T0001", "C1", "UADMIN", "studybot", "post-now"))
	sentAt := clock.Now()
	send := func(url string) int {
		res, err := http.DefaultClient.Do(signed(t, url+"/slack/commands", "application/x-www-form-urlencoded", body, sentAt, secret))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	url, stop := start()
	if code := send(url); code != 200 {
		t.Fatalf("post-now: %d", code)
	}
	waitFor(t, "the card", func() bool { return len(fake.Calls("chat.postMessage")) == 1 })
	stop()
	if n := len(fake.Calls("chat.postEphemeral")); n != 1 {
		t.Fatalf("%d replies to post-now, want 1", n)
	}

	clock.Add(2 * time.Minute) // within the 5-minute window
	url, stop = start()
	code := send(url)
	stop() // waits for anything the replay started
	if code != 200 {
		t.Errorf("replay after a restart: %d, want the duplicate's 200", code)
	}
	if n := len(fake.Calls("chat.postEphemeral")); n != wantReplies {
		t.Errorf("%d replies after the replay, want %d", n, wantReplies)
	}
	if durable {
		if n := len(fake.Calls("chat.postMessage")); n != 1 {
			t.Errorf("%d cards after the replay, want 1", n)
		}
	}
}

// countingReader counts the bytes read from a request body.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestHeadersCheckedBeforeBody: requests without a plausible signature,
// with a stale or future timestamp, or over the route's cap are refused
// without reading a byte of their body; one with a well-shaped but wrong
// signature is refused after reading it.
func TestHeadersCheckedBeforeBody(t *testing.T) {
	r := newRig(t, "http")
	h := r.ad.Handler(studyslack.DefaultPaths)
	now := r.clock.Now()
	body := form(slackfake.SlashCommand("T0001", "C1", "U1", "memo", "CodeDeploy"))
	good := slackfake.Sign(secret, body, now)
	for _, tc := range []struct {
		name   string
		header func(http.Header)
		length int64
		want   int
		read   bool
	}{
		{"unsigned", func(h http.Header) { h.Del("X-Slack-Signature"); h.Del("X-Slack-Request-Timestamp") }, 0, 401, false},
		{"no v0 prefix", func(h http.Header) { h.Set("X-Slack-Signature", "v1="+strings.Repeat("a", 64)) }, 0, 401, false},
		{"short signature", func(h http.Header) { h.Set("X-Slack-Signature", "v0=abc") }, 0, 401, false},
		{"not hex", func(h http.Header) { h.Set("X-Slack-Signature", "v0="+strings.Repeat("z", 64)) }, 0, 401, false},
		{"timestamp not a number", func(h http.Header) { h.Set("X-Slack-Request-Timestamp", "soon") }, 0, 401, false},
		{"stale timestamp", func(h http.Header) {
			for k, v := range slackfake.Sign(secret, body, now.Add(-6*time.Minute)) {
				h[k] = v
			}
		}, 0, 401, false},
		{"future timestamp", func(h http.Header) {
			for k, v := range slackfake.Sign(secret, body, now.Add(6*time.Minute)) {
				h[k] = v
			}
		}, 0, 401, false},
		{"announced over the cap", func(http.Header) {}, 1 << 20, 413, false},
		{"wrong signature", func(h http.Header) { h.Set("X-Slack-Signature", "v0="+strings.Repeat("0", 64)) }, 0, 401, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cr := &countingReader{r: bytes.NewReader(body)}
			req := httptest.NewRequest(http.MethodPost, "/slack/commands", cr)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range good {
				req.Header[k] = v
			}
			tc.header(req.Header)
			if tc.length != 0 {
				req.ContentLength = tc.length
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tc.want {
				t.Errorf("status %d, want %d", w.Code, tc.want)
			}
			if (cr.n > 0) != tc.read {
				t.Errorf("%d body bytes read", cr.n)
			}
			if !tc.read && w.Header().Get("Connection") != "close" {
				t.Error("refused without closing the connection: net/http would drain the body")
			}
		})
	}
}

// TestMalformedSignedRequests: requests Slack would never send but that
// carry a valid signature (a leaked secret, a bug) are refused or
// answered, and never crash the process.
func TestMalformedSignedRequests(t *testing.T) {
	r := newRig(t, "http")
	if err := r.ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.ad.Handler(studyslack.DefaultPaths))
	defer srv.Close()
	const formType = "application/x-www-form-urlencoded"
	payload := func(p string) []byte { return form(map[string]any{"payload": p}) }
	for _, tc := range []struct {
		name, path, ctype string
		body              []byte
	}{
		{"command without a user", "/slack/commands", formType, []byte("command=%2Fmemo&text=x")},
		{"command, repeated fields", "/slack/commands", formType, []byte("command=%2Fmemo&command=%2Fstudybot&user_id=U1&user_id=U2&text=post-now&team_id=T0001&channel_id=C1")},
		{"command, invalid UTF-8", "/slack/commands", formType, []byte("command=%2Fmemo&user_id=U1&text=%ff%fe&team_id=T0001&channel_id=C1")},
		{"null actions", "/slack/interactivity", formType, payload(`{"type":"block_actions","user":{"id":"U1"},"actions":[null,null]}`)},
		{"no user", "/slack/interactivity", formType, payload(`{"type":"block_actions","user":null,"channel":null,"actions":[{"action_id":"sb1:a:x:y"}]}`)},
		{"made-up action", "/slack/interactivity", formType, payload(`{"type":"block_actions","team":{"id":"T0001"},"user":{"id":"U1"},"channel":{"id":"C1"},"actions":[{"action_id":"sb1:a:` + strings.Repeat("z", 300) + `"}]}`)},
		{"unknown interaction type", "/slack/interactivity", formType, payload(`{"type":"view_submission","user":{"id":"U1"}}`)},
		{"payload not an object", "/slack/interactivity", formType, payload(`[1,2]`)},
		{"deeply nested event", "/slack/events", "application/json", []byte(`{"type":"event_callback","event":` + strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5000) + `}`)},
		{"event of an unknown type", "/slack/events", "application/json", []byte(`{"type":"app_rate_limited","minute_rate_limited":1}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := http.DefaultClient.Do(signed(t, srv.URL+tc.path, tc.ctype, tc.body, r.clock.Now(), secret))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Errorf("status %d", res.StatusCode)
			}
		})
	}
	r.ad.Close() // waits for anything the requests started: a panic there fails the run
}
