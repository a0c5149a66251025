package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/questions/draft"
	"github.com/studybot/studybot/questions/draft/drafttest"
)

// The end-to-end tests of "questions draft" through the real SDK clients:
// run() with --backend openai or bedrock against drafttest's loopback
// servers, whose responder answers each request as a model would, from
// the user message: a drafting request by its domain (liveDrafts), a
// verification request by its stem (draftPicks).

// madeUpQuote quotes a line the memo does not have: dropped by the
// evidence gate.
var madeUpQuote = map[string]any{"stem": "AWS CodeDeploy で、新しい環境を別に用意して検証後に切り替えたい。どのデプロイ方式か？",
	"options": []string{"Canary", "Linear", "AllAtOnce", "Blue/Green"}, "answer": 3,
	"explanation": "Blue/Green は別環境を用意する。", "evidence": []string{"Blue/Green はダウンタイムなしで切り替える方式"},
	"domain": 1, "difficulty": "easy", "fact": "Blue/Green", "doubt": ""}

// handDup asks again the hand-written question of exam.questions.yaml:
// dropped as a duplicate.
var handDup = map[string]any{"stem": "アプリケーションのエラー率がしきい値を超えたら担当者にメールを送りたい。Amazon CloudWatch で設定するものはどれか？",
	"options": []string{"CloudWatch アラーム", "CloudWatch Logs", "CloudWatch Synthetics", "CloudWatch Contributor Insights"}, "answer": 0,
	"explanation": "アラームはメトリクスのしきい値で通知やアクションを実行する。Logs はログの保存と検索。",
	"evidence":    []string{"CloudWatch アラーム: メトリクスがしきい値を超えたときに通知やアクションを実行する"},
	"domain":      2, "difficulty": "easy", "fact": "CloudWatch アラームの通知", "doubt": ""}

// liveDrafts is what the scripted model drafts per domain of
// testdata/draft/live.md (three questions asked in each): one kept, one
// dropped by the evidence gate and one leaking in domain 1; one kept (with
// a doubt), one the verification disagrees with and a duplicate of the
// hand-written question in domain 2.
var liveDrafts = map[int][]map[string]any{
	1: {draftScript[1][0], madeUpQuote, draftScript[1][1]},
	2: {draftScript[2][0], draftScript[2][1], handDup},
}

var (
	reLiveDomain = regexp.MustCompile(`(?m)^Domain: (\d+)`)
	reLiveCount  = regexp.MustCompile(`(?m)^Questions to write: (\d+)`)
	reLiveOption = regexp.MustCompile(`(?m)^([A-D])\. (.*)$`)
)

// isDraftRequest reports whether a user message asks for drafts (else it
// asks for a verification).
func isDraftRequest(user string) bool { return reLiveCount.MatchString(user) }

// liveDomain returns the domain a drafting request's user message asks about.
func liveDomain(user string) int {
	var d int
	if m := reLiveDomain.FindStringSubmatch(user); m != nil {
		fmt.Sscan(m[1], &d)
	}
	return d
}

// liveAnswer is the scripted model's answer object to a user message.
func liveAnswer(user string) string {
	var v any
	if isDraftRequest(user) {
		var n int
		fmt.Sscan(reLiveCount.FindStringSubmatch(user)[1], &n)
		qs := liveDrafts[liveDomain(user)]
		v = map[string]any{"questions": qs[:min(n, len(qs))]}
	} else {
		stem := ""
		if _, rest, ok := strings.Cut(user, "Question:\n"); ok {
			stem, _, _ = strings.Cut(rest, "\n\n")
		}
		letter := ""
		for _, m := range reLiveOption.FindAllStringSubmatch(user, -1) {
			if m[2] == draftPicks[stem] {
				letter = m[1]
			}
		}
		v = map[string]any{"answer": letter, "other_defensible": []string{}, "reason": "scripted"}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// openAIModel answers every request as the scripted model named "m";
// any other model name is not found.
func openAIModel(r drafttest.ChatRequest) drafttest.Outcome {
	if r.Model != "m" {
		return drafttest.ModelNotFound(r.Model)
	}
	return drafttest.Answer(liveAnswer(r.User()))
}

// liveDir is a temp directory with the memo and a copy of its questions file.
type liveDir struct {
	memo, qfile, cache string
	hand               []byte // the questions file as a person wrote it
}

// newLiveDir copies testdata/draft/live.md and exam.questions.yaml (as
// live.questions.yaml) into a temp directory.
func newLiveDir(t *testing.T) liveDir {
	t.Helper()
	dir := t.TempDir()
	l := liveDir{memo: filepath.Join(dir, "live.md"), qfile: filepath.Join(dir, "live.questions.yaml"), cache: filepath.Join(dir, "cache")}
	for from, to := range map[string]string{"live.md": l.memo, "exam.questions.yaml": l.qfile} {
		b, err := os.ReadFile(filepath.Join("testdata", "draft", from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l.hand, _ = os.ReadFile(l.qfile)
	return l
}

// draft runs "questions draft" on the directory's memo with args and the
// environment env.
func (l liveDir) draft(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	all := append([]string{"questions", "draft", "--memo", l.memo, "--out", l.qfile, "--cache-dir", l.cache}, args...)
	var out, errb bytes.Buffer
	code = run(all, strings.NewReader(""), &out, &errb, mapEnv(env))
	return code, out.String(), errb.String()
}

// file returns the questions file's bytes.
func (l liveDir) file(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(l.qfile)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// logRules counts the drafts log's records by rule.
func (l liveDir) logRules(t *testing.T) map[string]int {
	t.Helper()
	f, err := os.Open(draft.LogFile(l.qfile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rules := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r draft.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		rules[r.Rule]++
	}
	return rules
}

// backoffWaits makes the Runner's backoff waits of "questions draft"
// instant for the rest of the test and returns a function listing the
// waits it asked for.
func backoffWaits(t *testing.T) func() []time.Duration {
	t.Helper()
	var mu sync.Mutex
	var waits []time.Duration
	draftRunnerHook = func(r *draft.Runner) {
		r.Sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return ctx.Err()
		}
	}
	t.Cleanup(func() { draftRunnerHook = nil })
	return func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), waits...)
	}
}

// openAIEnv is the environment of a run against the OpenAI fake.
var openAIEnv = map[string]string{"STUDYBOT_LLM_API_KEY": draftKey}

// checkKept checks the questions file after a run that kept the two good
// drafts: the hand-written part unchanged, then the drafts with their
// provenance.
func checkKept(t *testing.T, l liveDir, backend string) {
	t.Helper()
	after := l.file(t)
	if !bytes.HasPrefix(after, l.hand) {
		t.Fatalf("the hand-written part changed:\n%s", after)
	}
	qs, err := parseAuthored(after)
	if err != nil || len(qs) != 3 {
		t.Fatalf("questions file: %v, %d questions\n%s", err, len(qs), after)
	}
	stems := map[string]bool{}
	for _, q := range qs[1:] {
		stems[q.Stem] = true
		p := q.Draft
		if p == nil || p.Backend != backend || p.Model != "m" || p.Date == "" || len(p.Evidence) == 0 || p.Evidence[0].Line == 0 {
			t.Errorf("provenance of %q: %+v", q.Stem, p)
		}
	}
	for _, want := range []map[string]any{draftScript[1][0], draftScript[2][0]} {
		if !stems[want["stem"].(string)] {
			t.Errorf("the draft %q is not kept:\n%s", want["stem"], after)
		}
	}
}

// TestDraftLiveOpenAI: the whole run through openai-go against the
// OpenAI fake with a strict schema: a 429 with Retry-After and a 500 on
// the first calls are retried after the waits asked for; each gate drops
// its draft and names its rule in the run's report, the drafts log and
// lint; the good drafts are appended with their provenance; a second run
// appends nothing twice.
func TestDraftLiveOpenAI(t *testing.T) {
	waits := backoffWaits(t)
	l := newLiveDir(t)
	srv := drafttest.NewOpenAIServer(t)
	srv.Key = draftKey
	srv.Script(drafttest.RateLimited("7"), drafttest.ServerError())
	srv.Respond(openAIModel)

	// one request at a time, so the first request meets both errors
	code, out, errs := l.draft(t, openAIEnv, "--backend", "openai", "--base-url", srv.URL, "--model", "m", "--concurrency", "1")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if inv := srv.Invalid(); len(inv) > 0 {
		t.Fatalf("the server rejected requests: %v", inv)
	}
	drafting := map[string]int{}
	verify := 0
	for _, r := range srv.Requests() {
		rf := r.ResponseFormat
		if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil || rf.JSONSchema.Strict == nil || !*rf.JSONSchema.Strict ||
			!bytes.Contains(rf.JSONSchema.Schema, []byte(`"additionalProperties"`)) {
			t.Errorf("response_format %+v, want a strict json_schema", rf)
		}
		if r.Model != "m" || r.Authorization != "Bearer "+draftKey || r.MaxCompletionTokens == nil || r.MaxTokens != nil {
			t.Errorf("model %q, auth %q, max_completion_tokens %v, max_tokens %v", r.Model, r.Authorization, r.MaxCompletionTokens, r.MaxTokens)
		}
		if strings.Contains(r.System(), "follows this JSON schema") {
			t.Error("the schema is in the system message of a strict request")
		}
		if isDraftRequest(r.User()) {
			drafting[r.User()]++
			if rf != nil && rf.JSONSchema != nil && rf.JSONSchema.Name != draft.DraftSchemaName {
				t.Errorf("drafting schema name %q", rf.JSONSchema.Name)
			}
		} else {
			verify++
		}
	}
	// two drafting requests (one per domain), the first sent three times
	// (429, 500, answer); three drafts reach verification
	sent := 0
	for _, n := range drafting {
		sent += n
	}
	if len(drafting) != 2 || sent != 4 || verify != 3 || srv.Calls() != 7 {
		t.Errorf("%d drafting requests sent %d times, %d verifications, %d calls; want 2, 4, 3, 7", len(drafting), sent, verify, srv.Calls())
	}
	w := waits()
	if len(w) != 2 || w[0] < 6*time.Second || w[0] > 7*time.Second || w[1] <= 0 || w[1] > time.Second {
		t.Errorf("backoff waits %v, want the 429's Retry-After (7s) and one server-error backoff (≤ 1s)", w)
	}

	rules := l.logRules(t)
	want := map[string]int{draft.RuleKept: 2, draft.RuleEvidence: 1, draft.RuleQualityPrefix + "leak": 1, draft.RuleDuplicate: 1, draft.RuleVerifyDisagree: 1}
	for rule, n := range want {
		if rules[rule] != n {
			t.Errorf("drafts log: %d × %s, want %d (all: %v)", rules[rule], rule, n, rules)
		}
		if rule != draft.RuleKept && !strings.Contains(errs, "dropped: "+rule+" ") {
			t.Errorf("the run does not report the %s drop:\n%s", rule, errs)
		}
	}
	if len(rules) != len(want) {
		t.Errorf("drafts log rules %v, want %v", rules, want)
	}
	if !strings.Contains(out, "2 kept and appended") || !strings.Contains(out, "kept by domain: 1: 1, 2: 1") {
		t.Errorf("report:\n%s", out)
	}
	checkKept(t, l, "openai")

	code, lint, lerrs := runCmd(t, "questions", "lint", "--memo", l.memo)
	if code != 0 {
		t.Fatalf("lint: exit %d\n%s\n%s", code, lint, lerrs)
	}
	for _, want := range []string{"drafted questions (questions draft): 2 in the bank", "6 drafts decided, 2 kept (1 with a doubt), 4 dropped",
		"evidence", "quality:leak", "duplicate", "verify-disagree"} {
		if !strings.Contains(lint, want) {
			t.Errorf("lint lacks %q:\n%s", want, lint)
		}
	}

	// The same command again: no request of the first run is sent again
	// (the cache answers them), nothing is appended twice. The rerun does
	// make calls: --count counts the file's drafts and the passages have
	// room left by the dropped drafts, so it tops up with new requests
	// that list the kept drafts as already asked (TestDraftLiveResume has
	// a rerun that makes no drafting call).
	after := l.file(t)
	first := srv.Requests()
	paid := map[string]bool{}
	for _, r := range first {
		paid[r.User()] = true
	}
	if code, out, errs := l.draft(t, openAIEnv, "--backend", "openai", "--base-url", srv.URL, "--model", "m"); code != 0 || !strings.Contains(out, "0 kept") {
		t.Fatalf("rerun: exit %d\n%s\n%s", code, out, errs)
	}
	for _, r := range srv.Requests()[len(first):] {
		if paid[r.User()] {
			t.Errorf("the rerun sent a request of the first run again:\n%s", r.User())
		}
		if isDraftRequest(r.User()) && !strings.Contains(r.User(), "Questions already asked about this passage") {
			t.Errorf("a drafting request of the rerun is not a top-up listing the kept drafts:\n%s", r.User())
		}
	}
	if again := l.file(t); !bytes.Equal(again, after) {
		t.Errorf("the rerun changed the questions file:\n%s", again)
	}
}

// TestDraftLiveResume: a run whose verification round fails (the server
// down until the Runner gives up) stops with an error and appends
// nothing; the rerun answers every drafting request from the cache (the
// server sees no new drafting call), verifies and appends the drafts once.
func TestDraftLiveResume(t *testing.T) {
	backoffWaits(t)
	l := newLiveDir(t)
	srv := drafttest.NewOpenAIServer(t)
	down := true
	var mu sync.Mutex
	srv.Respond(func(r drafttest.ChatRequest) drafttest.Outcome {
		mu.Lock()
		defer mu.Unlock()
		if down && !isDraftRequest(r.User()) {
			return drafttest.ServerError()
		}
		return openAIModel(r)
	})
	args := []string{"--backend", "openai", "--base-url", srv.URL, "--model", "m", "--concurrency", "1"}
	code, out, errs := l.draft(t, openAIEnv, args...)
	if code != 1 || !strings.Contains(errs, "giving up") {
		t.Fatalf("exit %d, want 1 with the Runner giving up\n%s\n%s", code, out, errs)
	}
	if !bytes.Equal(l.file(t), l.hand) {
		t.Fatalf("the failed run changed the questions file:\n%s", l.file(t))
	}
	countDrafting := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if isDraftRequest(r.User()) {
				n++
			}
		}
		return n
	}
	before := countDrafting()
	if before != 2 {
		t.Fatalf("%d drafting calls, want 2", before)
	}
	mu.Lock()
	down = false
	mu.Unlock()
	calls := srv.Calls()
	code, out, errs = l.draft(t, openAIEnv, args...)
	if code != 0 || !strings.Contains(out, "2 kept and appended") {
		t.Fatalf("rerun: exit %d\n%s\n%s", code, out, errs)
	}
	if n := countDrafting(); n != before {
		t.Errorf("the rerun sent %d drafting requests again, want them answered from the cache", n-before)
	}
	if n := srv.Calls() - calls; n != 3 {
		t.Errorf("the rerun made %d calls, want the 3 verifications", n)
	}
	checkKept(t, l, "openai")
}

// TestDraftLiveJSONMode: with --json-mode the requests ask for a JSON
// object and carry the schema in the system message; a truncated answer
// (finish_reason length) drops its request's drafts as malformed and the
// run goes on.
func TestDraftLiveJSONMode(t *testing.T) {
	backoffWaits(t)
	l := newLiveDir(t)
	srv := drafttest.NewOpenAIServer(t)
	srv.Respond(func(r drafttest.ChatRequest) drafttest.Outcome {
		if isDraftRequest(r.User()) && liveDomain(r.User()) == 1 {
			return drafttest.Truncated(`{"questions":[{"stem":"AWS CodeDeploy で Lambda 関数を更新する際`)
		}
		return openAIModel(r)
	})
	code, out, errs := l.draft(t, openAIEnv, "--backend", "openai", "--base-url", srv.URL, "--model", "m", "--json-mode")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if inv := srv.Invalid(); len(inv) > 0 {
		t.Fatalf("the server rejected requests: %v", inv)
	}
	for _, r := range srv.Requests() {
		if rf := r.ResponseFormat; rf == nil || rf.Type != "json_object" || rf.JSONSchema != nil {
			t.Errorf("response_format %+v, want json_object", rf)
		}
		if sys := r.System(); !strings.Contains(sys, "follows this JSON schema") || !strings.Contains(sys, `"additionalProperties":false`) {
			t.Errorf("the system message does not carry the schema:\n%s", sys)
		}
	}
	rules := l.logRules(t)
	if rules[draft.RuleMalformed] != 1 || rules[draft.RuleKept] != 1 || rules[draft.RuleVerifyDisagree] != 1 || rules[draft.RuleDuplicate] != 1 {
		t.Errorf("drafts log rules %v, want 1 malformed, and domain 2's kept, verify-disagree and duplicate", rules)
	}
	if !strings.Contains(errs, "dropped: malformed") || !strings.Contains(errs, "finish_reason length") {
		t.Errorf("the run does not report the truncated answer:\n%s", errs)
	}
	qs, err := parseAuthored(l.file(t))
	if err != nil || len(qs) != 2 || qs[1].Stem != draftScript[2][0]["stem"] || qs[1].Draft == nil || qs[1].Draft.Backend != "openai" {
		t.Errorf("questions file: %v\n%s", err, l.file(t))
	}
}

// TestDraftLiveStops: a bad key (401) or an unknown model (404) stops the
// run with an error that says so and never shows the key; the questions
// file, drafts included, keeps every byte.
func TestDraftLiveStops(t *testing.T) {
	backoffWaits(t)
	l := newLiveDir(t)
	good := drafttest.NewOpenAIServer(t)
	good.Respond(openAIModel)
	if code, out, errs := l.draft(t, openAIEnv, "--backend", "openai", "--base-url", good.URL, "--model", "m"); code != 0 {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errs)
	}
	before := l.file(t)
	if _, err := parseAuthored(before); err != nil || bytes.Equal(before, l.hand) {
		t.Fatalf("the first run appended no draft: %v", err)
	}
	logBefore, _ := os.ReadFile(draft.LogFile(l.qfile))
	tests := []struct {
		name  string
		key   string // the key the server accepts ("" any)
		model string
		want  []string
	}{
		{"bad key", "sk-right", "m", []string{"bad credentials", "401", "check the key in STUDYBOT_LLM_API_KEY"}},
		{"unknown model", "", "gpt-9", []string{"unknown model", "gpt-9", "check --model"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := drafttest.NewOpenAIServer(t)
			srv.Key = tt.key
			srv.Respond(openAIModel)
			cache := filepath.Join(filepath.Dir(l.qfile), fmt.Sprintf("cache-%d", i)) // nothing answered yet
			code, out, errs := l.draft(t, openAIEnv, "--backend", "openai", "--base-url", srv.URL, "--model", tt.model, "--cache-dir", cache)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errs)
			}
			if srv.Calls() == 0 {
				t.Fatal("no call reached the server")
			}
			for _, want := range tt.want {
				if !strings.Contains(errs, want) {
					t.Errorf("error lacks %q:\n%s", want, errs)
				}
			}
			if strings.Contains(out+errs, "NEVERSHOWN") {
				t.Errorf("the output shows the key:\n%s\n%s", out, errs)
			}
			if after := l.file(t); !bytes.Equal(after, before) {
				t.Errorf("the questions file changed:\n%s", after)
			}
			if log, _ := os.ReadFile(draft.LogFile(l.qfile)); !bytes.HasPrefix(log, logBefore) {
				t.Error("the drafts log lost lines")
			}
		})
	}
}

// TestDraftLiveBedrock: the same run through the AWS SDK's Converse
// client against the Bedrock fake, with static credentials from the
// environment and no credential file or instance metadata consulted.
func TestDraftLiveBedrock(t *testing.T) {
	env := map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDLIVETEST", "AWS_SECRET_ACCESS_KEY": "fake-secret", "AWS_SESSION_TOKEN": "",
		"AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "credentials"),
		"AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true", "AWS_BEARER_TOKEN_BEDROCK": "",
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": "",
	}
	// the AWS SDK reads the process environment, not the command's env func
	for k, v := range env {
		t.Setenv(k, v)
	}
	backoffWaits(t)
	l := newLiveDir(t)
	srv := drafttest.NewBedrockServer(t)
	srv.Script(drafttest.Throttled())
	srv.Respond(func(r drafttest.ConverseRequest) drafttest.BedrockOutcome {
		switch r.ModelID {
		case "m":
			return drafttest.ToolAnswer(liveAnswer(r.User))
		case "denied": // by model, not by the script: a request of the
			// previous run still in flight must not take another's outcome
			return drafttest.AccessDenied()
		}
		return drafttest.ResourceNotFound()
	})
	code, out, errs := l.draft(t, env, "--backend", "bedrock", "--base-url", srv.URL, "--region", "us-east-1", "--model", "m")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s\ninvalid: %v", code, out, errs, srv.Invalid())
	}
	if inv := srv.Invalid(); len(inv) > 0 {
		t.Fatalf("the server rejected requests: %v", inv)
	}
	reqs := srv.Requests()
	if len(reqs) != 6 { // 2 drafting (one throttled once) and 3 verifications
		t.Errorf("%d calls, want 6", len(reqs))
	}
	for _, r := range reqs {
		if !strings.Contains(r.Authorization, "Credential=AKIDLIVETEST/") || !strings.Contains(r.Authorization, "/us-east-1/bedrock/") {
			t.Errorf("authorization %q", r.Authorization)
		}
		if want := draft.VerifySchemaName; isDraftRequest(r.User) {
			if r.ToolName != draft.DraftSchemaName {
				t.Errorf("drafting tool %q", r.ToolName)
			}
		} else if r.ToolName != want {
			t.Errorf("verification tool %q", r.ToolName)
		}
		if len(r.InputSchema) == 0 || r.System == "" || r.MaxTokens == 0 {
			t.Errorf("tool schema %d bytes, system %d bytes, max tokens %d", len(r.InputSchema), len(r.System), r.MaxTokens)
		}
	}
	rules := l.logRules(t)
	if rules[draft.RuleKept] != 2 || rules[draft.RuleEvidence] != 1 || rules[draft.RuleVerifyDisagree] != 1 {
		t.Errorf("drafts log rules %v", rules)
	}
	checkKept(t, l, "bedrock")
	if strings.Contains(out+errs, "fake-secret") {
		t.Errorf("the output shows the secret key:\n%s\n%s", out, errs)
	}

	// A model Bedrock does not have stops the run; the file keeps every byte.
	before := l.file(t)
	// (one request at a time: a second one in flight when the first stops
	// the run could reach the fake after the next step's script is queued)
	code, out, errs = l.draft(t, env, "--backend", "bedrock", "--base-url", srv.URL, "--region", "us-east-1", "--model", "nope",
		"--cache-dir", filepath.Join(t.TempDir(), "cache"), "--concurrency", "1")
	if code != 1 || !strings.Contains(errs, "ResourceNotFoundException") || !strings.Contains(errs, "unknown model") || !strings.Contains(errs, "check --model") {
		t.Errorf("unknown model: exit %d\n%s\n%s", code, out, errs)
	}
	// So do credentials without access: the error says what to check.
	code, out, errs = l.draft(t, env, "--backend", "bedrock", "--base-url", srv.URL, "--region", "us-east-1", "--model", "denied",
		"--cache-dir", filepath.Join(t.TempDir(), "cache"), "--concurrency", "1")
	if code != 1 || !strings.Contains(errs, "AccessDeniedException") || !strings.Contains(errs, "check the AWS credentials") {
		t.Errorf("access denied: exit %d\n%s\n%s", code, out, errs)
	}
	if after := l.file(t); !bytes.Equal(after, before) {
		t.Errorf("the questions file changed:\n%s", after)
	}
}
