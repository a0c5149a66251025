package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studydiscord "github.com/studybot/studybot/bot/discord"
	"github.com/studybot/studybot/bot/discord/discordfake"
	"github.com/studybot/studybot/store"
)

// TestHTTPReplayAfterRestart: a captured signed interaction (post-now)
// replayed within the window after a restart is refused like a duplicate
// (401, not run) when the request memory is in the store; with a memory
// of the process only (as before) it runs again.
func TestHTTPReplayAfterRestart(t *testing.T) {
	for _, tc := range []struct {
		name    string
		durable bool
		want    int // status of the replay
		runs    int64
	}{{"memory in the store", true, http.StatusUnauthorized, 0}, {"memory in the process", false, http.StatusOK, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			fake := discordfake.New()
			t.Cleanup(fake.Close)
			clock := bottest.NewClock(tuesday09.Add(-time.Hour))
			path := filepath.Join(t.TempDir(), "d.db")
			pub, priv, _ := ed25519.GenerateKey(nil)
			body, _ := json.Marshal(discordfake.Command("G1", "C1", "ADMIN", manage, "studybot", map[string]any{"args": "post-now"}))
			headers := discordfake.Sign(priv, body, clock.Now())
			// run starts the bot on the file, sends the captured request and
			// stops (waiting for background work); it returns the status and
			// how many times the command ran.
			run := func() (int, int64) {
				db, err := store.Open(path, &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now})
				if err != nil {
					t.Fatal(err)
				}
				defer b.Close()
				core := &countingCore{Bot: b}
				cfg := studydiscord.Config{Token: "t", AppID: "APP", PublicKey: fmt.Sprintf("%x", pub), HTTPClient: fake.Client(), Now: clock.Now}
				if tc.durable {
					cfg.Requests = db
				}
				ad, err := studydiscord.New(cfg, core)
				if err != nil {
					t.Fatal(err)
				}
				defer ad.Close()
				b.AddPlatform(ad)
				srv := httptest.NewServer(ad.Handler())
				defer srv.Close()
				req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
				for k, v := range headers {
					req.Header[k] = v
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode, core.n.Load()
			}
			if code, n := run(); code != 200 || n != 1 {
				t.Fatalf("first: %d, ran %d times", code, n)
			}
			clock.Add(2 * time.Minute)
			if code, n := run(); code != tc.want || n != tc.runs {
				t.Errorf("replay after a restart: %d, ran %d times; want %d, %d", code, n, tc.want, tc.runs)
			}
		})
	}
}

// countingBody counts the bytes read from a request body.
type countingBody struct {
	r io.Reader
	n int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestHTTPHeadersCheckedBeforeBody: forged, stale, malformed and oversized
// interactions are refused without reading a byte of their body; a
// well-shaped but wrong signature after reading it.
func TestHTTPHeadersCheckedBeforeBody(t *testing.T) {
	r := newRig(t)
	h := r.ad.Handler()
	body := []byte(`{"id":"1","application_id":"APP","type":1,"token":"t","version":1}`)
	now := time.Now() // the rig's adapter reads the wall clock
	for _, tc := range []struct {
		name   string
		header func(http.Header)
		length int64
		want   int
		read   bool
	}{
		{"unsigned", func(h http.Header) { h.Del("X-Signature-Ed25519"); h.Del("X-Signature-Timestamp") }, 0, 401, false},
		{"short signature", func(h http.Header) { h.Set("X-Signature-Ed25519", "abcd") }, 0, 401, false},
		{"not hex", func(h http.Header) { h.Set("X-Signature-Ed25519", strings.Repeat("z", 128)) }, 0, 401, false},
		{"timestamp not a number", func(h http.Header) { h.Set("X-Signature-Timestamp", "soon") }, 0, 401, false},
		{"stale", func(h http.Header) { h.Set("X-Signature-Timestamp", fmt.Sprint(now.Add(-6*time.Minute).Unix())) }, 0, 401, false},
		{"future", func(h http.Header) { h.Set("X-Signature-Timestamp", fmt.Sprint(now.Add(6*time.Minute).Unix())) }, 0, 401, false},
		{"announced over the cap", func(http.Header) {}, 1 << 20, 413, false},
		{"wrong signature", func(h http.Header) { h.Set("X-Signature-Ed25519", strings.Repeat("0", 128)) }, 0, 401, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cb := &countingBody{r: bytes.NewReader(body)}
			req := httptest.NewRequest(http.MethodPost, "/", cb)
			for k, v := range discordfake.Sign(r.priv, body, now) {
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
			if (cb.n > 0) != tc.read {
				t.Errorf("%d body bytes read", cb.n)
			}
		})
	}
}

// TestHTTPMalformedSignedInteractions: interactions Discord would never
// send but that carry a valid signature (a leaked key, a bug) are refused
// or answered, never crash the process or run twice.
func TestHTTPMalformedSignedInteractions(t *testing.T) {
	r := newRig(t)
	srv := httptest.NewServer(r.ad.Handler())
	defer srv.Close()
	for _, tc := range []struct {
		name string
		body string
	}{
		{"command without data", `{"id":"m1","type":2}`},
		{"command with null data", `{"id":"m2","type":2,"data":null,"guild_id":"G1","channel_id":"C1"}`},
		{"null option", `{"id":"m3","type":2,"data":{"name":"studybot","options":[null]},"guild_id":"G1","channel_id":"C1","member":{"user":{"id":"U1"}}}`},
		{"option of the wrong type", `{"id":"m4","type":2,"data":{"name":"memo","options":[{"name":"query","type":3,"value":{"a":1}}]},"guild_id":"G1","channel_id":"C1","member":{"user":{"id":"U1"}}}`},
		{"click with null data", `{"id":"m5","type":3,"data":null,"guild_id":"G1","channel_id":"C1","member":{"user":{"id":"U1"}}}`},
		{"click on a made-up button", `{"id":"m6","type":3,"data":{"custom_id":"sb1:a:nope:nope","component_type":2},"guild_id":"G1","channel_id":"C1","member":{"user":{"id":"U1"}}}`},
		{"no user at all", `{"id":"m7","type":2,"data":{"name":"memo","options":[]},"guild_id":"G1","channel_id":"C1"}`},
		{"member without user", `{"id":"m8","type":2,"data":{"name":"memo"},"guild_id":"G1","channel_id":"C1","member":{}}`},
		{"unknown type", `{"id":"m9","type":99}`},
		{"not an object", `[1,2,3]`},
		{"deeply nested", `{"id":"m10","type":2,"data":` + strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5000) + `}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(tc.body))
			for k, v := range discordfake.Sign(r.priv, []byte(tc.body), time.Now()) {
				req.Header[k] = v
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Errorf("status %d", res.StatusCode)
			}
		})
	}
}
