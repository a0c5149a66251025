package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/discord/discordfake"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

func testBank(t *testing.T) *questions.Bank {
	t.Helper()
	b, err := questions.Default()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitUntil waits for cond as waitLong does: the tests here start whole
// servers, which under -race on a loaded machine take more than the few
// seconds a core test waits.
func waitUntil(t *testing.T, what string, cond func() bool) { t.Helper(); waitLong(t, what, cond) }

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestSlackAndDiscordInOneProcess runs both adapters against their fakes
// from one process and one database, and checks the spaces stay apart.
func TestSlackAndDiscordInOneProcess(t *testing.T) {
	sf := slackfake.New("T0001")
	defer sf.Close()
	sf.Verify(t)
	sf.Join("C1")
	df := discordfake.New()
	defer df.Close()
	df.Verify(t)
	sf.SetAdmin("UADMIN", true)
	cfg := Config{DB: filepath.Join(t.TempDir(), "both.db"), HTTP: "127.0.0.1:0", Lang: "ja", TZ: "Asia/Tokyo",
		Slack:   SlackConfig{BotToken: "xoxb-x", AppToken: "xapp-x", Mode: "socket", APIURL: sf.URL()},
		Discord: DiscordConfig{Token: "tok", AppID: "APP", GuildID: "G1"}}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	s, err := newServer(cfg, testBank(t), slog.New(slog.DiscardHandler), time.Now, serverOptions{discordClient: df.Client()})
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
	waitUntil(t, "both adapters", func() bool { return sf.Connected() && df.Ready() })
	waitUntil(t, "readiness", func() bool { c, _ := get(t, base+"/readyz"); return c == 200 })
	if c, b := get(t, base+"/healthz"); c != 200 || b != "ok\n" {
		t.Errorf("healthz: %d %q", c, b)
	}

	// post a question on each platform through its admin command
	id, _ := sf.Send("slash_commands", slackfake.SlashCommand("T0001", "C1", "UADMIN", "studybot", "post-now"))
	if _, ok := sf.WaitAck(id, 3*time.Second); !ok {
		t.Fatal("slack post-now not acked")
	}
	df.Interact(discordfake.Command("G1", "D1", "DADMIN", int64(discordgo.PermissionManageGuild), "studybot", map[string]any{"args": "post-now"}))
	waitUntil(t, "a card on each platform", func() bool {
		return len(sf.Calls("chat.postMessage")) == 1 && len(df.Calls(http.MethodPost, "/api/v9/channels/D1/messages")) == 1
	})
	// answer on each platform
	var slackBlocks []map[string]any
	json.Unmarshal([]byte(sf.Calls("chat.postMessage")[0].Form.Get("blocks")), &slackBlocks)
	var slackAction string
	for _, b := range slackBlocks {
		if b["type"] == "actions" {
			slackAction = b["elements"].([]any)[0].(map[string]any)["action_id"].(string)
		}
	}
	sf.Send("interactive", slackfake.BlockAction("T0001", "C1", "USLACK", slackAction, "1"))
	dpost := df.Calls(http.MethodPost, "/api/v9/channels/D1/messages")[0].Body
	dAction := dpost["components"].([]any)[0].(map[string]any)["components"].([]any)[0].(map[string]any)["custom_id"].(string)
	df.Interact(discordfake.Click("G1", "D1", "UDISCORD", dAction, "1001"))
	waitUntil(t, "both replies", func() bool {
		// post-now's reply (chat.postEphemeral checks membership) and the click's
		return len(sf.Calls("chat.postEphemeral")) == 2 && len(df.Calls(http.MethodPost, "/api/v9/interactions/")) >= 2
	})
	checkMetrics(t, base)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// the spaces are kept apart in the one database
	db, err := store.Open(cfg.DB, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sl, _ := db.Leaderboard(store.SpaceRef{Platform: store.Slack, ID: "T0001"}, store.AllDomains, store.All, 10, "")
	dl, _ := db.Leaderboard(store.SpaceRef{Platform: store.Discord, ID: "G1"}, store.AllDomains, store.All, 10, "")
	if len(sl.Rows) != 1 || sl.Rows[0].User != "USLACK" || len(dl.Rows) != 1 || dl.Rows[0].User != "UDISCORD" {
		t.Errorf("slack board %+v, discord board %+v", sl.Rows, dl.Rows)
	}
	if r, err := db.Check(); err != nil || r.Answers != 2 {
		t.Errorf("check: %+v %v", r, err)
	}
}

// TestReadinessFlips: a Slack adapter with a revoked token stops (and
// readiness says so) while Discord keeps running; a closed store is not ready.
func TestReadinessFlips(t *testing.T) {
	sf := slackfake.New("T0001")
	defer sf.Close()
	sf.FailAuth("token_revoked")
	df := discordfake.New()
	defer df.Close()
	cfg := Config{DB: filepath.Join(t.TempDir(), "r.db"), HTTP: "127.0.0.1:0",
		Slack:   SlackConfig{BotToken: "xoxb-x", AppToken: "xapp-x", Mode: "socket", APIURL: sf.URL()},
		Discord: DiscordConfig{Token: "tok", AppID: "APP"}}
	s, err := newServer(cfg, testBank(t), slog.New(slog.DiscardHandler), time.Now, serverOptions{discordClient: df.Client()})
	if err != nil {
		t.Fatal(err)
	}
	s.listen()
	base := "http://" + s.listener.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	waitUntil(t, "discord ready", df.Ready)
	waitUntil(t, "slack reported down", func() bool {
		c, b := get(t, base+"/readyz")
		return c == 503 && strings.Contains(b, "token_revoked")
	})
	if c, _ := get(t, base+"/healthz"); c != 200 {
		t.Errorf("healthz %d while one adapter is down", c)
	}
	s.db.Close()
	if c, b := get(t, base+"/readyz"); c != 503 || !strings.Contains(b, "store") {
		t.Errorf("readyz with the store closed: %d %s", c, b)
	}
	cancel()
	<-done
}

// checkMetrics compares the metric names with testdata/metrics.golden and
// checks a few values the test's activity must have moved.
func checkMetrics(t *testing.T, base string) {
	t.Helper()
	waitUntil(t, "answers counted in metrics", func() bool {
		_, body := get(t, base+"/metrics")
		return strings.Contains(body, `studybot_answers_total{outcome="counted",platform="slack"} 1`) &&
			strings.Contains(body, `studybot_answers_total{outcome="counted",platform="discord"} 1`)
	})
	code, body := get(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("metrics: %d", code)
	}
	var names []string
	for _, line := range strings.Split(body, "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "#" && f[1] == "TYPE" && strings.HasPrefix(f[2], "studybot_") {
			names = append(names, f[2]+" "+f[3])
		}
	}
	got := strings.Join(names, "\n") + "\n"
	const golden = "testdata/metrics.golden"
	if *update {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, _ := os.ReadFile(golden)
	if got != string(want) {
		t.Errorf("metric names changed (run with -update if intended):\n%s", got)
	}
	for _, w := range []string{
		`studybot_posts_total{platform="slack"} 1`, `studybot_posts_total{platform="discord"} 1`,
		`studybot_adapter_connected{platform="slack"} 1`, `studybot_adapter_connected{platform="discord"} 1`,
		`studybot_commands_total{command="studybot"} 2`, `studybot_platform_api_seconds_count{op="post_card",platform="slack"} 1`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("metrics lack %s", w)
		}
	}
	if !strings.Contains(body, "studybot_db_size_bytes ") || !strings.Contains(body, "studybot_store_commit_seconds_count ") {
		t.Error("db size or commit latency missing")
	}
}

// stubAdapter is an adapter whose state the test sets; readiness calls
// none of its Platform methods.
type stubAdapter struct {
	bot.Platform
	state string
}

func (s *stubAdapter) Name() string                  { return "stub" }
func (s *stubAdapter) Run(ctx context.Context) error { <-ctx.Done(); return nil }
func (s *stubAdapter) State() string                 { return s.state }
func (s *stubAdapter) RateLimitWaits() int64         { return 0 }
func (s *stubAdapter) Close() error                  { return nil }

// TestReadinessReconnectBound: reconnecting is ready for a while, then not.
func TestReadinessReconnectBound(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "r.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stub := &stubAdapter{state: "connecting"}
	s := &server{db: db, adapters: []adapter{stub}, down: map[string]error{}, away: map[string]time.Time{}}
	ready := func() (int, string) {
		rec := httptest.NewRecorder()
		s.readyz(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code, rec.Body.String()
	}
	if c, b := ready(); c != 503 || !strings.Contains(b, "not connected yet") {
		t.Errorf("never connected: %d %s", c, b)
	}
	stub.state = "connected"
	if c, b := ready(); c != 200 {
		t.Errorf("connected: %d %s", c, b)
	}
	stub.state = "connecting"
	if c, b := ready(); c != 200 {
		t.Errorf("just reconnecting: %d %s", c, b)
	}
	s.away["stub"] = time.Now().Add(-3 * time.Minute)
	if c, b := ready(); c != 503 || !strings.Contains(b, "connecting for") {
		t.Errorf("reconnecting too long: %d %s", c, b)
	}
	stub.state = "connected"
	if c, _ := ready(); c != 200 {
		t.Errorf("connected again: %d", c)
	}
}

// TestAllAdaptersDownStops: with every adapter stopped by a fatal error the
// process ends with that error instead of idling.
func TestAllAdaptersDownStops(t *testing.T) {
	sf := slackfake.New("T0001")
	defer sf.Close()
	sf.FailAuth("invalid_auth")
	cfg := Config{DB: filepath.Join(t.TempDir(), "x.db"), Slack: SlackConfig{BotToken: "xoxb-x", AppToken: "xapp-x", Mode: "socket", APIURL: sf.URL()}}
	s, err := newServer(cfg, testBank(t), slog.New(slog.DiscardHandler), time.Now, serverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.run(context.Background()) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
			t.Errorf("run ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("studybot kept running with no adapter left")
	}
}
