package slack_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	studyslack "github.com/studybot/studybot/bot/slack"
)

// TestDocumentedPayloads sends payloads shaped like Slack's documented
// examples (testdata/) through HTTP mode, signed.
func TestDocumentedPayloads(t *testing.T) {
	r := newRig(t, "http")
	if err := r.ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.ad.Handler(studyslack.DefaultPaths))
	defer srv.Close()
	send := func(path, ctype string, body []byte) (int, string) {
		res, err := http.DefaultClient.Do(signed(t, srv.URL+path, ctype, body, r.clock.Now(), secret))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b := new(strings.Builder)
		buf := make([]byte, 64<<10)
		n, _ := res.Body.Read(buf)
		b.Write(buf[:n])
		return res.StatusCode, b.String()
	}
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// slash command form body: /memo CodeDeploy ロールバック
	code, body := send("/slack/commands", "application/x-www-form-urlencoded", []byte(strings.TrimSpace(string(read("slash_command.txt")))))
	if code != 200 || !strings.Contains(body, `"response_type":"ephemeral"`) || !strings.Contains(body, "ロールバック") {
		t.Errorf("slash command: %d %s", code, body)
	}
	// Events API: url_verification answered, event_callback acknowledged
	if code, body := send("/slack/events", "application/json", read("url_verification.json")); code != 200 || body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification: %d %q", code, body)
	}
	if code, _ := send("/slack/events", "application/json", read("event_callback.json")); code != 200 {
		t.Errorf("event_callback: %d", code)
	}
	// block_actions: a click on a real card's button
	p, err := r.bot.PostNow(context.Background(), r.space, "C0CA5")
	if err != nil {
		t.Fatal(err)
	}
	action := "sb1:a:" + p.ID + ":" + p.Question.AnswerID
	payload := strings.ReplaceAll(strings.ReplaceAll(string(read("block_actions.json")), "ACTION_ID", action), "POST_ID", p.ID)
	if code, _ := send("/slack/interactivity", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {payload}}.Encode())); code != 200 {
		t.Fatalf("block_actions: %d", code)
	}
	waitFor(t, "the reply", func() bool { return len(r.fake.Calls("chat.postEphemeral")) == 1 })
	c := r.fake.Calls("chat.postEphemeral")[0]
	if c.Form.Get("user") != "U0CA5" || c.Form.Get("channel") != "C0CA5" || !strings.Contains(c.Form.Get("blocks"), "正解") {
		t.Errorf("reply: %v", c.Form)
	}
	if a, err := r.db.GetAnswer(p.ID, "U0CA5"); err != nil || !a.Correct {
		t.Errorf("answer: %+v %v", a, err)
	}
}
