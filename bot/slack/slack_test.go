package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

var tokyo, _ = time.LoadLocation("Asia/Tokyo")

// tuesday09 is a weekday 09:00 in Tokyo, a schedule slot.
var tuesday09 = time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

type rig struct {
	fake  *slackfake.Server
	bot   *bot.Bot
	db    *store.DB
	clock *bottest.Clock
	ad    *studyslack.Adapter
	space store.SpaceRef
}

func newRig(t *testing.T, mode string) *rig { return newRigOpts(t, mode, false) }

// newRigOpts builds the rig; durable turns fsync on and keeps the request
// memory in the store, as the server does (load tests).
func newRigOpts(t *testing.T, mode string, durable bool) *rig {
	t.Helper()
	return newRigBank(t, mode, durable, bottest.Bank(t))
}

// newRigBank is newRigOpts on a bank of bank.
func newRigBank(t *testing.T, mode string, durable bool, bank *questions.Bank) *rig {
	t.Helper()
	fake := slackfake.New("T0001")
	t.Cleanup(fake.Close)
	fake.Verify(t)
	fake.Join("C1", "C0CA5", "C9")
	clock := bottest.NewClock(tuesday09.Add(-time.Hour))
	opts := &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1}
	if durable {
		opts = &store.Options{Now: clock.Now}
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bank, Store: db, Now: clock.Now, UpdateEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cfg := studyslack.Config{BotToken: "xoxb-test", AppToken: "xapp-test", SigningSecret: secret, Mode: mode,
		APIURL: fake.URL(), PostEvery: 10 * time.Millisecond, Now: clock.Now}
	if durable {
		cfg.Requests = db // as the server runs it: the request memory in the store
	}
	ad, err := studyslack.New(cfg, b)
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
	return &rig{fake: fake, bot: b, db: db, clock: clock, ad: ad, space: store.SpaceRef{Platform: store.Slack, ID: "T0001"}}
}

// ackText returns the text of a slash-command ack payload's blocks.
func ackText(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var p struct {
		ResponseType string            `json:"response_type"`
		Text         string            `json:"text"`
		Blocks       []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("ack payload %s: %v", raw, err)
	}
	var b strings.Builder
	for _, bl := range p.Blocks {
		b.Write(bl)
	}
	return p.ResponseType + "\n" + p.Text + "\n" + b.String()
}

func (r *rig) slash(t *testing.T, user, text string) string {
	t.Helper()
	parts := strings.SplitN(text, " ", 2)
	args := ""
	if len(parts) == 2 {
		args = parts[1]
	}
	id, err := r.fake.Send("slash_commands", slackfake.SlashCommand("T0001", "C1", user, strings.TrimPrefix(parts[0], "/"), args))
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := r.fake.WaitAck(id, 3*time.Second)
	if !ok {
		t.Fatalf("no ack for %s within 3 s", text)
	}
	return ackText(t, raw)
}

func waitFor(t *testing.T, what string, cond func() bool) { bottest.WaitFor(t, what, cond) }

// actionIDs pulls the buttons' action IDs out of a chat.postMessage call.
func actionIDs(t *testing.T, c slackfake.Call) []string {
	t.Helper()
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	var ids []string
	for _, b := range blocks {
		if b["type"] != "actions" {
			continue
		}
		for _, e := range b["elements"].([]any) {
			ids = append(ids, e.(map[string]any)["action_id"].(string))
		}
	}
	return ids
}

func TestSocketModeEndToEnd(t *testing.T) {
	r := newRig(t, "socket")
	r.fake.SetAdmin("UADMIN", true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.RunSocket(ctx, socketmode.OptionPingInterval(time.Minute)) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "Socket Mode connection", r.fake.Connected)

	// Admin commands: a workspace admin (users.info) may, others may not.
	// (a command that makes the bot post here replies by chat.postEphemeral,
	// which checks the bot is a member)
	r.slash(t, "UADMIN", "/studybot schedule 0 9 * * 1-5 Asia/Tokyo")
	// /review: the user's next item privately, answered by its buttons
	if got := r.slash(t, "UREVIEW", "/review"); !strings.HasPrefix(got, "ephemeral") || !strings.Contains(got, "🔁 復習") || !strings.Contains(got, "sb1:v:") {
		t.Errorf("/review: %s", got)
	}
	if eph := r.fake.Calls("chat.postEphemeral"); len(eph) != 1 || !strings.Contains(eph[0].Form.Get("blocks"), "0 9 * * 1-5") || eph[0].Form.Get("user") != "UADMIN" {
		t.Fatalf("admin schedule: %v", eph)
	}
	if got := r.slash(t, "UNOBODY", "/studybot pause"); !strings.Contains(got, "管理者だけ") {
		t.Fatalf("non-admin: %s", got)
	}
	if n := len(r.fake.Calls("users.info")); n != 2 {
		t.Errorf("users.info called %d times, want 2 (one per user, then cached)", n)
	}
	r.slash(t, "UADMIN", "/studybot status") // cached: no new users.info
	if n := len(r.fake.Calls("users.info")); n != 2 {
		t.Errorf("admin status not cached: %d calls", n)
	}

	// The schedule fires: the card goes out with one button per option.
	r.clock.Set(tuesday09)
	r.bot.RunDue(ctx, r.clock.Now())
	posts := r.fake.Calls("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	ids := actionIDs(t, posts[0])
	if len(ids) < 3 || !strings.HasPrefix(ids[0], "sb1:a:") {
		t.Fatalf("buttons: %v", ids)
	}
	post, _ := r.db.LatestPost(r.space, "C1")

	// 50 users click at once through Socket Mode envelopes.
	burst := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := r.fake.Send("interactive", slackfake.BlockAction("T0001", "C1", fmt.Sprintf("U%03d", i), ids[i%len(ids)], posts[0].Form.Get("ts")))
			if err != nil {
				t.Error(err)
				return
			}
			if _, ok := r.fake.WaitAck(id, 3*time.Second); !ok {
				t.Errorf("click %d not acked within 3 s", i)
			}
		}()
	}
	wg.Wait()
	waitFor(t, "50 ephemeral replies", func() bool { return len(r.fake.Calls("chat.postEphemeral")) >= 51 })
	perUser := map[string]int{}
	for _, c := range r.fake.Calls("chat.postEphemeral")[1:] {
		perUser[c.Form.Get("user")]++
		if c.Form.Get("channel") != "C1" || !strings.Contains(c.Form.Get("blocks"), "正解は") {
			t.Errorf("ephemeral: %v", c.Form)
		}
	}
	if len(perUser) != 50 {
		t.Errorf("%d users got replies", len(perUser))
	}
	for u, n := range perUser {
		if n != 1 {
			t.Errorf("%s got %d replies", u, n)
		}
	}
	if res, _ := r.db.PostResults(post.ID, 0); res.Total != 50 {
		t.Errorf("%d answers stored", res.Total)
	}
	waitFor(t, "an update showing all 50 answers", func() bool {
		ups := r.fake.Calls("chat.update")
		return len(ups) > 0 && strings.Contains(ups[len(ups)-1].Form.Get("blocks"), "回答 50 人")
	})
	updates := len(r.fake.Calls("chat.update"))
	if limit := int(time.Since(burst)/(100*time.Millisecond)) + 2; updates == 0 || updates > limit || updates >= 50 {
		t.Errorf("%d card updates for 50 clicks (limit %d)", updates, limit)
	}

	// A duplicate click and an unknown button get clear private messages.
	before := len(r.fake.Calls("chat.postEphemeral"))
	r.fake.Send("interactive", slackfake.BlockAction("T0001", "C1", "U001", ids[0], posts[0].Form.Get("ts")))
	r.fake.Send("interactive", slackfake.BlockAction("T0001", "C1", "U001", "sb1:a:pnope:x", posts[0].Form.Get("ts")))
	waitFor(t, "two more replies", func() bool { return len(r.fake.Calls("chat.postEphemeral")) >= before+2 })
	tail := r.fake.Calls("chat.postEphemeral")[before:]
	joined := tail[0].Form.Get("blocks") + tail[1].Form.Get("blocks")
	if !strings.Contains(joined, "回答済み") || !strings.Contains(joined, "ボタン") {
		t.Errorf("duplicate/unknown replies: %s", joined)
	}

	// Close at 17:00: the card loses its buttons, results are posted.
	r.clock.Set(post.ClosesAt)
	r.bot.RunDue(ctx, r.clock.Now())
	ups := r.fake.Calls("chat.update")
	last := ups[len(ups)-1]
	post, _ = r.db.GetPost(post.ID)
	if strings.Contains(last.Form.Get("blocks"), `"actions"`) || last.Form.Get("ts") != post.MessageRef || post.MessageRef == "" {
		t.Errorf("closed card still has buttons: %s", last.Form.Get("blocks"))
	}
	posts = r.fake.Calls("chat.postMessage")
	if len(posts) != 2 || !strings.Contains(posts[1].Form.Get("blocks"), "結果") {
		t.Fatalf("results not posted: %d posts", len(posts))
	}
	// /leaderboard ranks the users with the right answers first.
	got := r.slash(t, "U000", "/leaderboard")
	board, _ := r.db.Leaderboard(r.space, store.AllDomains, store.Week, 3, "")
	if !strings.Contains(got, "1. \\u003c@"+board.Rows[0].User+"\\u003e") && !strings.Contains(got, "1. <@"+board.Rows[0].User+">") {
		t.Errorf("leaderboard lacks the leader %s:\n%s", board.Rows[0].User, got)
	}
	if board.Rows[0].Points != 1 {
		t.Errorf("leader points %d", board.Rows[0].Points)
	}
}

func TestSocketModeInvalidAuth(t *testing.T) {
	r := newRig(t, "socket")
	r.fake.FailAuth("invalid_auth")
	err := r.ad.RunSocket(context.Background())
	if !errors.Is(err, studyslack.ErrFatal) || !strings.Contains(err.Error(), "invalid_auth") {
		t.Fatalf("err = %v", err)
	}
	if r.ad.State() != "failed" {
		t.Errorf("state %s", r.ad.State())
	}
}

func TestRateLimitedPostIsRetried(t *testing.T) {
	r := newRig(t, "socket")
	r.fake.RateLimit("chat.postMessage", 1, 1)
	start := time.Now()
	ts, err := r.ad.PostCard(context.Background(), "C1", bot.Message{Kind: bot.KindCard, Title: "t", Body: "b"})
	if err != nil || ts == "" {
		t.Fatalf("post after 429: %q %v", ts, err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("did not wait for Retry-After: %v", d)
	}
	if n := len(r.fake.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d posts recorded", n)
	}
}

// signed builds a signed HTTP-mode request.
func signed(t *testing.T, url, contentType string, body []byte, ts time.Time, key string) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range slackfake.Sign(key, body, ts) {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	return req
}

func form(v map[string]any) []byte {
	f := url.Values{}
	for k, x := range v {
		f.Set(k, fmt.Sprint(x))
	}
	return []byte(f.Encode())
}

func TestHTTPMode(t *testing.T) {
	r := newRig(t, "http")
	if err := r.ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.ad.Handler(studyslack.DefaultPaths))
	defer srv.Close()
	now := r.clock.Now()
	do := func(req *http.Request) (int, string) {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		return res.StatusCode, b.String()
	}
	const formType = "application/x-www-form-urlencoded"
	cmd := form(slackfake.SlashCommand("T0001", "C1", "U1", "memo", "CodeDeploy"))
	if code, body := do(signed(t, srv.URL+"/slack/commands", formType, cmd, now, secret)); code != 200 || !strings.Contains(body, "CodeDeploy") {
		t.Fatalf("signed command: %d %s", code, body)
	}
	// url_verification
	ch := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	if code, body := do(signed(t, srv.URL+"/slack/events", "application/json", ch, now, secret)); code != 200 || body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification: %d %q", code, body)
	}
	// rejected: bad signature, stale, unsigned — 401 and nothing processed
	calls := len(r.fake.Calls(""))
	bad := signed(t, srv.URL+"/slack/commands", formType, cmd, now, "wrong-secret")
	stale := signed(t, srv.URL+"/slack/commands", formType, cmd, now.Add(-6*time.Minute), secret)
	unsigned, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/commands", bytes.NewReader(cmd))
	for name, req := range map[string]*http.Request{"bad signature": bad, "stale": stale, "unsigned": unsigned} {
		if code, _ := do(req); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	// malformed and oversized bodies
	if code, _ := do(signed(t, srv.URL+"/slack/interactivity", formType, []byte("payload=%7Bnot-json"), now, secret)); code != 400 {
		t.Errorf("malformed interaction: %d", code)
	}
	if code, _ := do(signed(t, srv.URL+"/slack/commands", formType, []byte("%%%"), now, secret)); code != 400 {
		t.Errorf("malformed command: %d", code)
	}
	if code, _ := do(signed(t, srv.URL+"/slack/events", "application/json", []byte("{"), now, secret)); code != 400 {
		t.Errorf("malformed event: %d", code)
	}
	big := bytes.Repeat([]byte("a"), 600<<10)
	if code, _ := do(signed(t, srv.URL+"/slack/commands", formType, big, now, secret)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d", code)
	}
	if n := len(r.fake.Calls("")); n != calls {
		t.Errorf("rejected requests reached Slack: %d calls", n-calls)
	}

	// A click, then the same signed request replayed (a Slack retry): one answer, one reply.
	p, err := r.bot.PostNow(context.Background(), r.space, "C1")
	if err != nil {
		t.Fatal(err)
	}
	opt := p.Question.Options[0].ID
	click := map[string]any{"payload": mustJSON(slackfake.BlockAction("T0001", "C1", "U2", "sb1:a:"+p.ID+":"+opt, "1.0"))}
	body := form(click)
	for i := 0; i < 2; i++ {
		req := signed(t, srv.URL+"/slack/interactivity", formType, body, now, secret)
		if i == 1 {
			req.Header.Set("X-Slack-Retry-Num", "1")
		}
		if code, _ := do(req); code != 200 {
			t.Fatalf("click %d: %d", i, code)
		}
	}
	// Both 200s came after the answer was stored and the replay was
	// dropped, so every reply that will ever be sent is under way: no wait
	// for "nothing more" is needed.
	waitFor(t, "the click reply", func() bool { return len(r.fake.Calls("chat.postEphemeral")) >= 1 })
	if n := len(r.fake.Calls("chat.postEphemeral")); n != 1 {
		t.Errorf("%d replies to a replayed click", n)
	}
	if res, _ := r.db.PostResults(p.ID, 0); res.Total != 1 {
		t.Errorf("%d answers", res.Total)
	}
	// A second, genuinely new click by the same user: "already answered".
	click2 := form(map[string]any{"payload": mustJSON(slackfake.BlockAction("T0001", "C1", "U2", "sb1:a:"+p.ID+":"+p.Question.Options[1].ID, "1.0"))})
	do(signed(t, srv.URL+"/slack/interactivity", formType, click2, now, secret))
	waitFor(t, "the duplicate reply", func() bool { return len(r.fake.Calls("chat.postEphemeral")) >= 2 })
	if b := r.fake.Calls("chat.postEphemeral")[1].Form.Get("blocks"); !strings.Contains(b, "回答済み") {
		t.Errorf("duplicate click reply: %s", b)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
