package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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

// updating reports whether -update was given (the flag is declared by the
// package's internal tests, which share this test binary).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestMultiGolden pins the Block Kit of a choose-2 and a choose-3 card
// (open with checkboxes and Submit, closed with counts), their results and
// a reply, and checks each against the strict fake's limits.
func TestMultiGolden(t *testing.T) {
	for _, lang := range bot.Languages {
		for _, c := range bottest.MultiCases(lang) {
			t.Run(c.Name, func(t *testing.T) {
				blocks, text := studyslack.RenderForTest(c.Message)
				raw, _ := json.Marshal(blocks)
				if v, _ := slackfake.ValidateBlocks(raw); len(v) > 0 {
					t.Errorf("the strict fake refuses it: %v", v)
				}
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				enc.Encode(map[string]any{"text": text, "blocks": blocks})
				// the block_id is new on each rendering
				got := regexp.MustCompile(`"block_id": "pick:([^:"]*):[^"]*"`).ReplaceAll(buf.Bytes(), []byte(`"block_id": "pick:$1:KEY.N"`))
				buf.Reset()
				buf.Write(got)
				path := filepath.Join("testdata", "multi", c.Name+".golden")
				if updating() {
					os.MkdirAll(filepath.Dir(path), 0o755)
					os.WriteFile(path, buf.Bytes(), 0o644)
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if buf.String() != string(want) {
					t.Errorf("%s differs from %s:\n%s", c.Name, path, buf.String())
				}
			})
		}
	}
}

// TestCheckboxLimits: the strict fake refuses checkboxes beyond Block
// Kit's limits (10 options, option text 75 characters, value 150, unique
// values).
func TestCheckboxLimits(t *testing.T) {
	opt := func(text, value string) map[string]any {
		return map[string]any{"text": map[string]any{"type": "plain_text", "text": text}, "value": value}
	}
	var eleven []any
	for i := 0; i < 11; i++ {
		eleven = append(eleven, opt("x", string(rune('a'+i))))
	}
	for name, tc := range map[string]struct {
		opts []any
		want string
	}{
		"ok":        {[]any{opt("A) one", "a"), opt("B) two", "b")}, ""},
		"eleven":    {eleven, "11 options"},
		"long text": {[]any{opt(strings.Repeat("長", 76), "a")}, "76 characters, limit 75"},
		"long val":  {[]any{opt("A", strings.Repeat("v", 151))}, "value of 151"},
		"dup value": {[]any{opt("A", "a"), opt("B", "a")}, "duplicate value"},
		"none":      {[]any{}, "0 options"},
	} {
		blocks := []any{map[string]any{"type": "actions", "block_id": "pick:p", "elements": []any{
			map[string]any{"type": "checkboxes", "action_id": "pick", "options": tc.opts},
			map[string]any{"type": "button", "action_id": "sb1:a:p:*", "text": map[string]any{"type": "plain_text", "text": "Submit"}, "style": "primary"}}}}
		raw, _ := json.Marshal(blocks)
		v, _ := slackfake.ValidateBlocks(raw)
		got := strings.Join(v, "\n")
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: violations %q, want %q", name, got, tc.want)
		}
	}
}

// multiCard is what the test reads off a posted choose-N card.
type multiCard struct {
	blockID, checkboxID, submitID string
	values                        []string
}

// readMultiCard pulls the checkboxes block out of a chat.postMessage call.
func readMultiCard(t *testing.T, c slackfake.Call) multiCard {
	t.Helper()
	var blocks []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Elements []struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Options  []struct {
				Value string `json:"value"`
			} `json:"options"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks); err != nil {
		t.Fatal(err)
	}
	var mc multiCard
	for _, b := range blocks {
		for _, e := range b.Elements {
			switch e.Type {
			case "checkboxes":
				mc.blockID, mc.checkboxID = b.BlockID, e.ActionID
				for _, o := range e.Options {
					mc.values = append(mc.values, o.Value)
				}
			case "button":
				mc.submitID = e.ActionID
			}
		}
	}
	if mc.blockID == "" || mc.submitID == "" || len(mc.values) < 3 {
		t.Fatalf("no checkboxes and Submit on the card: %s", c.Form.Get("blocks"))
	}
	return mc
}

// correctAndWrong returns a post's correct set and a wrong one of the same
// size, as option IDs.
func correctAndWrong(p store.Post) (right, wrong []string) {
	right = questions.SplitSet(p.Question.AnswerID)
	for _, o := range p.Question.Options {
		if len(wrong) < len(right) && o.ID != right[0] {
			wrong = append(wrong, o.ID)
		}
	}
	return right, wrong
}

// TestSocketModeMultiAnswer drives a choose-two card through Socket Mode
// envelopes: checking boxes is acknowledged and records nothing; the right
// set, a wrong set, a set of one and of three, a second submission; then
// the results count each option.
func TestSocketModeMultiAnswer(t *testing.T) {
	r := newRigBank(t, "socket", false, bottest.MultiBank(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.RunSocket(ctx, socketmode.OptionPingInterval(time.Minute)) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "Socket Mode connection", r.fake.Connected)

	post, err := r.bot.PostNow(ctx, r.space, "C1")
	if err != nil {
		t.Fatal(err)
	}
	posts := r.fake.Calls("chat.postMessage")
	card := readMultiCard(t, posts[0])
	ts := posts[0].Form.Get("ts")
	if !strings.Contains(posts[0].Form.Get("blocks"), "2 つ選択") {
		t.Errorf("the card does not say how many to choose: %s", posts[0].Form.Get("blocks"))
	}
	right, wrong := correctAndWrong(post)

	send := func(p map[string]any) {
		t.Helper()
		id, err := r.fake.Send("interactive", p)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := r.fake.WaitAck(id, 3*time.Second); !ok {
			t.Fatal("not acknowledged within 3 s")
		}
	}
	replies := func() int { return len(r.fake.Calls("chat.postEphemeral")) }
	submit := func(user string, values []string) string {
		t.Helper()
		before := replies()
		send(slackfake.BlockSubmit("T0001", "C1", user, card.blockID, card.checkboxID, card.submitID, ts, values))
		waitFor(t, user+"'s reply "+strings.Join(values, ","), func() bool { return replies() > before })
		return r.fake.Calls("chat.postEphemeral")[before].Form.Get("blocks")
	}

	// Checking a box is acknowledged and nothing else: the next submission's
	// reply is the first one sent.
	send(slackfake.CheckboxChange("T0001", "C1", "U1", card.blockID, card.checkboxID, ts, right[:1]))
	if got := submit("U1", right); replies() != 1 || !strings.Contains(got, "✅ 正解") || !strings.Contains(got, "あなたの回答") {
		t.Errorf("right set (%d replies): %s", replies(), got)
	}
	if got := submit("U2", wrong); !strings.Contains(got, "❌ 不正解") || !strings.Contains(got, "正解は") {
		t.Errorf("wrong set: %s", got)
	}
	if got := submit("U3", right[:1]); !strings.Contains(got, "選んだのは 1 つ") {
		t.Errorf("one option: %s", got)
	}
	if got := submit("U3", append([]string{wrong[0]}, right...)); !strings.Contains(got, "選んだのは 3 つ") {
		t.Errorf("three options: %s", got)
	}
	if got := submit("U3", nil); !strings.Contains(got, "選んだのは 0 つ") {
		t.Errorf("nothing checked: %s", got)
	}
	if got := submit("U1", wrong); !strings.Contains(got, "回答済み") {
		t.Errorf("second submission: %s", got)
	}
	res, _ := r.db.PostResults(post.ID, 0)
	if res.Total != 2 || res.Correct != 1 || res.Counts[questions.SetKey(right)] != 1 || res.Counts[questions.SetKey(wrong)] != 1 {
		t.Errorf("stored %+v, want U1 right and U2 wrong only", res)
	}

	// Closing drops the checkboxes and posts results counting each option.
	r.clock.Set(post.ClosesAt)
	r.bot.RunDue(ctx, r.clock.Now())
	ups := r.fake.Calls("chat.update")
	if last := ups[len(ups)-1].Form.Get("blocks"); strings.Contains(last, `"actions"`) {
		t.Errorf("closed card keeps its checkboxes: %s", last)
	}
	posts = r.fake.Calls("chat.postMessage")
	results := posts[len(posts)-1].Form.Get("blocks")
	counts := map[string]int{}
	for _, id := range append(append([]string{}, right...), wrong...) {
		counts[id]++
	}
	if n := strings.Count(results, "✅"); n != len(right) {
		t.Errorf("results mark %d options correct, want %d: %s", n, len(right), results)
	}
	for i, o := range post.Question.Options {
		n := counts[o.ID]
		if want := fmt.Sprintf(" %d (%d%%)", n, n*100/2); !strings.Contains(results, want) {
			t.Errorf("results lack %s's count %q: %s", questions.Letter(i), want, results)
		}
	}
}

// TestHTTPModeMultiAnswer: the same over signed HTTP requests — a checkbox
// change is answered 200 and records nothing, a Submit records the set.
func TestHTTPModeMultiAnswer(t *testing.T) {
	r := newRigBank(t, "http", false, bottest.MultiBank(t))
	if err := r.ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.ad.Handler(studyslack.DefaultPaths))
	defer srv.Close()
	post, err := r.bot.PostNow(context.Background(), r.space, "C1")
	if err != nil {
		t.Fatal(err)
	}
	card := readMultiCard(t, r.fake.Calls("chat.postMessage")[0])
	right, _ := correctAndWrong(post)
	do := func(p map[string]any) {
		t.Helper()
		body := form(map[string]any{"payload": mustJSON(p)})
		res, err := http.DefaultClient.Do(signed(t, srv.URL+"/slack/interactivity", "application/x-www-form-urlencoded", body, r.clock.Now(), secret))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
	}
	do(slackfake.CheckboxChange("T0001", "C1", "U1", card.blockID, card.checkboxID, "1.0", right))
	if res, _ := r.db.PostResults(post.ID, 0); res.Total != 0 {
		t.Fatalf("a checkbox change recorded %d answers", res.Total)
	}
	do(r.fake.BlockSubmit("T0001", "C1", "U1", card.blockID, card.checkboxID, card.submitID, "1.0", right))
	// the 200 came after the answer was stored
	if res, _ := r.db.PostResults(post.ID, 0); res.Total != 1 || res.Correct != 1 {
		t.Errorf("after Submit: %+v", res)
	}
	waitFor(t, "the reply", func() bool { return len(r.fake.Calls("chat.postEphemeral")) >= 1 })
	if n := len(r.fake.Calls("chat.postEphemeral")); n != 1 || !strings.Contains(r.fake.Calls("chat.postEphemeral")[0].Form.Get("blocks"), "✅") {
		t.Errorf("%d replies: %v", n, r.fake.Calls("chat.postEphemeral"))
	}
}
