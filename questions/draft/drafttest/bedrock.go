package drafttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// ConverseRequest is a Bedrock Converse request as the fake received it.
type ConverseRequest struct {
	// ModelID is the model named in the path.
	ModelID string `json:"-"`
	// Authorization is the request's Authorization header.
	Authorization string `json:"-"`
	// System is the system prompt's text blocks, joined.
	System string `json:"-"`
	// User is the text of the user message's blocks, joined.
	User string `json:"-"`
	// ToolName is the name of the tool the request forces.
	ToolName string `json:"-"`
	// InputSchema is that tool's input schema.
	InputSchema json.RawMessage `json:"-"`
	// MaxTokens is inferenceConfig.maxTokens, 0 when unset.
	MaxTokens int `json:"-"`
}

// BedrockOutcome is how the fake answers one Converse call: a tool use, a
// text answer, or an error in the shape Bedrock uses (an x-amzn-ErrorType
// header and a JSON body with a message).
type BedrockOutcome struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// ErrorType is the error's type, as x-amzn-ErrorType names it.
	ErrorType string
	// Message is the error's message.
	Message string
	// Input is the tool use's input (JSON); empty with Text set means the
	// model answered in text instead.
	Input string
	// Text is a text block of the answer.
	Text string
	// StopReason is the answer's stopReason; empty means tool_use, or
	// end_turn when there is no tool use.
	StopReason string
	// InputTokens and OutputTokens fill usage; zero means 10 and 20.
	InputTokens, OutputTokens int
}

// ToolAnswer is an answer whose tool use input is input.
func ToolAnswer(input string) BedrockOutcome { return BedrockOutcome{Input: input} }

// TextAnswer is an answer in text with no tool use.
func TextAnswer(text string) BedrockOutcome { return BedrockOutcome{Text: text} }

// MaxTokensStop is an answer cut at the token bound: stopReason max_tokens.
func MaxTokensStop() BedrockOutcome {
	return BedrockOutcome{Text: `{"stem":"Whi`, StopReason: "max_tokens"}
}

// BedrockError is an error answer of type errType with HTTP status status.
func BedrockError(status int, errType, message string) BedrockOutcome {
	return BedrockOutcome{Status: status, ErrorType: errType, Message: message}
}

// Throttled is Bedrock's 429 ThrottlingException.
func Throttled() BedrockOutcome {
	return BedrockError(429, "ThrottlingException", "Too many requests, please wait before trying again.")
}

// AccessDenied is Bedrock's 403 AccessDeniedException.
func AccessDenied() BedrockOutcome {
	return BedrockError(403, "AccessDeniedException", "You don't have access to the model with the specified model ID.")
}

// ResourceNotFound is Bedrock's 404 ResourceNotFoundException.
func ResourceNotFound() BedrockOutcome {
	return BedrockError(404, "ResourceNotFoundException", "Model not found.")
}

// BedrockServer is a loopback Amazon Bedrock runtime endpoint answering
// POST /model/{modelId}/converse. It requires a SigV4 Authorization header
// for the bedrock service, validates the tool configuration, and answers
// with the next scripted outcome, or the responder's, or a tool use of `{}`.
type BedrockServer struct {
	// URL is the endpoint to give the client.
	URL string

	srv *httptest.Server

	mu       sync.Mutex
	script   []BedrockOutcome
	respond  func(ConverseRequest) BedrockOutcome
	calls    int
	requests []ConverseRequest
	invalid  []string
}

// NewBedrockServer starts a fake on loopback, closed when t ends.
func NewBedrockServer(t testing.TB) *BedrockServer {
	t.Helper()
	s := &BedrockServer{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Script queues outcomes for the next calls, in order.
func (s *BedrockServer) Script(outs ...BedrockOutcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, outs...)
}

// Respond sets how calls past the script are answered.
func (s *BedrockServer) Respond(f func(ConverseRequest) BedrockOutcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respond = f
}

// Calls returns how many Converse calls arrived (valid or not).
func (s *BedrockServer) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Requests returns the valid requests received, in arrival order.
func (s *BedrockServer) Requests() []ConverseRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ConverseRequest(nil), s.requests...)
}

// Invalid returns why each request the fake rejected was invalid; a
// correct client leaves it empty.
func (s *BedrockServer) Invalid() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.invalid...)
}

// serve answers one HTTP request.
func (s *BedrockServer) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/model/")
	modelEsc, ok2 := strings.CutSuffix(rest, "/converse")
	if !ok || !ok2 || r.Method != http.MethodPost {
		writeBedrockError(w, BedrockError(404, "UnknownOperationException", ""))
		return
	}
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=") || !strings.Contains(auth, "/bedrock/aws4_request") ||
		!strings.Contains(auth, "SignedHeaders=") || !strings.Contains(auth, "Signature=") || r.Header.Get("X-Amz-Date") == "" {
		s.reject(w, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	}
	model, err := url.PathUnescape(modelEsc)
	if err != nil || model == "" {
		s.reject(w, 400, "ValidationException", "The provided model identifier is invalid.")
		return
	}
	req, err := validateConverse(r)
	if err != nil {
		s.reject(w, 400, "ValidationException", err.Error())
		return
	}
	req.ModelID, req.Authorization = model, auth

	s.mu.Lock()
	s.requests = append(s.requests, req)
	var o BedrockOutcome
	switch {
	case len(s.script) > 0:
		o, s.script = s.script[0], s.script[1:]
	case s.respond != nil:
		respond := s.respond
		s.mu.Unlock()
		o = respond(req)
		s.mu.Lock()
	default:
		o = ToolAnswer(`{}`)
	}
	s.mu.Unlock()
	if o.Status != 0 && o.Status != http.StatusOK {
		writeBedrockError(w, o)
		return
	}
	writeConverse(w, req.ToolName, o)
}

// reject records an invalid request and answers it with an error.
func (s *BedrockServer) reject(w http.ResponseWriter, status int, errType, msg string) {
	s.mu.Lock()
	s.invalid = append(s.invalid, errType+": "+msg)
	s.mu.Unlock()
	writeBedrockError(w, BedrockError(status, errType, msg))
}

// converseBody is the part of a Converse request body the fake checks.
type converseBody struct {
	Messages []struct {
		Role    string           `json:"role"`
		Content []map[string]any `json:"content"`
	} `json:"messages"`
	System []struct {
		Text string `json:"text"`
	} `json:"system"`
	InferenceConfig *struct {
		MaxTokens *int `json:"maxTokens"`
	} `json:"inferenceConfig"`
	ToolConfig *struct {
		Tools []struct {
			ToolSpec *struct {
				Name        string `json:"name"`
				Description string `json:"description"`
				InputSchema *struct {
					JSON json.RawMessage `json:"json"`
				} `json:"inputSchema"`
			} `json:"toolSpec"`
		} `json:"tools"`
		ToolChoice map[string]json.RawMessage `json:"toolChoice"`
	} `json:"toolConfig"`
}

// validateConverse decodes and checks a Converse request body as Bedrock
// does, for the parts a forced-tool request uses.
func validateConverse(r *http.Request) (ConverseRequest, error) {
	var req ConverseRequest
	var body converseBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return req, fmt.Errorf("body is not JSON: %v", err)
	}
	if len(body.Messages) == 0 || body.Messages[0].Role != "user" {
		return req, fmt.Errorf("A conversation must start with a user message.")
	}
	for _, m := range body.Messages {
		for _, c := range m.Content {
			if t, ok := c["text"].(string); ok && m.Role == "user" {
				req.User += t
			}
		}
	}
	for _, s := range body.System {
		req.System += s.Text
	}
	if ic := body.InferenceConfig; ic != nil && ic.MaxTokens != nil {
		if *ic.MaxTokens < 1 {
			return req, fmt.Errorf("The maximum tokens you requested exceeds the model limit.")
		}
		req.MaxTokens = *ic.MaxTokens
	}
	tc := body.ToolConfig
	if tc == nil || len(tc.Tools) == 0 {
		return req, fmt.Errorf("toolConfig.tools is missing: the fake expects the answer forced through a tool")
	}
	names := map[string]json.RawMessage{}
	for i, t := range tc.Tools {
		if t.ToolSpec == nil || !schemaName.MatchString(t.ToolSpec.Name) {
			return req, fmt.Errorf("toolConfig.tools.%d.toolSpec.name is missing or invalid", i+1)
		}
		if t.ToolSpec.InputSchema == nil {
			return req, fmt.Errorf("toolConfig.tools.%d.toolSpec.inputSchema is missing", i+1)
		}
		var schema map[string]any
		if err := json.Unmarshal(t.ToolSpec.InputSchema.JSON, &schema); err != nil || schema["type"] != "object" {
			return req, fmt.Errorf("The value at toolConfig.tools.%d.toolSpec.inputSchema.json.type must be one of the following: object.", i)
		}
		names[t.ToolSpec.Name] = t.ToolSpec.InputSchema.JSON
	}
	if len(tc.ToolChoice) != 1 {
		return req, fmt.Errorf("toolConfig.toolChoice must set exactly one of auto, any, tool")
	}
	raw, ok := tc.ToolChoice["tool"]
	if !ok {
		return req, fmt.Errorf("toolConfig.toolChoice does not name a tool: the answer is not forced")
	}
	var choice struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(raw, &choice); err != nil || names[choice.Name] == nil {
		return req, fmt.Errorf("toolConfig.toolChoice.tool.name %q is not one of the tools", choice.Name)
	}
	req.ToolName, req.InputSchema = choice.Name, names[choice.Name]
	return req, nil
}

// writeBedrockError writes o as Bedrock's error response.
func writeBedrockError(w http.ResponseWriter, o BedrockOutcome) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Requestid", "fake-request-id")
	w.Header().Set("X-Amzn-Errortype", o.ErrorType+":http://internal.amazon.com/coral/com.amazon.bedrock/")
	w.WriteHeader(o.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": o.Message})
}

// writeConverse writes o as a Converse response using tool.
func writeConverse(w http.ResponseWriter, tool string, o BedrockOutcome) {
	var content []any
	if o.Text != "" {
		content = append(content, map[string]any{"text": o.Text})
	}
	stop := o.StopReason
	if o.Input != "" {
		content = append(content, map[string]any{"toolUse": map[string]any{
			"toolUseId": "tooluse_fake", "name": tool, "input": json.RawMessage(o.Input),
		}})
		if stop == "" {
			stop = "tool_use"
		}
	}
	if stop == "" {
		stop = "end_turn"
	}
	in, out := o.InputTokens, o.OutputTokens
	if in == 0 {
		in = 10
	}
	if out == 0 {
		out = 20
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Requestid", "fake-request-id")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"output":     map[string]any{"message": map[string]any{"role": "assistant", "content": content}},
		"stopReason": stop,
		"usage":      map[string]any{"inputTokens": in, "outputTokens": out, "totalTokens": in + out},
		"metrics":    map[string]any{"latencyMs": 42},
	})
}
