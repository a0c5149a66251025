package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studydiscord "github.com/studybot/studybot/bot/discord"
	"github.com/studybot/studybot/bot/discord/discordfake"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

var tokyo, _ = time.LoadLocation("Asia/Tokyo")
var tuesday09 = time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo)

const manage = int64(discordgo.PermissionManageGuild)

type rig struct {
	fake  *discordfake.Server
	bot   *bot.Bot
	db    *store.DB
	clock *bottest.Clock
	ad    *studydiscord.Adapter
	space store.SpaceRef
	pub   ed25519.PublicKey
	priv  ed25519.PrivateKey
}

func newRig(t *testing.T) *rig {
	t.Helper()
	return newRigBank(t, bottest.Bank(t))
}

// newRigBank is newRig on a bank of bank.
func newRigBank(t *testing.T, bank *questions.Bank) *rig {
	t.Helper()
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.Verify(t)
	clock := bottest.NewClock(tuesday09.Add(-time.Hour))
	db, err := store.Open(filepath.Join(t.TempDir(), "d.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bank, Store: db, Now: clock.Now, UpdateEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(nil)
	ad, err := studydiscord.New(studydiscord.Config{Token: "fake-token", AppID: "APP", GuildID: "G1", PublicKey: fmt.Sprintf("%x", pub),
		HTTPClient: fake.Client(), PostEvery: 10 * time.Millisecond, Now: time.Now}, b)
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(ad)
	b.StartUpdater()
	t.Cleanup(func() {
		ad.Close()
		b.Close()
		if _, err := db.Check(); err != nil {
			t.Errorf("store check: %v", err)
		}
		db.Close()
	})
	return &rig{fake: fake, bot: b, db: db, clock: clock, ad: ad, space: store.SpaceRef{Platform: store.Discord, ID: "G1"}, pub: pub, priv: priv}
}

func waitFor(t *testing.T, what string, cond func() bool) { bottest.WaitFor(t, what, cond) }

// callbackFor returns the interaction callback body sent for interaction id.
func (r *rig) callbackFor(t *testing.T, id string) map[string]any {
	t.Helper()
	var got map[string]any
	waitFor(t, "callback of "+id, func() bool {
		cs := r.fake.Calls(http.MethodPost, "/api/v9/interactions/"+id+"/")
		if len(cs) > 0 {
			got = cs[0].Body
			return true
		}
		return false
	})
	return got
}

func (r *rig) command(t *testing.T, guild, user string, perms int64, name string, opts map[string]any) string {
	t.Helper()
	i := discordfake.Command(guild, "C1", user, perms, name, opts)
	if err := r.fake.Interact(i); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r.callbackFor(t, i["id"].(string)))
	return string(b)
}

func TestGatewayEndToEnd(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "READY and command registration", func() bool {
		return len(r.fake.Calls(http.MethodPut, "/api/v9/applications/APP/guilds/G1/commands")) == 1
	})
	if intents := r.fake.Identify()["intents"]; intents != float64(discordgo.IntentsGuilds) {
		t.Errorf("identify intents %v, want guilds only", intents)
	}
	if r.ad.State() != "connected" {
		t.Errorf("state %s", r.ad.State())
	}
	// Commands: typed, localised, admin command hidden from non-admins.
	var cmds []map[string]any
	json.Unmarshal(r.fake.Calls(http.MethodPut, "/api/v9/applications/")[0].Raw, &cmds)
	byName := map[string]map[string]any{}
	for _, c := range cmds {
		byName[c["name"].(string)] = c
	}
	if len(cmds) != len(bot.Commands) {
		t.Errorf("%d commands registered, core has %d", len(cmds), len(bot.Commands))
	}
	quiz := byName["quiz"]["options"].([]any)[0].(map[string]any)
	if quiz["type"] != float64(4) || len(quiz["choices"].([]any)) != 6 || quiz["name_localizations"].(map[string]any)["ja"] != "分野" {
		t.Errorf("quiz domain option: %v", quiz)
	}
	if c := fmt.Sprint(byName["studybot"]["contexts"]); c != "[0]" {
		t.Errorf("studybot contexts %s, want guilds only", c)
	}
	if c := fmt.Sprint(byName["memo"]["contexts"]); c != "[0 1]" {
		t.Errorf("memo contexts %s, want guilds and DMs", c)
	}
	if byName["studybot"]["default_member_permissions"] != "32" {
		t.Errorf("studybot default_member_permissions = %v", byName["studybot"]["default_member_permissions"])
	}
	if byName["memo"]["description_localizations"].(map[string]any)["ja"] == "" {
		t.Error("no Japanese description")
	}

	// Admin checks come from the member's permissions.
	if got := r.command(t, "G1", "ADMIN", manage, "studybot", map[string]any{"args": "schedule 0 9 * * 1-5 Asia/Tokyo"}); !strings.Contains(got, "0 9 * * 1-5") || !strings.Contains(got, `"flags":64`) {
		t.Fatalf("admin schedule: %s", got)
	}
	if got := r.command(t, "G1", "USER", 0, "studybot", map[string]any{"args": "pause"}); !strings.Contains(got, "管理者だけ") {
		t.Fatalf("non-admin: %s", got)
	}
	// DMs: stats work, leaderboards do not.
	if got := r.command(t, "", "DMUSER", 0, "stats", nil); !strings.Contains(got, "まだ回答") {
		t.Errorf("DM stats: %s", got)
	}
	if got := r.command(t, "", "DMUSER", 0, "leaderboard", nil); !strings.Contains(got, "チャンネルで") {
		t.Errorf("DM leaderboard: %s", got)
	}
	// /review: the user's next item, ephemeral, with its buttons
	got := r.command(t, "G1", "USER", 0, "review", nil)
	if !strings.Contains(got, "🔁 復習") || !strings.Contains(got, "sb1:v:") || !strings.Contains(got, `"flags":64`) {
		t.Errorf("/review: %s", got)
	}
	if i := strings.Index(got, "sb1:v:"); i >= 0 {
		action := got[i : i+strings.IndexByte(got[i:], '"')]
		c := discordfake.Click("G1", "C1", "USER", action, "M-review")
		if err := r.fake.Interact(c); err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(r.callbackFor(t, c["id"].(string))); !strings.Contains(string(b), "復習を記録") {
			t.Errorf("review click: %s", b)
		}
	}

	// The schedule fires: the card has one button per option.
	r.clock.Set(tuesday09)
	r.bot.RunDue(ctx, r.clock.Now())
	posts := r.fake.Calls(http.MethodPost, "/api/v9/channels/C1/messages")
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	var ids []string
	for _, row := range posts[0].Body["components"].([]any) {
		for _, c := range row.(map[string]any)["components"].([]any) {
			ids = append(ids, c.(map[string]any)["custom_id"].(string))
		}
	}
	if len(ids) < 3 || !strings.HasPrefix(ids[0], "sb1:a:") || len(ids[0]) > 100 {
		t.Fatalf("buttons %v", ids)
	}
	post, _ := r.db.LatestPost(r.space, "C1")

	// 50 concurrent clicks: 50 ephemeral responses, 50 answers.
	burst := time.Now()
	var wg sync.WaitGroup
	var clickIDs []string
	var mu sync.Mutex
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := discordfake.Click("G1", "C1", fmt.Sprintf("U%03d", i), ids[i%len(ids)], post.MessageRef)
			mu.Lock()
			clickIDs = append(clickIDs, c["id"].(string))
			mu.Unlock()
			if err := r.fake.Interact(c); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, id := range clickIDs {
		cb := r.callbackFor(t, id)
		data := cb["data"].(map[string]any)
		if cb["type"] != float64(4) || data["flags"] != float64(64) {
			t.Errorf("click %s: %v", id, cb)
		}
	}
	if res, _ := r.db.PostResults(post.ID, 0); res.Total != 50 {
		t.Errorf("%d answers", res.Total)
	}
	waitFor(t, "an edit showing all 50 answers", func() bool {
		edits := r.fake.Calls(http.MethodPatch, "/api/v9/channels/C1/messages/")
		if len(edits) == 0 {
			return false
		}
		last, _ := json.Marshal(edits[len(edits)-1].Body)
		return strings.Contains(string(last), "回答 50 人")
	})
	if n, limit := len(r.fake.Calls(http.MethodPatch, "/api/v9/channels/C1/messages/")), int(time.Since(burst)/(100*time.Millisecond))+2; n == 0 || n > limit || n >= 50 {
		t.Errorf("%d card edits for 50 clicks (limit %d)", n, limit)
	}
	// duplicate click, unknown custom ID
	dup := discordfake.Click("G1", "C1", "U001", ids[0], post.MessageRef)
	bad := discordfake.Click("G1", "C1", "U001", "sb1:a:nope:x", post.MessageRef)
	r.fake.Interact(dup)
	r.fake.Interact(bad)
	d1, _ := json.Marshal(r.callbackFor(t, dup["id"].(string)))
	d2, _ := json.Marshal(r.callbackFor(t, bad["id"].(string)))
	if !strings.Contains(string(d1), "回答済み") || !strings.Contains(string(d2), "ボタン") {
		t.Errorf("duplicate %s / unknown %s", d1, d2)
	}

	// Close: buttons disabled, results posted.
	r.clock.Set(post.ClosesAt)
	r.bot.RunDue(ctx, r.clock.Now())
	// the closed card goes through the card updater, which may edit it
	// after RunDue returns: wait for that edit (a live count's edit may
	// still come first)
	var last []byte
	for deadline := time.Now().Add(10 * time.Second); ; {
		edits := r.fake.Calls(http.MethodPatch, "/api/v9/channels/C1/messages/")
		if len(edits) > 0 {
			last, _ = json.Marshal(edits[len(edits)-1].Body)
		}
		if strings.Contains(string(last), `"disabled":true`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(string(last), `"disabled":true`) {
		t.Errorf("closed card: %s", last)
	}
	posts = r.fake.Calls(http.MethodPost, "/api/v9/channels/C1/messages")
	if len(posts) != 2 || !strings.Contains(string(posts[1].Raw), "結果") {
		t.Fatalf("results: %d posts", len(posts))
	}
	board, _ := r.db.Leaderboard(r.space, store.AllDomains, store.Week, 3, "")
	if got := r.command(t, "G1", "U000", 0, "leaderboard", nil); !strings.Contains(got, "1. \\u003c@"+board.Rows[0].User) && !strings.Contains(got, "1. <@"+board.Rows[0].User) {
		t.Errorf("leaderboard lacks %s: %s", board.Rows[0].User, got)
	}
}

func TestRateLimitedPostIsRetried(t *testing.T) {
	r := newRig(t)
	r.fake.RateLimit("/api/v9/channels/", 1)
	start := time.Now()
	ref, err := r.ad.PostCard(context.Background(), "C9", bot.Message{Kind: bot.KindCard, Title: "t", Body: "b"})
	if err != nil || ref == "" {
		t.Fatalf("post after 429: %q %v", ref, err)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("did not honour retry_after: %v", d)
	}
	if n := len(r.fake.Calls(http.MethodPost, "/api/v9/channels/C9/messages")); n != 1 {
		t.Errorf("%d messages", n)
	}
}

func TestHTTPInteractions(t *testing.T) {
	r := newRig(t)
	srv := httptest.NewServer(r.ad.Handler())
	defer srv.Close()
	post := func(body []byte, h http.Header) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		for k, v := range h {
			req.Header[k] = v
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		return res.StatusCode, b.String()
	}
	ping := []byte(`{"id":"1","application_id":"APP","type":1,"token":"t","version":1}`)
	if code, body := post(ping, discordfake.Sign(r.priv, ping, time.Now())); code != 200 || strings.TrimSpace(body) != `{"type":1}` {
		t.Fatalf("ping: %d %s", code, body)
	}
	cmd, _ := json.Marshal(discordfake.Command("G1", "C1", "U1", 0, "memo", map[string]any{"query": "CodeDeploy"}))
	if code, body := post(cmd, discordfake.Sign(r.priv, cmd, time.Now())); code != 200 || !strings.Contains(body, "CodeDeploy") || !strings.Contains(body, `"type":4`) {
		t.Fatalf("command: %d %s", code, body)
	}
	_, other, _ := ed25519.GenerateKey(nil)
	for name, h := range map[string]http.Header{
		"bad signature": discordfake.Sign(other, cmd, time.Now()),
		"stale":         discordfake.Sign(r.priv, cmd, time.Now().Add(-10*time.Minute)),
		"unsigned":      {},
	} {
		if code, _ := post(cmd, h); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	if n := len(r.fake.Calls("", "/api/v9/")); n != 0 {
		t.Errorf("rejected requests reached Discord: %d calls", n)
	}
	junk := []byte(`{"type":`)
	if code, _ := post(junk, discordfake.Sign(r.priv, junk, time.Now())); code != 400 {
		t.Errorf("malformed: %d", code)
	}
}

// slowCore delays commands to exercise the deferred response.
type slowCore struct {
	*bot.Bot
	delay time.Duration
}

func (s slowCore) HandleCommand(ctx context.Context, c bot.Command) bot.Response {
	time.Sleep(s.delay)
	return s.Bot.HandleCommand(ctx, c)
}

// TestSlowWorkIsDeferred: when the core takes longer than the deadline, the
// interaction is deferred (ephemeral) and the reply follows as a webhook
// follow-up.
func TestSlowWorkIsDeferred(t *testing.T) {
	r := newRig(t)
	slow, err := studydiscord.New(studydiscord.Config{Token: "t2", AppID: "APP", HTTPClient: r.fake.Client(), Deadline: 50 * time.Millisecond},
		slowCore{r.bot, 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- slow.Run(ctx) }()
	defer func() { cancel(); <-done; slow.Close() }()
	waitFor(t, "ready", r.fake.Ready)
	i := discordfake.Command("G1", "C1", "U1", 0, "memo", map[string]any{"query": "CodeDeploy"})
	r.fake.Interact(i)
	cb := r.callbackFor(t, i["id"].(string))
	if cb["type"] != float64(5) || m(cb["data"])["flags"] != float64(64) {
		t.Fatalf("first response %v, want a deferred ephemeral one", cb)
	}
	waitFor(t, "the follow-up", func() bool {
		return len(r.fake.Calls(http.MethodPost, "/api/v9/webhooks/APP/"+i["token"].(string))) == 1
	})
	fu := r.fake.Calls(http.MethodPost, "/api/v9/webhooks/APP/")[0]
	if !strings.Contains(string(fu.Raw), "CodeDeploy") {
		t.Errorf("follow-up: %s", fu.Raw)
	}
}

func m(v any) map[string]any { r, _ := v.(map[string]any); return r }
