package draft_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/questions/draft"
	"github.com/studybot/studybot/questions/draft/drafttest"
)

// testSchema is a strict answer schema like the pipeline's.
const testSchema = `{"type":"object","properties":{"stem":{"type":"string"},"options":{"type":"array","items":{"type":"string"}},"answer":{"type":"integer"}},"required":["stem","options","answer"],"additionalProperties":false}`

// testRequest returns a request with key key.
func testRequest(key string) draft.Request {
	return draft.Request{
		Key: key, Kind: draft.KindDraft, Model: "gpt-test",
		System: "You write exam questions.", User: "Passage: S3 stores objects. (" + key + ")",
		SchemaName: "draft_question", Schema: json.RawMessage(testSchema), MaxTokens: 800,
	}
}

// newOpenAI builds a backend against srv.
func newOpenAI(t *testing.T, srv *drafttest.OpenAIServer, cfg draft.OpenAIConfig) draft.Backend {
	t.Helper()
	cfg.BaseURL = srv.URL
	b, err := draft.NewOpenAI(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenAIOutcomes(t *testing.T) {
	answer := `{"stem":"Which?","options":["a","b","c","d"],"answer":1}`
	tests := []struct {
		name       string
		out        drafttest.Outcome
		want       error
		retryAfter time.Duration
	}{
		{"answer", drafttest.Answer(answer), nil, 0},
		{"answer in a code fence", drafttest.Answer("```json\n" + answer + "\n```"), nil, 0},
		{"429 with Retry-After", drafttest.RateLimited("7"), draft.ErrRateLimited, 7 * time.Second},
		{"429 without Retry-After", drafttest.RateLimited(""), draft.ErrRateLimited, 0},
		{"insufficient quota", drafttest.Outcome{Status: 429, ErrorCode: "insufficient_quota", ErrorMessage: "You exceeded your current quota"}, draft.ErrAuth, 0},
		{"500", drafttest.ServerError(), draft.ErrServer, 0},
		{"503 with Retry-After", drafttest.Outcome{Status: 503, RetryAfter: "2", ErrorMessage: "overloaded"}, draft.ErrServer, 2 * time.Second},
		{"401", drafttest.Unauthorized(), draft.ErrAuth, 0},
		{"403", drafttest.Outcome{Status: 403, ErrorMessage: "Country, region, or territory not supported"}, draft.ErrAuth, 0},
		{"404 model_not_found", drafttest.ModelNotFound("gpt-test"), draft.ErrUnknownModel, 0},
		{"400 unknown model (LiteLLM-style)", drafttest.BadRequest("Invalid model name passed in model=gpt-test"), draft.ErrUnknownModel, 0},
		{"400", drafttest.BadRequest("This model's maximum context length is 8192 tokens"), draft.ErrRefused, 0},
		{"refusal", drafttest.Refusal("I can't help with that."), draft.ErrRefused, 0},
		{"content filter", drafttest.ContentFiltered(), draft.ErrRefused, 0},
		{"truncated", drafttest.Truncated(`{"stem":"Whi`), draft.ErrMalformed, 0},
		{"empty content", drafttest.Answer(""), draft.ErrMalformed, 0},
		{"not JSON", drafttest.Answer("Sure! Here is your question: …"), draft.ErrMalformed, 0},
		{"JSON but not an object", drafttest.Answer(`["a","b"]`), draft.ErrMalformed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := drafttest.NewOpenAIServer(t)
			srv.Script(tt.out)
			b := newOpenAI(t, srv, draft.OpenAIConfig{APIKey: "sk-test-key"})
			resp, err := b.Complete(context.Background(), testRequest("k1"))
			if srv.Calls() != 1 {
				t.Errorf("calls = %d, want 1 (the SDK must not retry)", srv.Calls())
			}
			if inv := srv.Invalid(); len(inv) > 0 {
				t.Fatalf("fake found the request invalid: %v", inv)
			}
			if tt.want == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if resp.Content != answer || resp.Key != "k1" || resp.Backend != "openai" || resp.Model != "gpt-test" {
					t.Errorf("resp = %+v", resp)
				}
				if resp.Usage != (draft.Usage{Input: 10, Output: 20}) {
					t.Errorf("usage = %+v", resp.Usage)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if testing.Verbose() {
				t.Log(err)
			}
			for _, other := range []error{draft.ErrRateLimited, draft.ErrServer, draft.ErrAuth, draft.ErrUnknownModel, draft.ErrRefused, draft.ErrMalformed} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("err = %v is also %v", err, other)
				}
			}
			ra, ok := draft.RetryAfter(err)
			if ok != (tt.retryAfter > 0) || ra != tt.retryAfter {
				t.Errorf("RetryAfter = %v, %t; want %v", ra, ok, tt.retryAfter)
			}
		})
	}
}

func TestOpenAIRequestShape(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	b := newOpenAI(t, srv, draft.OpenAIConfig{APIKey: "sk-shape"})
	if _, err := b.Complete(context.Background(), testRequest("k1")); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d (invalid: %v)", len(reqs), srv.Invalid())
	}
	r := reqs[0]
	if r.Path != "/v1/chat/completions" || r.Authorization != "Bearer sk-shape" || r.Model != "gpt-test" {
		t.Errorf("path %q auth %q model %q", r.Path, r.Authorization, r.Model)
	}
	if r.System() != "You write exam questions." || !strings.Contains(r.User(), "S3 stores objects") {
		t.Errorf("messages = %+v", r.Messages)
	}
	rf := r.ResponseFormat
	if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil || rf.JSONSchema.Name != "draft_question" ||
		rf.JSONSchema.Strict == nil || !*rf.JSONSchema.Strict {
		t.Fatalf("response_format = %+v", rf)
	}
	var got, want any
	_ = json.Unmarshal(rf.JSONSchema.Schema, &got)
	_ = json.Unmarshal([]byte(testSchema), &want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("schema = %s", rf.JSONSchema.Schema)
	}
	if r.MaxCompletionTokens == nil || *r.MaxCompletionTokens != 800 || r.MaxTokens != nil {
		t.Errorf("max_completion_tokens %v max_tokens %v", r.MaxCompletionTokens, r.MaxTokens)
	}
}

func TestOpenAIJSONMode(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	b := newOpenAI(t, srv, draft.OpenAIConfig{JSONMode: true, LegacyMaxTokens: true, Name: "ollama"})
	resp, err := b.Complete(context.Background(), testRequest("k1"))
	if err != nil {
		t.Fatalf("err = %v (invalid: %v)", err, srv.Invalid())
	}
	if resp.Backend != "ollama" {
		t.Errorf("backend = %q", resp.Backend)
	}
	r := srv.Requests()[0]
	if r.ResponseFormat == nil || r.ResponseFormat.Type != "json_object" || r.ResponseFormat.JSONSchema != nil {
		t.Errorf("response_format = %+v", r.ResponseFormat)
	}
	if !strings.Contains(r.System(), `"additionalProperties":false`) || !strings.HasPrefix(r.System(), "You write exam questions.") {
		t.Errorf("system message lacks the schema: %q", r.System())
	}
	if r.Authorization != "" {
		t.Errorf("no key configured, yet Authorization = %q", r.Authorization)
	}
	if r.MaxTokens == nil || *r.MaxTokens != 800 || r.MaxCompletionTokens != nil {
		t.Errorf("max_tokens %v max_completion_tokens %v", r.MaxTokens, r.MaxCompletionTokens)
	}
}

// TestOpenAIBaseURLs checks the base URLs of the compatible servers reach
// the chat completions path under them.
func TestOpenAIBaseURLs(t *testing.T) {
	for _, suffix := range []string{"/v1", "/v1/", "/openai/v1/"} {
		srv := drafttest.NewOpenAIServer(t)
		base := strings.TrimSuffix(srv.URL, "/v1/") + suffix
		b, err := draft.NewOpenAI(draft.OpenAIConfig{BaseURL: base, Model: "m"})
		if err != nil {
			t.Fatal(err)
		}
		req := testRequest("k")
		req.Model = "" // the config's model is the default
		if _, err := b.Complete(context.Background(), req); err != nil {
			t.Fatalf("%s: %v", suffix, err)
		}
		want := strings.TrimSuffix(suffix, "/") + "/chat/completions"
		if got := srv.Requests()[0]; got.Path != want || got.Model != "m" {
			t.Errorf("%s: path %q model %q, want %q", suffix, got.Path, got.Model, want)
		}
	}
	if _, err := draft.NewOpenAI(draft.OpenAIConfig{BaseURL: "localhost:11434"}); err == nil {
		t.Error("a base URL without a scheme was accepted")
	}
}

// TestOpenAIKeyNeverShown checks that the key appears in no error, log line
// or formatted value, even when the server quotes it back.
func TestOpenAIKeyNeverShown(t *testing.T) {
	const key = "sk-proj-SECRET-0123456789abcdef"
	srv := drafttest.NewOpenAIServer(t)
	srv.Key = "sk-the-right-one"
	cfg := draft.OpenAIConfig{BaseURL: srv.URL, APIKey: key, Model: "gpt-test"}
	b, err := draft.NewOpenAI(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Complete(context.Background(), testRequest("k1"))
	if !errors.Is(err, draft.ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	var log strings.Builder
	slog.New(slog.NewTextHandler(&log, nil)).Info("draft", "config", cfg, "err", err)
	shown := []string{
		err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err),
		fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", &cfg),
		fmt.Sprintf("%+v", b), fmt.Sprintf("%#v", b), log.String(),
	}
	for _, s := range shown {
		if strings.Contains(s, key) || strings.Contains(s, "SECRET") {
			t.Errorf("key shown in %q", s)
		}
	}
	// The server's message is still useful once the key is cut out.
	if !strings.Contains(err.Error(), "Incorrect API key provided: [redacted]") {
		t.Errorf("err = %v", err)
	}

	// A connection failure's error does not carry it either.
	b, _ = draft.NewOpenAI(draft.OpenAIConfig{BaseURL: "http://127.0.0.1:1/" + key + "/v1", APIKey: key, Model: "m"})
	_, err = b.Complete(context.Background(), testRequest("k1"))
	if !errors.Is(err, draft.ErrServer) || strings.Contains(err.Error(), key) {
		t.Errorf("err = %v", err)
	}
}

func TestOpenAICancelled(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	release := make(chan struct{})
	srv.Hold(func(drafttest.ChatRequest) { <-release })
	defer close(release)
	b := newOpenAI(t, srv, draft.OpenAIConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := b.Complete(ctx, testRequest("k1"))
		done <- err
	}()
	for srv.InFlight() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) || draft.Retryable(err) || draft.Fatal(err) {
		t.Errorf("err = %v, want a cancellation that is neither retryable nor fatal", err)
	}
}

// TestOpenAIWrongPath checks that a 404 not about the model (a base URL
// missing its version segment) says what to check.
func TestOpenAIWrongPath(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	srv.Script(drafttest.Outcome{Status: 404, ErrorType: "invalid_request_error", ErrorMessage: "Invalid URL (POST /chat/completions)"},
		drafttest.ModelNotFound("gpt-test"))
	b := newOpenAI(t, srv, draft.OpenAIConfig{})
	_, err := b.Complete(context.Background(), testRequest("k"))
	if !errors.Is(err, draft.ErrUnknownModel) || !strings.Contains(err.Error(), "base URL ends in the API's version") {
		t.Errorf("err = %v", err)
	}
	_, err = b.Complete(context.Background(), testRequest("k"))
	if !errors.Is(err, draft.ErrUnknownModel) || strings.Contains(err.Error(), "base URL") {
		t.Errorf("a model_not_found error hints at the base URL: %v", err)
	}
}

// TestOpenAIAzureKeyHeader checks that an Azure host also gets the key in
// api-key.
func TestOpenAIAzureKeyHeader(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	var got string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Get("Api-Key")
		r.URL.Scheme, r.URL.Host = "http", strings.TrimPrefix(strings.TrimSuffix(srv.URL, "/v1/"), "http://")
		return http.DefaultTransport.RoundTrip(r)
	})}
	b, err := draft.NewOpenAI(draft.OpenAIConfig{BaseURL: "https://team.openai.azure.com/openai/v1/", APIKey: "azure-key-1", Model: "gpt-4.1", HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Complete(context.Background(), testRequest("k")); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if got != "azure-key-1" || r.Authorization != "Bearer azure-key-1" || r.Path != "/openai/v1/chat/completions" {
		t.Errorf("api-key %q authorization %q path %q", got, r.Authorization, r.Path)
	}
}

// roundTripFunc is an http.RoundTripper from a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
