package discord_test

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
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studydiscord "github.com/studybot/studybot/bot/discord"
	"github.com/studybot/studybot/bot/discord/discordfake"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// updating reports whether -update was given (the flag is declared by the
// package's internal tests, which share this test binary).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestMultiGolden pins the embed and components of a choose-2 and a
// choose-3 card (open with a select menu, closed with it disabled and the
// counts), their results and a reply, each accepted by the strict fake.
func TestMultiGolden(t *testing.T) {
	for _, lang := range bot.Languages {
		for _, c := range bottest.MultiCases(lang) {
			t.Run(c.Name, func(t *testing.T) {
				msg := map[string]any{"embeds": []any{studydiscord.EmbedForTest(c.Message)}}
				if comps := studydiscord.ComponentsForTest(c.Message); comps != nil {
					msg["components"] = comps
				}
				raw, err := json.Marshal(msg)
				if err != nil {
					t.Fatal(err)
				}
				if v := discordfake.ValidateMessage(c.Name, raw, false); len(v) > 0 {
					t.Errorf("the strict fake refuses it: %v", v)
				}
				var buf bytes.Buffer
				json.Indent(&buf, raw, "", "  ")
				buf.WriteByte('\n')
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

// TestSelectMenuLimits: the strict fake refuses select menus beyond
// Discord's limits.
func TestSelectMenuLimits(t *testing.T) {
	opts := func(n int, label string) []any {
		var out []any
		for i := 0; i < n; i++ {
			out = append(out, map[string]any{"label": label, "value": fmt.Sprint(i), "description": ""})
		}
		return out
	}
	menu := func(min, max int, options []any) map[string]any {
		return map[string]any{"type": 3, "custom_id": "sb1:a:p:*", "placeholder": "Choose 2", "min_values": min, "max_values": max, "options": options}
	}
	button := map[string]any{"type": 2, "custom_id": "b", "label": "B", "style": 1}
	dup := opts(3, "A")
	dup[2].(map[string]any)["value"] = "0"
	for name, tc := range map[string]struct {
		row  []any
		want string
	}{
		"ok":          {[]any{menu(2, 2, opts(5, "A) x"))}, ""},
		"26 options":  {[]any{menu(2, 2, opts(26, "A"))}, "26 options"},
		"long label":  {[]any{menu(2, 2, opts(3, strings.Repeat("長", 101)))}, "label of 101"},
		"min > max":   {[]any{menu(3, 2, opts(5, "A"))}, "min_values 3 above max_values 2"},
		"max > opts":  {[]any{menu(2, 4, opts(3, "A"))}, "max_values 4 above the 3 options"},
		"max 0":       {[]any{menu(0, 0, opts(3, "A"))}, "max_values 0"},
		"dup values":  {[]any{menu(2, 2, dup)}, "duplicate value"},
		"with button": {[]any{menu(2, 2, opts(3, "A")), button}, "shares its action row"},
	} {
		raw, _ := json.Marshal(map[string]any{"content": "x", "components": []any{map[string]any{"type": 1, "components": tc.row}}})
		got := strings.Join(discordfake.ValidateMessage(name, raw, false), "\n")
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: violations %q, want %q", name, got, tc.want)
		}
	}
}

// selectOf reads the select menu off a posted card: its custom_id, bounds
// and option values.
func selectOf(t *testing.T, body map[string]any) (customID string, min, max int, values []string) {
	t.Helper()
	rows, _ := body["components"].([]any)
	if len(rows) != 1 {
		t.Fatalf("card components: %v", body["components"])
	}
	c := rows[0].(map[string]any)["components"].([]any)[0].(map[string]any)
	if c["type"] != float64(3) {
		t.Fatalf("not a select menu: %v", c)
	}
	for _, o := range c["options"].([]any) {
		values = append(values, o.(map[string]any)["value"].(string))
	}
	return c["custom_id"].(string), int(c["min_values"].(float64)), int(c["max_values"].(float64)), values
}

// rightAndWrong returns a post's correct set and a wrong one of its size.
func rightAndWrong(p store.Post) (right, wrong []string) {
	right = questions.SplitSet(p.Question.AnswerID)
	for _, o := range p.Question.Options {
		if len(wrong) < len(right) && o.ID != right[0] {
			wrong = append(wrong, o.ID)
		}
	}
	return right, wrong
}

// TestGatewayMultiAnswer drives a choose-two card through the gateway:
// the select menu asks for exactly two; the right set, a wrong set, sets
// of one and three (which Discord would not send, refused all the same), a
// second answer; then the closed card's menu is disabled and the results
// count each option.
func TestGatewayMultiAnswer(t *testing.T) {
	r := newRigBank(t, bottest.MultiBank(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "READY", func() bool { return r.ad.State() == "connected" })

	post, err := r.bot.PostNow(ctx, r.space, "C1")
	if err != nil {
		t.Fatal(err)
	}
	posts := r.fake.Calls(http.MethodPost, "/api/v9/channels/C1/messages")
	id, lo, hi, values := selectOf(t, posts[0].Body)
	if lo != 2 || hi != 2 || len(values) != len(post.Question.Options) || !strings.HasPrefix(id, "sb1:a:") {
		t.Fatalf("select %s min %d max %d values %v", id, lo, hi, values)
	}
	right, wrong := rightAndWrong(post)
	choose := func(user string, vals []string) string {
		t.Helper()
		i := discordfake.Select("G1", "C1", user, id, post.MessageRef, vals)
		if err := r.fake.Interact(i); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r.callbackFor(t, i["id"].(string)))
		if !strings.Contains(string(b), `"flags":64`) {
			t.Errorf("%s's reply is not ephemeral: %s", user, b)
		}
		return string(b)
	}
	if got := choose("U1", right); !strings.Contains(got, "✅ 正解") || !strings.Contains(got, "あなたの回答") {
		t.Errorf("right set: %s", got)
	}
	if got := choose("U2", wrong); !strings.Contains(got, "❌ 不正解") {
		t.Errorf("wrong set: %s", got)
	}
	if got := choose("U3", right[:1]); !strings.Contains(got, "選んだのは 1 つ") {
		t.Errorf("one option: %s", got)
	}
	if got := choose("U3", append([]string{wrong[0]}, right...)); !strings.Contains(got, "選んだのは 3 つ") {
		t.Errorf("three options: %s", got)
	}
	if got := choose("U3", []string{right[0], "nope"}); !strings.Contains(got, "ボタン") {
		t.Errorf("an unknown option: %s", got)
	}
	if got := choose("U1", wrong); !strings.Contains(got, "回答済み") {
		t.Errorf("second answer: %s", got)
	}
	res, _ := r.db.PostResults(post.ID, 0)
	if res.Total != 2 || res.Correct != 1 || res.Counts[questions.SetKey(right)] != 1 || res.Counts[questions.SetKey(wrong)] != 1 {
		t.Errorf("stored %+v, want U1 right and U2 wrong only", res)
	}

	r.clock.Set(post.ClosesAt)
	r.bot.RunDue(ctx, r.clock.Now())
	waitFor(t, "the closed card's edit", func() bool {
		edits := r.fake.Calls(http.MethodPatch, "/api/v9/channels/C1/messages/")
		if len(edits) == 0 {
			return false
		}
		last, _ := json.Marshal(edits[len(edits)-1].Body)
		return strings.Contains(string(last), `"disabled":true`) && strings.Contains(string(last), `"type":3`)
	})
	posts = r.fake.Calls(http.MethodPost, "/api/v9/channels/C1/messages")
	results, _ := json.Marshal(posts[len(posts)-1].Body)
	counts := map[string]int{}
	for _, v := range append(append([]string{}, right...), wrong...) {
		counts[v]++
	}
	if n := strings.Count(string(results), "✅"); n != len(right) {
		t.Errorf("results mark %d options correct, want %d: %s", n, len(right), results)
	}
	for i, o := range post.Question.Options {
		if want := fmt.Sprintf(" %d (%d%%)", counts[o.ID], counts[o.ID]*100/2); !strings.Contains(string(results), want) {
			t.Errorf("results lack %s's count %q: %s", questions.Letter(i), want, results)
		}
	}
}

// TestHTTPInteractionsMultiAnswer: a select menu's interaction over the
// signed HTTP endpoint records the set and answers in the response.
func TestHTTPInteractionsMultiAnswer(t *testing.T) {
	r := newRigBank(t, bottest.MultiBank(t))
	srv := httptest.NewServer(r.ad.Handler())
	defer srv.Close()
	post, err := r.bot.PostNow(context.Background(), r.space, "C1")
	if err != nil {
		t.Fatal(err)
	}
	id, _, _, _ := selectOf(t, r.fake.Calls(http.MethodPost, "/api/v9/channels/C1/messages")[0].Body)
	right, _ := rightAndWrong(post)
	body, _ := json.Marshal(discordfake.Select("G1", "C1", "U1", id, post.MessageRef, right))
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	for k, v := range discordfake.Sign(r.priv, body, time.Now()) {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	if res.StatusCode != 200 || !strings.Contains(b.String(), "✅") {
		t.Errorf("select over HTTP: %d %s", res.StatusCode, b.String())
	}
	if r, _ := r.db.PostResults(post.ID, 0); r.Total != 1 || r.Correct != 1 {
		t.Errorf("stored %+v", r)
	}
}
