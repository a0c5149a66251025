package drafttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// ChatMessage is one message of a chat completion request.
type ChatMessage struct {
	// Role is system, developer, user, assistant or tool.
	Role string `json:"role"`
	// Content is the message's text.
	Content string `json:"content"`
}

// JSONSchemaFormat is the json_schema member of a response_format.
type JSONSchemaFormat struct {
	// Name names the schema.
	Name string `json:"name"`
	// Strict asks the server to hold the answer to the schema exactly.
	Strict *bool `json:"strict"`
	// Schema is the JSON schema itself.
	Schema json.RawMessage `json:"schema"`
}

// ResponseFormat is a chat completion request's response_format.
type ResponseFormat struct {
	// Type is text, json_object or json_schema.
	Type string `json:"type"`
	// JSONSchema is set when Type is json_schema.
	JSONSchema *JSONSchemaFormat `json:"json_schema"`
}

// ChatRequest is a chat completion request as the fake received it.
type ChatRequest struct {
	// Path is the URL path the request was sent to.
	Path string `json:"-"`
	// Authorization is the request's Authorization header.
	Authorization string `json:"-"`
	// Model names the model asked for.
	Model string `json:"model"`
	// Messages are the conversation.
	Messages []ChatMessage `json:"messages"`
	// ResponseFormat is the answer's requested shape, nil when absent.
	ResponseFormat *ResponseFormat `json:"response_format"`
	// MaxTokens and MaxCompletionTokens bound the answer when set.
	MaxTokens           *int `json:"max_tokens"`
	MaxCompletionTokens *int `json:"max_completion_tokens"`
}

// System returns the text of the request's system messages.
func (r ChatRequest) System() string { return r.text("system", "developer") }

// User returns the text of the request's user messages.
func (r ChatRequest) User() string { return r.text("user") }

// text joins the contents of the messages with one of roles.
func (r ChatRequest) text(roles ...string) string {
	var parts []string
	for _, m := range r.Messages {
		for _, role := range roles {
			if m.Role == role {
				parts = append(parts, m.Content)
			}
		}
	}
	return strings.Join(parts, "\n")
}

// Outcome is how the fake answers one call: a completion, or an HTTP error
// with OpenAI's error body.
type Outcome struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// Content is the assistant message's content.
	Content string
	// Refusal is the assistant message's refusal, when it refused.
	Refusal string
	// FinishReason is the choice's finish_reason; empty means "stop".
	FinishReason string
	// RetryAfter is the Retry-After header's value, if any.
	RetryAfter string
	// ErrorType, ErrorCode and ErrorMessage fill the error body of a
	// non-200 answer.
	ErrorType, ErrorCode, ErrorMessage string
	// PromptTokens and CompletionTokens fill usage; zero means 10 and 20.
	PromptTokens, CompletionTokens int
}

// Answer is a completed answer whose content is content.
func Answer(content string) Outcome { return Outcome{Content: content} }

// Truncated is an answer cut at the token bound: finish_reason length.
func Truncated(content string) Outcome { return Outcome{Content: content, FinishReason: "length"} }

// Refusal is an answer where the model refused, with its reason.
func Refusal(reason string) Outcome { return Outcome{Refusal: reason} }

// ContentFiltered is an answer stopped by the content filter.
func ContentFiltered() Outcome { return Outcome{FinishReason: "content_filter"} }

// RateLimited is a 429 with Retry-After set to retryAfter (empty: no header).
func RateLimited(retryAfter string) Outcome {
	return Outcome{Status: http.StatusTooManyRequests, RetryAfter: retryAfter, ErrorType: "requests",
		ErrorCode: "rate_limit_exceeded", ErrorMessage: "Rate limit reached for requests. Please try again later."}
}

// ServerError is a 500.
func ServerError() Outcome {
	return Outcome{Status: http.StatusInternalServerError, ErrorType: "server_error",
		ErrorMessage: "The server had an error while processing your request."}
}

// Unauthorized is a 401 for a bad key.
func Unauthorized() Outcome {
	return Outcome{Status: http.StatusUnauthorized, ErrorType: "invalid_request_error", ErrorCode: "invalid_api_key",
		ErrorMessage: "Incorrect API key provided."}
}

// ModelNotFound is OpenAI's 404 for a model it does not have.
func ModelNotFound(model string) Outcome {
	return Outcome{Status: http.StatusNotFound, ErrorType: "invalid_request_error", ErrorCode: "model_not_found",
		ErrorMessage: fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model)}
}

// BadRequest is a 400 with message.
func BadRequest(message string) Outcome {
	return Outcome{Status: http.StatusBadRequest, ErrorType: "invalid_request_error", ErrorMessage: message}
}

// OpenAIServer is a loopback OpenAI-compatible Chat Completions server. It
// answers POST …/chat/completions under any prefix (/v1/ for OpenAI,
// Ollama, vLLM, llama.cpp and LiteLLM, /openai/v1/ for Azure's v1 API).
// Each call takes the next scripted Outcome; when the script is spent it
// asks the responder, and without one it answers Answer(`{}`).
type OpenAIServer struct {
	// URL is the base URL to give a client, ending in /v1/.
	URL string
	// Key, when set, is the one bearer key accepted; any other gets a 401
	// whose message quotes the key it was given (as a careless server
	// might), so tests can check a client never repeats it.
	Key string

	srv *httptest.Server

	mu          sync.Mutex
	script      []Outcome
	respond     func(ChatRequest) Outcome
	hold        func(ChatRequest)
	calls       int
	inFlight    int
	maxInFlight int
	requests    []ChatRequest
	invalid     []string
}

// NewOpenAIServer starts a fake on loopback, closed when t ends.
func NewOpenAIServer(t testing.TB) *OpenAIServer {
	t.Helper()
	s := &OpenAIServer{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + "/v1/"
	t.Cleanup(s.srv.Close)
	return s
}

// Script queues outcomes for the next calls, in order.
func (s *OpenAIServer) Script(outs ...Outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, outs...)
}

// Respond sets how calls past the script are answered.
func (s *OpenAIServer) Respond(f func(ChatRequest) Outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respond = f
}

// Hold sets a function each valid call runs while it is in flight, before
// it is answered; tests block in it to observe concurrency.
func (s *OpenAIServer) Hold(f func(ChatRequest)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = f
}

// Calls returns how many chat completion calls arrived (valid or not).
func (s *OpenAIServer) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// InFlight returns how many calls are being answered now.
func (s *OpenAIServer) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// MaxInFlight returns the most calls that were ever in flight at once.
func (s *OpenAIServer) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// Requests returns the valid requests received, in arrival order.
func (s *OpenAIServer) Requests() []ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ChatRequest(nil), s.requests...)
}

// Invalid returns why each request the fake rejected with a 400 was
// invalid; a correct client leaves it empty.
func (s *OpenAIServer) Invalid() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.invalid...)
}

// serve answers one HTTP request.
func (s *OpenAIServer) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		writeOpenAIError(w, Outcome{Status: http.StatusNotFound, ErrorType: "invalid_request_error",
			ErrorMessage: "Invalid URL (" + r.Method + " " + r.URL.Path + ")"})
		return
	}
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	if r.Method != http.MethodPost {
		writeOpenAIError(w, Outcome{Status: http.StatusMethodNotAllowed, ErrorType: "invalid_request_error",
			ErrorMessage: "Method not allowed."})
		return
	}
	auth := r.Header.Get("Authorization")
	if s.Key != "" && auth != "Bearer "+s.Key {
		given := strings.TrimPrefix(auth, "Bearer ")
		o := Unauthorized()
		o.ErrorMessage = "Incorrect API key provided: " + given + ". You can find your API key at https://platform.openai.com/account/api-keys."
		writeOpenAIError(w, o)
		return
	}
	var req ChatRequest
	if err := validateChat(r, &req); err != nil {
		s.mu.Lock()
		s.invalid = append(s.invalid, err.Error())
		s.mu.Unlock()
		writeOpenAIError(w, BadRequest(err.Error()))
		return
	}
	req.Path, req.Authorization = r.URL.Path, auth

	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.inFlight++
	if s.inFlight > s.maxInFlight {
		s.maxInFlight = s.inFlight
	}
	hold := s.hold
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	if hold != nil {
		hold(req)
	}

	s.mu.Lock()
	var o Outcome
	switch {
	case len(s.script) > 0:
		o, s.script = s.script[0], s.script[1:]
	case s.respond != nil:
		respond := s.respond
		s.mu.Unlock()
		o = respond(req)
		s.mu.Lock()
	default:
		o = Answer(`{}`)
	}
	s.mu.Unlock()
	if o.Status != 0 && o.Status != http.StatusOK {
		writeOpenAIError(w, o)
		return
	}
	writeCompletion(w, req.Model, o)
}

// schemaName is what OpenAI accepts as a json_schema name.
var schemaName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// validateChat decodes a chat completion request into req and checks it as
// OpenAI does.
func validateChat(r *http.Request, req *ChatRequest) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("content type %q is not application/json", ct)
	}
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		return fmt.Errorf("body is not a JSON object: %v", err)
	}
	body, _ := json.Marshal(raw)
	if err := json.Unmarshal(body, req); err != nil {
		return fmt.Errorf("body does not decode: %v", err)
	}
	if req.Model == "" {
		return fmt.Errorf("you must provide a model parameter")
	}
	if len(req.Messages) == 0 {
		return fmt.Errorf("'messages' must be a non-empty array")
	}
	for i, m := range req.Messages {
		switch m.Role {
		case "system", "developer", "user", "assistant", "tool":
		default:
			return fmt.Errorf("messages[%d].role %q is not valid", i, m.Role)
		}
	}
	if req.MaxTokens != nil && req.MaxCompletionTokens != nil {
		return fmt.Errorf("max_tokens and max_completion_tokens cannot both be set")
	}
	rf := req.ResponseFormat
	if rf == nil {
		return nil
	}
	switch rf.Type {
	case "text":
	case "json_object":
		all := strings.ToLower(req.System() + req.User())
		if !strings.Contains(all, "json") {
			return fmt.Errorf("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'")
		}
	case "json_schema":
		js := rf.JSONSchema
		if js == nil {
			return fmt.Errorf("missing required parameter: 'response_format.json_schema'")
		}
		if !schemaName.MatchString(js.Name) {
			return fmt.Errorf("invalid 'response_format.json_schema.name' %q", js.Name)
		}
		var schema map[string]any
		if err := json.Unmarshal(js.Schema, &schema); err != nil || schema == nil {
			return fmt.Errorf("'response_format.json_schema.schema' must be a JSON object")
		}
		if js.Strict != nil && *js.Strict {
			if schema["type"] != "object" {
				return fmt.Errorf("invalid schema for response_format '%s': schema must be a JSON Schema of 'type: \"object\"'", js.Name)
			}
			if err := strictSchema(schema, "root"); err != nil {
				return fmt.Errorf("invalid schema for response_format '%s': %v", js.Name, err)
			}
		}
	default:
		return fmt.Errorf("invalid value for 'response_format.type': %q", rf.Type)
	}
	return nil
}

// strictSchema checks the rules strict structured output puts on a schema:
// every object closes additionalProperties and requires all its properties.
func strictSchema(s map[string]any, at string) error {
	if props, ok := s["properties"].(map[string]any); ok || s["type"] == "object" {
		if s["additionalProperties"] != false {
			return fmt.Errorf("in context=(%s), 'additionalProperties' is required to be supplied and to be false", at)
		}
		required := map[string]bool{}
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if name, ok := r.(string); ok {
					required[name] = true
				}
			}
		}
		for name, p := range props {
			if !required[name] {
				return fmt.Errorf("in context=(%s), 'required' is required to be supplied and to be an array including every key in properties. Missing '%s'", at, name)
			}
			if ps, ok := p.(map[string]any); ok {
				if err := strictSchema(ps, at+", 'properties', '"+name+"'"); err != nil {
					return err
				}
			}
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		if err := strictSchema(items, at+", 'items'"); err != nil {
			return err
		}
	}
	for _, key := range []string{"anyOf", "allOf"} {
		if list, ok := s[key].([]any); ok {
			for i, sub := range list {
				if m, ok := sub.(map[string]any); ok {
					if err := strictSchema(m, fmt.Sprintf("%s, '%s', %d", at, key, i)); err != nil {
						return err
					}
				}
			}
		}
	}
	for _, key := range []string{"$defs", "definitions"} {
		if defs, ok := s[key].(map[string]any); ok {
			for name, sub := range defs {
				if m, ok := sub.(map[string]any); ok {
					if err := strictSchema(m, at+", '"+key+"', '"+name+"'"); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// writeOpenAIError writes o as OpenAI's error body.
func writeOpenAIError(w http.ResponseWriter, o Outcome) {
	if o.RetryAfter != "" {
		w.Header().Set("Retry-After", o.RetryAfter)
	}
	var code any
	if o.ErrorCode != "" {
		code = o.ErrorCode
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(o.Status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": o.ErrorMessage, "type": o.ErrorType, "param": nil, "code": code,
	}})
}

// writeCompletion writes o as a chat.completion object.
func writeCompletion(w http.ResponseWriter, model string, o Outcome) {
	finish := o.FinishReason
	if finish == "" {
		finish = "stop"
	}
	in, out := o.PromptTokens, o.CompletionTokens
	if in == 0 {
		in = 10
	}
	if out == 0 {
		out = 20
	}
	var content, refusal any
	if o.Refusal != "" {
		refusal = o.Refusal
	} else {
		content = o.Content
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion", "created": 1765000000, "model": model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": content, "refusal": refusal},
			"logprobs":      nil,
			"finish_reason": finish,
		}},
		"usage": map[string]any{"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out},
	})
}
