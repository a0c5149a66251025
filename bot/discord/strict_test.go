package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	studydiscord "github.com/studybot/studybot/bot/discord"
	"github.com/studybot/studybot/bot/discord/discordfake"
)

// countingCore counts commands and can be slow.
type countingCore struct {
	*bot.Bot
	delay time.Duration
	n     atomic.Int64
}

func (c *countingCore) HandleCommand(ctx context.Context, cmd bot.Command) bot.Response {
	c.n.Add(1)
	time.Sleep(c.delay)
	return c.Bot.HandleCommand(ctx, cmd)
}

func postSigned(t *testing.T, r *rig, url string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	for k, v := range discordfake.Sign(r.priv, body, time.Now()) {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// TestHTTPInteractionsDeferSlowWork: over the HTTP interactions endpoint,
// a core slower than the deadline gets a deferred ephemeral response
// within Discord's 3 s, and the reply follows as a webhook follow-up.
func TestHTTPInteractionsDeferSlowWork(t *testing.T) {
	r := newRig(t)
	core := &countingCore{Bot: r.bot, delay: 300 * time.Millisecond}
	ad, err := studydiscord.New(studydiscord.Config{Token: "t2", AppID: "APP", PublicKey: fmt.Sprintf("%x", r.pub), HTTPClient: r.fake.Client(),
		Deadline: 50 * time.Millisecond}, core)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ad.Close() })
	srv := httptest.NewServer(ad.Handler())
	t.Cleanup(srv.Close)
	i := discordfake.Command("G1", "C1", "U1", 0, "memo", map[string]any{"query": "CodeDeploy"})
	body, _ := json.Marshal(i)
	start := time.Now()
	code, res := postSigned(t, r, srv.URL, body)
	if code != 200 || res["type"] != float64(5) || m(res["data"])["flags"] != float64(64) {
		t.Fatalf("first response %d %v, want a deferred ephemeral one", code, res)
	}
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("deferral took %v", d)
	}
	waitFor(t, "the follow-up", func() bool {
		return len(r.fake.Calls(http.MethodPost, "/api/v9/webhooks/APP/"+i["token"].(string))) == 1
	})
	if fu := r.fake.Calls(http.MethodPost, "/api/v9/webhooks/APP/")[0]; !strings.Contains(string(fu.Raw), "CodeDeploy") {
		t.Errorf("follow-up: %s", fu.Raw)
	}
}

// TestHTTPInteractionReplayRunsOnce: the same signed interaction sent
// again within the signature window is refused and not run again.
func TestHTTPInteractionReplayRunsOnce(t *testing.T) {
	r := newRig(t)
	core := &countingCore{Bot: r.bot}
	ad, err := studydiscord.New(studydiscord.Config{Token: "t2", AppID: "APP", PublicKey: fmt.Sprintf("%x", r.pub), HTTPClient: r.fake.Client()}, core)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ad.Close() })
	srv := httptest.NewServer(ad.Handler())
	t.Cleanup(srv.Close)
	body, _ := json.Marshal(discordfake.Command("G1", "C1", "ADMIN", manage, "studybot", map[string]any{"args": "post-now"}))
	for n := 0; n < 3; n++ {
		code, _ := postSigned(t, r, srv.URL, body)
		if want := map[bool]int{true: 200, false: http.StatusUnauthorized}[n == 0]; code != want {
			t.Errorf("attempt %d: %d, want %d", n, code, want)
		}
	}
	if got := core.n.Load(); got != 1 {
		t.Errorf("the interaction ran %d times", got)
	}
	waitFor(t, "the card", func() bool { return len(r.fake.Calls(http.MethodPost, "/api/v9/channels/C1/messages")) > 0 })
	if n := len(r.fake.Calls(http.MethodPost, "/api/v9/channels/C1/messages")); n != 1 {
		t.Errorf("post-now posted %d cards", n)
	}
}

// TestStuckRESTCallsFollowTheContext: REST calls take the caller's context
// (and interactions the adapter's, cancelled by Close), so a stuck Discord
// cannot hang a post or shutdown.
func TestStuckRESTCallsFollowTheContext(t *testing.T) {
	r := newRig(t)
	r.fake.Stall("/api/v9/channels/CSTUCK")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := r.ad.PostCard(ctx, "CSTUCK", bot.Message{Kind: bot.KindCard, Title: "t", Body: "b"}); err == nil {
		t.Fatal("post to a stuck Discord succeeded")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("post returned after %v, its context ended after 100ms", d)
	}

	// An interaction whose response is stuck: Close still returns.
	r.fake.Stall("/api/v9/interactions/")
	ad, err := studydiscord.New(studydiscord.Config{Token: "t2", AppID: "APP", HTTPClient: r.fake.Client()}, r.bot)
	if err != nil {
		t.Fatal(err)
	}
	rctx, rcancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ad.Run(rctx) }()
	waitFor(t, "ready", r.fake.Ready)
	i := discordfake.Command("G1", "C1", "U1", 0, "stats", nil)
	r.fake.Interact(i)
	waitFor(t, "the stuck response", func() bool { return r.fake.Stalled("/api/v9/interactions/") > 0 })
	rcancel()
	<-done
	closed := make(chan struct{})
	go func() { ad.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("Close hangs on a stuck interaction response")
	}
}

// bigCore answers every command with several messages at Discord's limits.
type bigCore struct{ *bot.Bot }

func (bigCore) HandleCommand(context.Context, bot.Command) bot.Response {
	var msgs []bot.Message
	for k := 0; k < 3; k++ {
		msg := bot.Message{Kind: bot.KindLookup, Title: strings.Repeat("見出し", 100), Body: strings.Repeat("本文", 3000), Quote: strings.Repeat("引用\n", 500), Context: strings.Repeat("注", 3000)}
		for j := 0; j < 40; j++ {
			msg.Fields = append(msg.Fields, bot.Field{Name: strings.Repeat("名", 300), Value: strings.Repeat("値", 1100)})
		}
		msgs = append(msgs, msg)
	}
	return bot.Response{Private: true, Messages: msgs}
}

// TestResponsesWithinDiscordLimits: every response, also one of several
// oversized messages, stays within the documented limits (6,000
// characters across all embeds of a message).
func TestResponsesWithinDiscordLimits(t *testing.T) {
	r := newRig(t)
	ad, err := studydiscord.New(studydiscord.Config{Token: "t2", AppID: "APP", PublicKey: fmt.Sprintf("%x", r.pub), HTTPClient: r.fake.Client()}, bigCore{r.bot})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ad.Close() })
	srv := httptest.NewServer(ad.Handler())
	t.Cleanup(srv.Close)
	body, _ := json.Marshal(discordfake.Command("G1", "C1", "U1", 0, "memo", map[string]any{"query": "x"}))
	code, res := postSigned(t, r, srv.URL, body)
	if code != 200 {
		t.Fatalf("%d %v", code, res)
	}
	data, _ := json.Marshal(res["data"])
	if v := discordfake.ValidateMessage("response", data, false); len(v) > 0 {
		t.Errorf("response over Discord's limits: %v", v)
	}
	// and through the REST paths the fake checks
	big := bigCore{}.HandleCommand(context.Background(), bot.Command{}).Messages[0]
	if err := ad.Post(context.Background(), "C1", big); err != nil {
		t.Fatal(err)
	}
}
