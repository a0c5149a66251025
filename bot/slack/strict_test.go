package slack_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/studybot/studybot/bot"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
)

// runSocket runs the adapter in Socket Mode until the test ends.
func (r *rig) runSocket(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.RunSocket(ctx, socketmode.OptionPingInterval(time.Minute)) }()
	t.Cleanup(func() { cancel(); <-done })
	waitFor(t, "Socket Mode connection", r.fake.Connected)
}

// practiceButton returns the first answer button of the practice card in
// a /quiz ack.
func practiceButton(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var p struct {
		Blocks []struct {
			Type     string `json:"type"`
			Elements []struct {
				ActionID string `json:"action_id"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	for _, b := range p.Blocks {
		if b.Type == "actions" && len(b.Elements) > 0 {
			return b.Elements[0].ActionID
		}
	}
	t.Fatalf("no buttons in %s", raw)
	return ""
}

// TestPracticeClickOutsideBotChannels: a practice card (from /quiz) can be
// clicked in a DM or a channel the bot was never invited to, where
// chat.postEphemeral fails with channel_not_found; the reply goes through
// the interaction's response_url instead.
func TestPracticeClickOutsideBotChannels(t *testing.T) {
	r := newRig(t, "socket")
	r.runSocket(t)
	for _, ch := range []string{"CNOTIN", "D0DM"} {
		id, err := r.fake.Send("slash_commands", r.fake.SlashCommand("T0001", ch, "U7", "quiz", ""))
		if err != nil {
			t.Fatal(err)
		}
		raw, ok := r.fake.WaitAck(id, 3*time.Second)
		if !ok {
			t.Fatalf("%s: /quiz not acked", ch)
		}
		action := practiceButton(t, raw)
		click := r.fake.BlockAction("T0001", ch, "U7", action, "1.0")
		if _, err := r.fake.Send("interactive", click); err != nil {
			t.Fatal(err)
		}
		var got slackfake.Call
		waitFor(t, "the reply in "+ch+" through response_url", func() bool {
			for _, c := range r.fake.Calls("response_url") {
				if c.Form.Get("path") == strings.TrimPrefix(click["response_url"].(string), strings.TrimSuffix(r.fake.URL(), "/")) {
					got = c
					return true
				}
			}
			return false
		})
		if got.Body["response_type"] != "ephemeral" || got.Body["replace_original"] != false {
			t.Errorf("%s: reply %v, want an ephemeral new message", ch, got.Body)
		}
		if b, _ := json.Marshal(got.Body["blocks"]); !strings.Contains(string(b), "練習") {
			t.Errorf("%s: reply is not the practice feedback: %s", ch, b)
		}
	}
	// In the bot's own channel, chat.postEphemeral is used.
	id, _ := r.fake.Send("slash_commands", r.fake.SlashCommand("T0001", "C1", "U7", "quiz", ""))
	raw, _ := r.fake.WaitAck(id, 3*time.Second)
	r.fake.Send("interactive", r.fake.BlockAction("T0001", "C1", "U7", practiceButton(t, raw), "1.0"))
	waitFor(t, "the reply in C1", func() bool { return len(r.fake.Calls("chat.postEphemeral")) == 1 })
}

// TestQuotesAndUserTextEscapedOnce: memo quotes reach Slack as quotes
// ("> ", not "&gt; "), and user text is escaped everywhere, fallback text
// included, so a typed <@U…> or <!channel> never becomes a mention.
func TestQuotesAndUserTextEscapedOnce(t *testing.T) {
	r := newRig(t, "socket")
	r.runSocket(t)
	got := r.slash(t, "U1", "/memo <!channel> & <@U0VICTIM>")
	for _, bad := range []string{"<!channel>", "<@U0VICTIM>", `\u003c!channel\u003e`, `\u003c@U0VICTIM\u003e`} {
		if strings.Contains(got, bad) {
			t.Errorf("user text became markup (%s): %s", bad, got)
		}
	}
	p, err := r.bot.PostNow(context.Background(), r.space, "C1")
	if err != nil {
		t.Fatal(err)
	}
	r.fake.Send("interactive", r.fake.BlockAction("T0001", "C1", "U2", "sb1:a:"+p.ID+":"+p.Question.AnswerID, "1.0"))
	waitFor(t, "the feedback", func() bool { return len(r.fake.Calls("chat.postEphemeral")) == 1 })
	var blocks []struct {
		Type string `json:"type"`
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if err := json.Unmarshal([]byte(r.fake.Calls("chat.postEphemeral")[0].Form.Get("blocks")), &blocks); err != nil {
		t.Fatal(err)
	}
	quotes := 0
	for _, b := range blocks {
		if b.Text == nil {
			continue
		}
		if strings.Contains(b.Text.Text, "&gt; ") && strings.HasPrefix(b.Text.Text, "&gt; ") {
			t.Errorf("quote escaped: %q", b.Text.Text)
		}
		if strings.HasPrefix(b.Text.Text, "> ") {
			quotes++
		}
	}
	if quotes == 0 {
		t.Errorf("no quote block in the feedback: %+v", blocks)
	}
}

// TestCardUpdatesUseNewBlockIDs: every chat.update of a card carries a
// block_id the previous version did not have (the fake fails the test
// otherwise).
func TestCardUpdatesUseNewBlockIDs(t *testing.T) {
	r := newRig(t, "socket")
	m := bot.Message{Kind: bot.KindCard, Title: "t", Body: "b", PostID: "p1",
		Buttons: []bot.Button{{ActionID: "sb1:a:p1:x", Label: "A", Text: "x"}, {ActionID: "sb1:a:p1:y", Label: "B", Text: "y"}}}
	ref, err := r.ad.PostCard(context.Background(), "C1", m)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := r.ad.UpdateCard(context.Background(), "C1", ref, m); err != nil {
			t.Fatal(err)
		}
	}
	if v := r.fake.Violations(); len(v) > 0 {
		t.Errorf("violations: %v", v)
	}
}

// bigCore answers every command with a message too large for a Socket
// Mode acknowledgement.
type bigCore struct{ *bot.Bot }

func (bigCore) HandleCommand(context.Context, bot.Command) bot.Response {
	m := bot.Message{Kind: bot.KindLookup, Title: "大きな返事", Body: strings.Repeat("長い本文です。", 400)}
	for i := 0; i < 20; i++ {
		m.Fields = append(m.Fields, bot.Field{Name: "第 1 分野 › 試験メモ", Value: strings.Repeat("パッセージ", 190)})
	}
	return bot.Response{Private: true, Messages: []bot.Message{m}}
}

// TestLargeReplyFitsTheAck: a slash-command reply whose text would make
// the ack 20 KB or more (Japanese is 3 bytes a character, the fallback text
// counts too) was never acknowledged: slack-go refuses to send it. The
// whole payload is budgeted, and what still does not fit goes through the
// command's response_url.
func TestLargeReplyFitsTheAck(t *testing.T) {
	r := newRig(t, "socket")
	ad, err := studyslack.New(studyslack.Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: r.fake.URL()}, bigCore{r.bot})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ad.Close() })
	r.ad = ad
	r.runSocket(t)
	cmd := r.fake.SlashCommand("T0001", "C1", "U1", "memo", "x")
	id, _ := r.fake.Send("slash_commands", cmd)
	raw, ok := r.fake.WaitAck(id, 3*time.Second)
	if !ok {
		t.Fatal("large reply: command never acknowledged")
	}
	if strings.Contains(string(raw), "大きな返事") {
		if !strings.Contains(string(raw), "truncated") {
			t.Error("shortened reply without the truncation hint")
		}
		return
	}
	waitFor(t, "the reply through response_url", func() bool { return len(r.fake.Calls("response_url")) == 1 })
	if b, _ := json.Marshal(r.fake.Calls("response_url")[0].Body); !strings.Contains(string(b), "大きな返事") {
		t.Errorf("reply: %.300s", b)
	}
}

// gatedCore holds clicks until released, like a slow disk.
type gatedCore struct {
	*bot.Bot
	gate    chan struct{}
	entered chan struct{}
	once    sync.Once
}

func (g *gatedCore) HandleClick(ctx context.Context, c bot.Click) bot.Response {
	g.once.Do(func() { close(g.entered) })
	<-g.gate
	return g.Bot.HandleClick(ctx, c)
}

// TestClickAckedOnceStored: a click is acknowledged only once its answer
// is stored, so an acknowledgement means recorded; when storing takes
// longer than AckWait, the ack goes first (Slack's 3 s) and the answer
// still lands.
func TestClickAckedOnceStored(t *testing.T) {
	for _, mode := range []string{"socket", "http"} {
		t.Run(mode, func(t *testing.T) {
			r := newRig(t, mode)
			g := &gatedCore{Bot: r.bot, gate: make(chan struct{}), entered: make(chan struct{})}
			ad, err := studyslack.New(studyslack.Config{BotToken: "xoxb-test", AppToken: "xapp-test", SigningSecret: secret, Mode: mode,
				APIURL: r.fake.URL(), AckWait: time.Minute}, g)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ad.Close() })
			r.ad = ad
			p, err := r.bot.PostNow(context.Background(), r.space, "C1")
			if err != nil {
				t.Fatal(err)
			}
			click := r.fake.BlockAction("T0001", "C1", "U5", "sb1:a:"+p.ID+":"+p.Question.AnswerID, "1.0")
			acked := make(chan struct{})
			if mode == "socket" {
				r.runSocket(t)
				id, _ := r.fake.Send("interactive", click)
				go func() {
					if _, ok := r.fake.WaitAck(id, 10*time.Second); ok {
						close(acked)
					}
				}()
			} else {
				if err := ad.Start(context.Background()); err != nil {
					t.Fatal(err)
				}
				srv := httptest.NewServer(ad.Handler(studyslack.DefaultPaths))
				t.Cleanup(srv.Close)
				body := form(map[string]any{"payload": mustJSON(click)})
				go func() {
					res, err := http.DefaultClient.Do(signed(t, srv.URL+"/slack/interactivity", "application/x-www-form-urlencoded", body, time.Now(), secret))
					if err == nil && res.StatusCode == 200 {
						res.Body.Close()
						close(acked)
					}
				}()
			}
			<-g.entered
			select {
			case <-acked:
				t.Fatal("click acknowledged before its answer was stored")
			default:
			}
			close(g.gate)
			select {
			case <-acked:
			case <-time.After(5 * time.Second):
				t.Fatal("no ack after the answer was stored")
			}
			if _, err := r.db.GetAnswer(p.ID, "U5"); err != nil {
				t.Errorf("acknowledged click not stored: %v", err)
			}
		})
	}
}

// TestSlowStoreAcksFirst: storing slower than AckWait is acknowledged
// first; the answer still lands and the reply follows.
func TestSlowStoreAcksFirst(t *testing.T) {
	r := newRig(t, "socket")
	g := &gatedCore{Bot: r.bot, gate: make(chan struct{}), entered: make(chan struct{})}
	ad, err := studyslack.New(studyslack.Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: r.fake.URL(), AckWait: 50 * time.Millisecond}, g)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ad.Close() })
	r.ad = ad
	r.runSocket(t)
	p, err := r.bot.PostNow(context.Background(), r.space, "C1")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := r.fake.Send("interactive", r.fake.BlockAction("T0001", "C1", "U5", "sb1:a:"+p.ID+":"+p.Question.AnswerID, "1.0"))
	if _, ok := r.fake.WaitAck(id, 3*time.Second); !ok {
		t.Fatal("slow store: no ack within Slack's 3 s")
	}
	close(g.gate)
	waitFor(t, "the reply", func() bool { return len(r.fake.Calls("chat.postEphemeral")) == 1 })
	if _, err := r.db.GetAnswer(p.ID, "U5"); err != nil {
		t.Errorf("answer not stored: %v", err)
	}
}

// TestScheduleWhereTheBotIsNotAMember: /studybot schedule in a channel
// the bot was never invited to tells the admin at once (posts there fail
// with channel_not_found), in Socket Mode and HTTP mode.
func TestScheduleWhereTheBotIsNotAMember(t *testing.T) {
	r := newRig(t, "socket")
	r.fake.SetAdmin("UADMIN", true)
	r.runSocket(t)
	id, _ := r.fake.Send("slash_commands", r.fake.SlashCommand("T0001", "CNOTIN", "UADMIN", "studybot", "schedule 0 9 * * 1-5 Asia/Tokyo"))
	raw, ok := r.fake.WaitAck(id, 3*time.Second)
	if !ok {
		t.Fatal("no ack")
	}
	if got := ackText(t, raw); !strings.Contains(got, "/invite @studybot") || !strings.Contains(got, "0 9 * * 1-5") {
		t.Errorf("admin not told the bot is not a member: %s", got)
	}
	// where the bot is a member, no warning
	id, _ = r.fake.Send("slash_commands", r.fake.SlashCommand("T0001", "C1", "UADMIN", "studybot", "schedule 0 9 * * 1-5 Asia/Tokyo"))
	raw, _ = r.fake.WaitAck(id, 3*time.Second)
	waitFor(t, "the reply", func() bool { return len(r.fake.Calls("chat.postEphemeral")) == 1 })
	if got := ackText(t, raw) + r.fake.Calls("chat.postEphemeral")[0].Form.Get("blocks"); strings.Contains(got, "/invite") {
		t.Errorf("warning in a channel the bot is in: %s", got)
	}

	h := newRig(t, "http")
	h.fake.SetAdmin("UADMIN", true)
	if err := h.ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.ad.Handler(studyslack.DefaultPaths))
	defer srv.Close()
	body := form(h.fake.SlashCommand("T0001", "GPRIVATE", "UADMIN", "studybot", "resume"))
	res, err := http.DefaultClient.Do(signed(t, srv.URL+"/slack/commands", "application/x-www-form-urlencoded", body, h.clock.Now(), secret))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	io.Copy(&b, res.Body)
	if !strings.Contains(b.String(), "/invite @studybot") {
		t.Errorf("HTTP mode: admin not told: %s", b.String())
	}
}

// TestClosedAdapterRefusesClicks: once Close has begun, a click is neither
// run nor acknowledged (503, so Slack retries it against the next process),
// instead of starting work that Close no longer waits for.
func TestClosedAdapterRefusesClicks(t *testing.T) {
	r := newRig(t, "http")
	if err := r.ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	p, err := r.bot.PostNow(context.Background(), r.space, "C1")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.ad.Handler(studyslack.DefaultPaths))
	defer srv.Close()
	r.ad.Close()
	body := form(map[string]any{"payload": mustJSON(r.fake.BlockAction("T0001", "C1", "U9", "sb1:a:"+p.ID+":"+p.Question.AnswerID, "1.0"))})
	res, err := http.DefaultClient.Do(signed(t, srv.URL+"/slack/interactivity", "application/x-www-form-urlencoded", body, r.clock.Now(), secret))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("click after Close: %d, want 503", res.StatusCode)
	}
	if _, err := r.db.GetAnswer(p.ID, "U9"); err == nil {
		t.Error("a click after Close was stored by work nobody waits for")
	}
}

// TestReviewClick: a /review card's button records the review and replies
// privately (chat.postEphemeral in the bot's channel).
func TestReviewClick(t *testing.T) {
	r := newRig(t, "socket")
	r.runSocket(t)
	id, _ := r.fake.Send("slash_commands", r.fake.SlashCommand("T0001", "C1", "U7", "review", ""))
	raw, _ := r.fake.WaitAck(id, 3*time.Second)
	action := practiceButton(t, raw)
	if !strings.HasPrefix(action, "sb1:v:") {
		t.Fatalf("review card button %q", action)
	}
	r.fake.Send("interactive", r.fake.BlockAction("T0001", "C1", "U7", action, "1.0"))
	waitFor(t, "the reply in C1", func() bool { return len(r.fake.Calls("chat.postEphemeral")) == 1 })
	if b, _ := json.Marshal(r.fake.Calls("chat.postEphemeral")[0].Form); !strings.Contains(string(b), "復習を記録") {
		t.Errorf("reply: %s", b)
	}
}
