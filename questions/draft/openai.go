package draft

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// DefaultOpenAIBaseURL is OpenAI's own API, used when OpenAIConfig.BaseURL is empty.
const DefaultOpenAIBaseURL = "https://api.openai.com/v1/"

// OpenAIConfig configures an OpenAI-compatible Chat Completions backend:
// OpenAI itself, Azure OpenAI (its v1 API, base URL
// https://RESOURCE.openai.azure.com/openai/v1/), Ollama
// (http://localhost:11434/v1/), vLLM, llama.cpp's server or LiteLLM.
//
// Its String, GoString and LogValue methods hide APIKey, so printing or
// logging a config never shows the key.
type OpenAIConfig struct {
	// BaseURL is the API's base URL, up to and including the version
	// segment ("…/v1/"); empty means DefaultOpenAIBaseURL. No OPENAI_*
	// environment variable is read: the caller decides.
	BaseURL string
	// APIKey is sent as a bearer token; empty sends none (local servers).
	// It never appears in an error this backend returns.
	APIKey string
	// Model is used when a Request names no model.
	Model string
	// JSONMode asks for response_format {"type":"json_object"} and puts the
	// schema in the system message, for servers without json_schema
	// support. Otherwise the request carries the schema with strict:true.
	JSONMode bool
	// LegacyMaxTokens sends the answer's bound as max_tokens instead of
	// max_completion_tokens (OpenAI's reasoning models refuse max_tokens;
	// some older servers know only max_tokens).
	LegacyMaxTokens bool
	// Name is the backend's name in provenance; empty means "openai".
	Name string
	// HTTPClient sends the requests; nil means a client of its own. Bound
	// a call's time with the context (the Runner does), not here.
	HTTPClient *http.Client
	// Now reads the clock, to turn a Retry-After date into a wait; nil
	// means time.Now.
	Now func() time.Time
}

// String describes the config with its key hidden.
func (c OpenAIConfig) String() string {
	key := "none"
	if c.APIKey != "" {
		key = "[redacted]"
	}
	return fmt.Sprintf("openai{base_url=%s model=%s json_mode=%t key=%s}", c.BaseURL, c.Model, c.JSONMode, key)
}

// GoString is String, so %#v hides the key too.
func (c OpenAIConfig) GoString() string { return c.String() }

// LogValue logs the config with its key hidden.
func (c OpenAIConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

// openaiBackend is a Backend over openai-go's Chat Completions.
type openaiBackend struct {
	chat     openai.ChatCompletionService
	name     string
	model    string
	jsonMode bool
	legacy   bool
	redact   redactor
	now      func() time.Time
}

// NewOpenAI returns a Backend that sends each Request to an
// OpenAI-compatible Chat Completions endpoint through openai-go, with the
// SDK's own retries off (the Runner retries). Its errors wrap the
// sentinels of errors.go:
//
//   - 401, 403: ErrAuth; 429 with code insufficient_quota: ErrAuth (billing);
//   - 404, or code model_not_found, or a 400 saying the model does not exist: ErrUnknownModel;
//   - 429: ErrRateLimited, with the Retry-After wait (see RetryAfter);
//   - 408, 409, 5xx, connection failures: ErrServer;
//   - other 4xx (400 included), finish_reason content_filter, a refusal: ErrRefused;
//   - finish_reason length, empty content, content that is not a JSON object: ErrMalformed.
func NewOpenAI(cfg OpenAIConfig) (Backend, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultOpenAIBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai: base URL %q is not an http(s) URL", newRedactor(cfg.APIKey).clean(base))
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	opts := []option.RequestOption{
		option.WithBaseURL(base),
		option.WithHTTPClient(hc),
		option.WithMaxRetries(0),
	}
	if cfg.APIKey != "" {
		opts = append(opts, option.WithAPIKey(cfg.APIKey))
		if strings.HasSuffix(u.Hostname(), ".azure.com") {
			// Azure OpenAI's v1 API takes the key as a bearer token or
			// in api-key; some gateways in front of it want the latter.
			opts = append(opts, option.WithHeader("api-key", cfg.APIKey))
		}
	}
	name := cfg.Name
	if name == "" {
		name = "openai"
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &openaiBackend{
		chat:     openai.NewChatCompletionService(opts...),
		name:     name,
		model:    cfg.Model,
		jsonMode: cfg.JSONMode,
		legacy:   cfg.LegacyMaxTokens,
		redact:   newRedactor(cfg.APIKey),
		now:      now,
	}, nil
}

// Name returns the backend's provenance name.
func (b *openaiBackend) Name() string { return b.name }

// String describes the backend without its key.
func (b *openaiBackend) String() string {
	return fmt.Sprintf("openai backend %s (model %s, json mode %t)", b.name, b.model, b.jsonMode)
}

// GoString is String, so %#v shows no key either.
func (b *openaiBackend) GoString() string { return b.String() }

// jsonModeInstruction introduces the schema in the system message when the
// server cannot take it as response_format.
const jsonModeInstruction = "\n\nAnswer with one JSON object only, no prose and no code fence, that follows this JSON schema:\n"

// Complete sends req as one chat completion and returns the answer object.
func (b *openaiBackend) Complete(ctx context.Context, req Request) (Response, error) {
	model := req.Model
	if model == "" {
		model = b.model
	}
	if model == "" {
		return Response{}, fmt.Errorf("openai: no model named: %w", ErrUnknownModel)
	}
	params, err := b.params(req, model)
	if err != nil {
		return Response{}, err
	}
	cc, err := b.chat.New(ctx, params)
	if err != nil {
		return Response{}, b.classify(ctx, err)
	}
	if len(cc.Choices) == 0 {
		return Response{}, fmt.Errorf("openai: answer has no choices: %w", ErrMalformed)
	}
	ch := cc.Choices[0]
	switch {
	case ch.Message.Refusal != "":
		return Response{}, fmt.Errorf("openai: model refused: %s: %w", b.redact.clean(shorten(ch.Message.Refusal)), ErrRefused)
	case ch.FinishReason == "content_filter":
		return Response{}, fmt.Errorf("openai: answer stopped by the content filter: %w", ErrRefused)
	case ch.FinishReason == "length":
		return Response{}, fmt.Errorf("openai: answer truncated at %d tokens (finish_reason length): %w", req.MaxTokens, ErrMalformed)
	}
	content, err := jsonObject(ch.Message.Content)
	if err != nil {
		return Response{}, fmt.Errorf("openai: %w", err)
	}
	answered := cc.Model
	if answered == "" {
		answered = model
	}
	return Response{
		Key:     req.Key,
		Content: content,
		Usage:   Usage{Input: int(cc.Usage.PromptTokens), Output: int(cc.Usage.CompletionTokens)},
		Backend: b.name,
		Model:   answered,
	}, nil
}

// params builds the chat completion request for req.
func (b *openaiBackend) params(req Request, model string) (openai.ChatCompletionNewParams, error) {
	var schema json.RawMessage
	if len(req.Schema) > 0 {
		var probe map[string]any
		if err := json.Unmarshal(req.Schema, &probe); err != nil {
			return openai.ChatCompletionNewParams{}, fmt.Errorf("openai: request %s: schema is not a JSON object: %w", req.Key, err)
		}
		schema = req.Schema
	}
	system := req.System
	p := openai.ChatCompletionNewParams{Model: shared.ChatModel(model)}
	switch {
	case b.jsonMode:
		if len(req.Schema) > 0 {
			var compact bytes.Buffer
			if err := json.Compact(&compact, req.Schema); err == nil {
				system += jsonModeInstruction + compact.String()
			}
		}
		p.ResponseFormat = openai.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONObject: &shared.ResponseFormatJSONObjectParam{},
		}
	case schema != nil:
		name := req.SchemaName
		if name == "" {
			name = "answer"
		}
		p.ResponseFormat = openai.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{
				JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{
					Name:   name,
					Strict: openai.Bool(true),
					Schema: schema,
				},
			},
		}
	}
	if system != "" {
		p.Messages = append(p.Messages, openai.SystemMessage(system))
	}
	p.Messages = append(p.Messages, openai.UserMessage(req.User))
	if req.MaxTokens > 0 {
		if b.legacy {
			p.MaxTokens = openai.Int(int64(req.MaxTokens))
		} else {
			p.MaxCompletionTokens = openai.Int(int64(req.MaxTokens))
		}
	}
	return p, nil
}

// classify turns an error of the SDK into one wrapping a sentinel, with
// the key scrubbed from every text it carries.
func (b *openaiBackend) classify(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("openai: %w", ctx.Err())
	}
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return fmt.Errorf("openai: %w", err)
		}
		return fmt.Errorf("openai: %s: %w", b.redact.clean(shorten(err.Error())), ErrServer)
	}
	status := apiErr.StatusCode
	code := apiErr.Code
	msg := b.redact.clean(shorten(apiErr.Message))
	desc := strconv.Itoa(status)
	if code != "" {
		desc += " " + b.redact.clean(code)
	}
	if msg != "" {
		desc += ": " + msg
	}
	lower := strings.ToLower(apiErr.Message)
	switch {
	case code == "model_not_found" || status == http.StatusNotFound ||
		(status == http.StatusBadRequest && strings.Contains(lower, "model") &&
			(strings.Contains(lower, "does not exist") || strings.Contains(lower, "not found") || strings.Contains(lower, "invalid model"))):
		if code != "model_not_found" && !strings.Contains(lower, "model") {
			desc += " (check --model, and that the base URL ends in the API's version, as in …/v1)"
		}
		return fmt.Errorf("openai: %s: %w", desc, ErrUnknownModel)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Errorf("openai: %s: %w", desc, ErrAuth)
	case status == http.StatusTooManyRequests && code == "insufficient_quota":
		return fmt.Errorf("openai: %s (quota exhausted: check the account's billing): %w", desc, ErrAuth)
	case status == http.StatusTooManyRequests:
		return withRetryAfter(fmt.Errorf("openai: %s: %w", desc, ErrRateLimited), b.retryAfter(apiErr.Response))
	case status == http.StatusRequestTimeout || status == http.StatusConflict || status >= 500:
		return withRetryAfter(fmt.Errorf("openai: %s: %w", desc, ErrServer), b.retryAfter(apiErr.Response))
	default:
		return fmt.Errorf("openai: %s: %w", desc, ErrRefused)
	}
}

// retryAfter reads the wait a response asks for: retry-after-ms, or
// Retry-After in seconds or as an HTTP date; zero when it says none.
func (b *openaiBackend) retryAfter(res *http.Response) time.Duration {
	if res == nil {
		return 0
	}
	return parseRetryAfter(res.Header, b.now())
}

// parseRetryAfter reads retry-after-ms or Retry-After from h, at time now.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// jsonObject checks that content is one JSON object (a code fence around
// it, which some JSON-mode servers add, is taken off) and returns it.
func jsonObject(content string) (string, error) {
	s := strings.TrimSpace(content)
	if rest, ok := strings.CutPrefix(s, "```"); ok {
		rest = strings.TrimPrefix(rest, "json")
		if body, ok := strings.CutSuffix(strings.TrimSpace(rest), "```"); ok {
			s = strings.TrimSpace(body)
		}
	}
	if s == "" {
		return "", fmt.Errorf("empty answer: %w", ErrMalformed)
	}
	if s[0] != '{' || !json.Valid([]byte(s)) {
		return "", fmt.Errorf("answer is not a JSON object (%d bytes): %w", len(s), ErrMalformed)
	}
	return s, nil
}
