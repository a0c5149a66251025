package draft

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBatchLine: a request as an OpenAI Batch input line.
func TestBatchLine(t *testing.T) {
	r := Request{Kind: KindVerify, Model: "gpt-x", System: "sys <&>", User: "user", SchemaName: VerifySchemaName, Schema: verifySchema, MaxTokens: 77}
	r.Key = keyOf(r)
	b, err := BatchLine(r)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		CustomID string `json:"custom_id"`
		Method   string `json:"method"`
		URL      string `json:"url"`
		Body     struct {
			Model    string `json:"model"`
			Messages []struct {
				Role, Content string
			} `json:"messages"`
			ResponseFormat struct {
				Type       string `json:"type"`
				JSONSchema struct {
					Name   string          `json:"name"`
					Strict bool            `json:"strict"`
					Schema json.RawMessage `json:"schema"`
				} `json:"json_schema"`
			} `json:"response_format"`
			MaxCompletionTokens int `json:"max_completion_tokens"`
		} `json:"body"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	bd := got.Body
	if got.CustomID != r.Key || got.Method != "POST" || got.URL != "/v1/chat/completions" || bd.Model != "gpt-x" ||
		len(bd.Messages) != 2 || bd.Messages[0].Role != "system" || bd.Messages[0].Content != "sys <&>" || bd.Messages[1].Role != "user" ||
		bd.ResponseFormat.Type != "json_schema" || bd.ResponseFormat.JSONSchema.Name != VerifySchemaName || !bd.ResponseFormat.JSONSchema.Strict ||
		string(bd.ResponseFormat.JSONSchema.Schema) != string(verifySchema) || bd.MaxCompletionTokens != 77 {
		t.Errorf("batch line: %s", b)
	}
	if strings.Contains(string(b), `\u003c`) || strings.Contains(string(b), "\n") {
		t.Errorf("escaped or multi-line: %s", b)
	}
}

// TestKeys: a request's key changes with anything it says, and only then.
func TestKeys(t *testing.T) {
	base := Request{Kind: KindDraft, Model: "m", System: "s", User: "u", SchemaName: "n", Schema: draftSchema, MaxTokens: 10}
	k := keyOf(base)
	if keyOf(base) != k || !strings.HasPrefix(k, "draft-") || len(k) > 64 {
		t.Fatalf("key %q", k)
	}
	for name, edit := range map[string]func(r *Request){
		"kind":   func(r *Request) { r.Kind = KindVerify },
		"model":  func(r *Request) { r.Model = "m2" },
		"system": func(r *Request) { r.System = "s2" },
		"user":   func(r *Request) { r.User = "u2" },
		"schema": func(r *Request) { r.Schema = verifySchema },
		"tokens": func(r *Request) { r.MaxTokens = 11 },
		"split":  func(r *Request) { r.System, r.User = "su", "" },
	} {
		r := base
		edit(&r)
		if keyOf(r) == k {
			t.Errorf("%s: the key did not change", name)
		}
	}
}

// TestReadBatchOutput: answers by custom_id; errors, other statuses and
// refusals are remembered as failed (asked again, or refused); a line that
// is not JSON is an error naming it.
func TestReadBatchOutput(t *testing.T) {
	lines := strings.Join([]string{
		`{"id":"b1","custom_id":"draft-1","response":{"status_code":200,"body":{"model":"gpt-x-2026","choices":[{"index":0,"message":{"role":"assistant","content":"{\"questions\":[]}","refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3}}},"error":null}`,
		``,
		`{"id":"b2","custom_id":"draft-2","response":null,"error":{"code":"batch_expired","message":"not done in time"}}`,
		`{"id":"b3","custom_id":"draft-3","response":{"status_code":500,"body":{}},"error":null}`,
		`{"id":"b4","custom_id":"verify-4","response":{"status_code":200,"body":{"model":"gpt-x","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}},"error":null}`,
	}, "\n")
	a := NewAnswers()
	rs, err := a.ReadBatchOutput(strings.NewReader(lines))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Key != "draft-1" || rs[0].Content != `{"questions":[]}` || rs[0].Model != "gpt-x-2026" ||
		rs[0].Backend != "batch" || rs[0].Usage != (Usage{Input: 12, Output: 3}) {
		t.Errorf("answers %+v", rs)
	}
	if a.Len() != 1 || a.Failed() != 3 {
		t.Errorf("%d answers, %d failed", a.Len(), a.Failed())
	}
	b := &BatchBackend{Answers: a}
	ctx := context.Background()
	if r, err := b.Complete(ctx, Request{Key: "draft-1"}); err != nil || r.Content == "" {
		t.Errorf("answered: %v", err)
	}
	if _, err := b.Complete(ctx, Request{Key: "verify-4"}); !errors.Is(err, ErrRefused) {
		t.Errorf("refusal: %v", err)
	}
	for _, k := range []string{"draft-2", "draft-3", "draft-9"} {
		if _, err := b.Complete(ctx, Request{Key: k}); !errors.Is(err, errUnanswered) {
			t.Errorf("%s: %v, want unanswered", k, err)
		}
	}
	if _, err := a.ReadBatchOutput(strings.NewReader("{\"custom_id\":\"x\"\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad line: %v", err)
	}
	// a later file answers what an earlier one failed
	if _, err := a.ReadBatchOutput(strings.NewReader(strings.Replace(strings.SplitN(lines, "\n", 2)[0], "draft-1", "draft-2", 1))); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Complete(ctx, Request{Key: "draft-2"}); err != nil || a.Failed() != 2 {
		t.Errorf("retried answer: %v, %d failed", err, a.Failed())
	}
}

// TestWriteBatch: requests in key order, one line each; written whole.
func TestWriteBatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	reqs := []Request{{Key: "verify-b", Kind: KindVerify}, {Key: "draft-a", Kind: KindDraft}, {Key: "verify-b", Kind: KindVerify}}
	if err := WriteBatch(path, reqs); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	ls := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(ls) != 2 || !strings.Contains(ls[0], `"custom_id":"draft-a"`) || !strings.Contains(ls[1], `"custom_id":"verify-b"`) {
		t.Errorf("batch file:\n%s", b)
	}
}
