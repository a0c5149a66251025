package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var updateDraft = flag.Bool("update-draft", false, "rewrite testdata/draft/*-out.jsonl from a scripted model")

// draftScript is the scripted model behind testdata/draft/*-out.jsonl: the
// questions it drafts per domain and the option it picks per stem.
var draftScript = map[int][]map[string]any{
	1: {
		{"stem": "AWS CodeDeploy で Lambda 関数を更新する際、まず 10% のトラフィックを新バージョンへ移し、指定した分数が経過したら残りの 90% を移したい。どのデプロイ設定を選ぶか？",
			"options": []string{"Canary", "Linear", "AllAtOnce", "Blue/Green"}, "answer": 0,
			"explanation": "Canary は 2 回に分けて移行する。Linear は一定間隔ごとに同じ割合ずつ移し続ける。",
			"evidence":    []string{"- Canary: トラフィックを 2 回に分けて移行し、1 回目の割合と 2 回目までの間隔を指定する方式"},
			"domain":      1, "difficulty": "medium", "fact": "CodeDeploy Canary の移行方式", "doubt": ""},
		{"stem": "AWS CodeDeploy で、一度にすべてのトラフィックを新バージョンへ移すデプロイ設定はどれか？",
			"options": []string{"Canary", "Linear", "AllAtOnce", "Blue/Green"}, "answer": 2,
			"explanation": "AllAtOnce は一度にすべて移す。", "evidence": []string{"AllAtOnce: すべてのトラフィックを一度に移行する方式"},
			"domain": 1, "difficulty": "easy", "fact": "AllAtOnce", "doubt": ""},
	},
	2: {
		{"stem": "Amazon CloudWatch で、API の応答を外部から数分ごとに確かめるスクリプトを動かしたい。使う機能はどれか？",
			"options": []string{"CloudWatch アラーム", "CloudWatch Logs", "CloudWatch Synthetics", "CloudWatch Contributor Insights"}, "answer": 2,
			"explanation": "Synthetics は Canary スクリプトでエンドポイントを定期的に監視する。アラームはメトリクスのしきい値で動く。",
			"evidence":    []string{"CloudWatch Synthetics: Canary スクリプトでエンドポイントを定期的に監視する"},
			"domain":      2, "difficulty": "medium", "fact": "CloudWatch Synthetics", "doubt": "the memo's line may be out of date"},
		{"stem": "Amazon CloudWatch で、大量のログから通信量の多い IP アドレスの上位を継続的に把握したい。使う機能はどれか？",
			"options": []string{"CloudWatch アラーム", "CloudWatch Logs", "CloudWatch Synthetics", "CloudWatch Contributor Insights"}, "answer": 3,
			"explanation": "Contributor Insights はログから上位の寄与者を分析する。Logs は保存と検索。",
			"evidence":    []string{"CloudWatch Contributor Insights: ログから上位の寄与者を分析する"},
			"domain":      2, "difficulty": "hard", "fact": "CloudWatch Contributor Insights", "doubt": ""},
	},
}

// draftPicks is the scripted verification: the option picked per stem
// (by text); the Contributor Insights question is answered wrong.
var draftPicks = map[string]string{
	draftScript[1][0]["stem"].(string): "Canary",
	draftScript[2][0]["stem"].(string): "CloudWatch Synthetics",
	draftScript[2][1]["stem"].(string): "CloudWatch Logs",
}

// answerBatch answers a Batch input file as the scripted model would and
// returns the Batch output.
func answerBatch(t *testing.T, in []byte) []byte {
	t.Helper()
	reDomain := regexp.MustCompile(`(?m)^Domain: (\d+)`)
	reCount := regexp.MustCompile(`(?m)^Questions to write: (\d+)`)
	reOption := regexp.MustCompile(`(?m)^([A-D])\. (.*)$`)
	var out bytes.Buffer
	for i, line := range bytes.Split(bytes.TrimSpace(in), []byte("\n")) {
		var req struct {
			CustomID string `json:"custom_id"`
			Body     struct {
				Messages []struct{ Content string } `json:"messages"`
			} `json:"body"`
		}
		if err := json.Unmarshal(line, &req); err != nil {
			t.Fatal(err)
		}
		user := req.Body.Messages[1].Content
		var content []byte
		if strings.HasPrefix(req.CustomID, "draft-") {
			var d, n int
			fmt.Sscan(reDomain.FindStringSubmatch(user)[1], &d)
			fmt.Sscan(reCount.FindStringSubmatch(user)[1], &n)
			qs := draftScript[d]
			content, _ = json.Marshal(map[string]any{"questions": qs[:min(n, len(qs))]})
		} else {
			stem := strings.SplitN(strings.SplitN(user, "Question:\n", 2)[1], "\n\n", 2)[0]
			letter := ""
			for _, m := range reOption.FindAllStringSubmatch(user, -1) {
				if m[2] == draftPicks[stem] {
					letter = m[1]
				}
			}
			content, _ = json.Marshal(map[string]any{"answer": letter, "other_defensible": []string{}, "reason": "scripted"})
		}
		body := map[string]any{"id": fmt.Sprintf("chatcmpl-%d", i), "object": "chat.completion", "model": "scripted-1",
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": string(content), "refusal": nil}, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 500, "completion_tokens": 100, "total_tokens": 600}}
		b, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("batch_req_%d", i), "custom_id": req.CustomID,
			"response": map[string]any{"status_code": 200, "request_id": "r", "body": body}, "error": nil})
		out.Write(b)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// customIDs returns the sorted custom_ids of a batch file.
func customIDs(t *testing.T, b []byte) []string {
	t.Helper()
	var ids []string
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var x struct {
			CustomID string `json:"custom_id"`
		}
		if err := json.Unmarshal(line, &x); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, x.CustomID)
	}
	sort.Strings(ids)
	return ids
}

// TestDraftBatchRoundTrip: three rounds through batch files — the drafting
// requests, then the verification requests of the drafts that passed the
// gates, then the append — with the answers under testdata/draft; the
// questions file keeps every hand edit, a rerun appends nothing, and lint
// reports the drafts.
func TestDraftBatchRoundTrip(t *testing.T) {
	dir := t.TempDir()
	memo := filepath.Join(dir, "exam.md")
	qfile := filepath.Join(dir, "exam.questions.yaml")
	for _, f := range []string{"exam.md", "exam.questions.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "draft", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	hand, _ := os.ReadFile(qfile)
	r1, r2 := filepath.Join(dir, "r1.jsonl"), filepath.Join(dir, "r2.jsonl")
	r1out, r2out := filepath.Join("testdata", "draft", "r1-out.jsonl"), filepath.Join("testdata", "draft", "r2-out.jsonl")
	round := func(want string, args ...string) string {
		t.Helper()
		code, out, errs := runCmd(t, append([]string{"questions", "draft", "--memo", memo}, args...)...)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("draft %v: exit %d, want %q\n%s\n%s", args, code, want, out, errs)
		}
		return out + errs
	}
	matches := func(written, answers string) {
		t.Helper()
		w, _ := os.ReadFile(written)
		if *updateDraft {
			os.WriteFile(answers, answerBatch(t, w), 0o644)
		}
		a, err := os.ReadFile(answers)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := customIDs(t, w), customIDs(t, a); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("%s asks %v, %s answers %v: the prompts changed? rerun with -update-draft", filepath.Base(written), got, answers, want)
		}
	}

	round("2 requests written", "--batch-out", r1) // two questions about each domain
	matches(r1, r1out)
	if b, _ := os.ReadFile(qfile); !bytes.Equal(b, hand) {
		t.Fatal("round 1 changed the questions file")
	}
	out := round("requests written", "--batch-in", r1out, "--batch-out", r2)
	if !strings.Contains(out, "quality:leak") {
		t.Errorf("round 2 does not report the leaking draft:\n%s", out)
	}
	matches(r2, r2out)
	if b, _ := os.ReadFile(qfile); !bytes.Equal(b, hand) {
		t.Fatal("round 2 changed the questions file")
	}
	out = round("kept by domain: 1: 1, 2: 1", "--batch-in", r1out, "--batch-in", r2out)
	if !strings.Contains(out, "verify-disagree") {
		t.Errorf("round 3 does not report the verification disagreement:\n%s", out)
	}
	after, _ := os.ReadFile(qfile)
	if !bytes.HasPrefix(after, hand) {
		t.Fatalf("the hand-written part changed:\n%s", after)
	}
	qs, err := parseAuthored(after)
	if err != nil || len(qs) != 3 || qs[1].Draft == nil || qs[1].Draft.Model != "scripted-1" || qs[1].Draft.Backend != "batch" {
		t.Fatalf("questions file: %v %+v", err, qs)
	}
	doubts := 0
	for _, q := range qs[1:] {
		if q.Draft.Doubt != "" {
			doubts++
		}
		if len(q.Draft.Evidence) == 0 || q.Draft.Evidence[0].Line == 0 || q.Draft.Date == "" {
			t.Errorf("provenance %+v", q.Draft)
		}
	}
	if doubts != 1 {
		t.Errorf("%d drafts with a doubt, want 1", doubts)
	}
	// a rerun of the last round appends nothing
	round("0 kept", "--batch-in", r1out, "--batch-in", r2out)
	if again, _ := os.ReadFile(qfile); !bytes.Equal(again, after) {
		t.Errorf("the rerun changed the questions file:\n%s", again)
	}
	if code, out, _ := runCmd(t, "questions", "export", "--memo", memo); code != 0 || strings.Count(out, `"draft": true`) != 2 || strings.Count(out, `"doubt": "`) != 1 {
		t.Errorf("export does not mark the drafts:\n%s", out)
	}
	code, out, errs := runCmd(t, "questions", "lint", "--memo", memo)
	if code != 0 {
		t.Fatalf("lint: exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"drafted questions (questions draft): 2 in the bank, 0 approved, 1 with a doubt", "2 kept (1 with a doubt)",
		"quality:leak", "verify-disagree"} {
		if !strings.Contains(out, want) {
			t.Errorf("lint lacks %q:\n%s", want, out)
		}
	}
}

// TestDraftDryRun: the plan, the requests and a token estimate; nothing
// is written.
func TestDraftDryRun(t *testing.T) {
	dir := t.TempDir()
	b, _ := os.ReadFile(filepath.Join("testdata", "draft", "exam.md"))
	memo := filepath.Join(dir, "exam.md")
	os.WriteFile(memo, b, 0o644)
	code, out, errs := runCmd(t, "questions", "draft", "--memo", memo, "--dry-run", "--count", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"4 asked in", "第 1 分野: デプロイ", "第 2 分野: 監視", "50%", "requests:", "tokens (estimate):"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("the dry run wrote files: %v", ents)
	}
	if code, _, errs := runCmd(t, "questions", "draft", "--memo", memo, "--dry-run", "--domain", "7"); code == 0 || !strings.Contains(errs, "no domain 7") {
		t.Errorf("--domain 7: exit %d, %s", code, errs)
	}
}
