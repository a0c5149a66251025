package drafttest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/studybot/studybot/questions/draft"
	"github.com/studybot/studybot/questions/draft/drafttest"
)

// post sends body to url with headers and returns the status and the
// decoded JSON body.
func post(t *testing.T, url, body string, headers map[string]string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out, res.Header
}

// TestOpenAIServerValidates checks that the fake refuses what OpenAI refuses.
func TestOpenAIServerValidates(t *testing.T) {
	strict := `{"type":"json_schema","json_schema":{"name":"q","strict":true,"schema":%s}}`
	closed := `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}`
	tests := []struct {
		name, body string
		ok         bool
	}{
		{"valid schema", `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":` + strings.Replace(strict, "%s", closed, 1) + `}`, true},
		{"valid json mode", `{"model":"m","messages":[{"role":"system","content":"Answer in JSON."},{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}`, true},
		{"no model", `{"messages":[{"role":"user","content":"hi"}]}`, false},
		{"no messages", `{"model":"m","messages":[]}`, false},
		{"bad role", `{"model":"m","messages":[{"role":"robot","content":"hi"}]}`, false},
		{"json mode without the word", `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}`, false},
		{"schema without name", `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"strict":true,"schema":` + closed + `}}}`, false},
		{"strict with open object", `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":` + strings.Replace(strict, "%s", `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`, 1) + `}`, false},
		{"strict with optional property", `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":` + strings.Replace(strict, "%s", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a"],"additionalProperties":false}`, 1) + `}`, false},
		{"strict nested open object", `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":` + strings.Replace(strict, "%s", `{"type":"object","properties":{"a":{"type":"array","items":{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]}}},"required":["a"],"additionalProperties":false}`, 1) + `}`, false},
		{"unknown format", `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"xml"}}`, false},
		{"both token bounds", `{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"max_completion_tokens":5}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := drafttest.NewOpenAIServer(t)
			status, body, _ := post(t, srv.URL+"chat/completions", tt.body, nil)
			if tt.ok != (status == 200) || tt.ok != (len(srv.Invalid()) == 0) {
				t.Errorf("status %d, invalid %v; want ok=%t", status, srv.Invalid(), tt.ok)
			}
			if !tt.ok && body["error"] == nil {
				t.Errorf("body %v has no error object", body)
			}
		})
	}
}

// TestOpenAIServerScript checks the scripted order, the responder, and the
// Retry-After header.
func TestOpenAIServerScript(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	srv.Script(drafttest.RateLimited("3"), drafttest.Answer(`{"n":1}`))
	srv.Respond(func(r drafttest.ChatRequest) drafttest.Outcome {
		return drafttest.Answer(`{"echo":"` + r.User() + `"}`)
	})
	body := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	status, _, h := post(t, srv.URL+"chat/completions", body, nil)
	if status != 429 || h.Get("Retry-After") != "3" {
		t.Errorf("first: %d, Retry-After %q", status, h.Get("Retry-After"))
	}
	for _, want := range []string{`{"n":1}`, `{"echo":"hi"}`} {
		_, out, _ := post(t, srv.URL+"chat/completions", body, nil)
		msg := out["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)
		if msg["content"] != want {
			t.Errorf("content %v, want %s", msg["content"], want)
		}
	}
	if srv.Calls() != 3 {
		t.Errorf("calls = %d", srv.Calls())
	}
}

// TestBedrockServerValidates checks that the fake refuses unsigned requests
// and answers that are not forced through a tool.
func TestBedrockServerValidates(t *testing.T) {
	sig := map[string]string{
		"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
		"X-Amz-Date":    "20261207T000000Z",
	}
	tool := `"toolConfig":{"tools":[{"toolSpec":{"name":"q","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"tool":{"name":"q"}}}`
	msgs := `"messages":[{"role":"user","content":[{"text":"hi"}]}]`
	tests := []struct {
		name, body string
		headers    map[string]string
		status     int
		errType    string
	}{
		{"valid", `{` + msgs + `,` + tool + `}`, sig, 200, ""},
		{"unsigned", `{` + msgs + `,` + tool + `}`, nil, 403, "MissingAuthenticationTokenException"},
		{"no tool", `{` + msgs + `}`, sig, 400, "ValidationException"},
		{"tool not forced", `{` + msgs + `,"toolConfig":{"tools":[{"toolSpec":{"name":"q","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"auto":{}}}}`, sig, 400, "ValidationException"},
		{"choice names another tool", `{` + msgs + `,"toolConfig":{"tools":[{"toolSpec":{"name":"q","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"tool":{"name":"r"}}}}`, sig, 400, "ValidationException"},
		{"starts with assistant", `{"messages":[{"role":"assistant","content":[{"text":"hi"}]}],` + tool + `}`, sig, 400, "ValidationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := drafttest.NewBedrockServer(t)
			status, out, h := post(t, srv.URL+"/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", tt.body, tt.headers)
			if status != tt.status {
				t.Fatalf("status %d, want %d (%v)", status, tt.status, out)
			}
			if tt.errType != "" {
				if !strings.HasPrefix(h.Get("X-Amzn-Errortype"), tt.errType+":") || out["message"] == nil {
					t.Errorf("error type %q body %v", h.Get("X-Amzn-Errortype"), out)
				}
				return
			}
			if out["stopReason"] != "tool_use" || srv.Requests()[0].ModelID != "anthropic.claude-3-haiku-20240307-v1:0" {
				t.Errorf("answer %v, requests %+v", out, srv.Requests())
			}
		})
	}
}

// TestPipelineSchemasAreStrict: every schema the pipeline sends, the
// multi-answer ones too, passes the fake's strict structured-output checks.
func TestPipelineSchemasAreStrict(t *testing.T) {
	for name, schema := range map[string]json.RawMessage{
		draft.DraftSchemaName: draft.DraftSchema(), draft.VerifySchemaName: draft.VerifySchema(),
		draft.DraftMultiSchemaName: draft.DraftMultiSchema(), draft.VerifyMultiSchemaName: draft.VerifyMultiSchema(),
	} {
		srv := drafttest.NewOpenAIServer(t)
		body := `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"` +
			name + `","strict":true,"schema":` + string(schema) + `}}}`
		if status, _, _ := post(t, srv.URL+"chat/completions", body, nil); status != 200 || len(srv.Invalid()) > 0 {
			t.Errorf("%s: status %d, invalid %v", name, status, srv.Invalid())
		}
	}
}
