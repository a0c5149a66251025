package draft

import (
	"context"
	"encoding/json"
)

// Kind says what a request asks a model for.
type Kind string

const (
	// KindDraft asks for new questions from one memo passage.
	KindDraft Kind = "draft"
	// KindVerify asks a model to answer one drafted question blind.
	KindVerify Kind = "verify"
)

// Request is one call to a model: a system and a user message, and the JSON
// schema the answer must follow. It is what a backend sends and what a batch
// file line carries; its Key (a hash of everything in it) names it in the
// cache and, as custom_id, in batch files.
type Request struct {
	// Key identifies the request: a hash of Kind, Model, the messages and
	// the schema. Two requests with the same Key are the same request.
	Key string `json:"key"`
	// Kind is KindDraft or KindVerify.
	Kind Kind `json:"kind"`
	// Model is the model name the backend is asked to use.
	Model string `json:"model"`
	// System is the system message (the style guide and the rules).
	System string `json:"system"`
	// User is the user message (the passage, the domain, the kin).
	User string `json:"user"`
	// SchemaName names the answer's schema (letters, digits, _ and -).
	SchemaName string `json:"schema_name"`
	// Schema is the JSON schema of the answer object.
	Schema json.RawMessage `json:"schema"`
	// MaxTokens bounds the answer's length.
	MaxTokens int `json:"max_tokens"`
}

// Usage counts the tokens of one call.
type Usage struct {
	// Input is the number of prompt tokens.
	Input int `json:"input"`
	// Output is the number of completion tokens.
	Output int `json:"output"`
}

// Response is a model's answer to one Request: the answer object's JSON text
// (not yet checked against the schema) and the tokens it cost.
type Response struct {
	// Key is the Request's Key.
	Key string `json:"key"`
	// Content is the JSON text of the answer object.
	Content string `json:"content"`
	// Usage is what the call cost.
	Usage Usage `json:"usage"`
	// Backend and Model say who answered, for provenance.
	Backend string `json:"backend"`
	Model   string `json:"model"`
}

// Backend sends one request to a model and returns its answer. A backend
// does no retries of its own beyond its SDK's and classifies its errors
// with the sentinels in errors.go, so the runner knows what to retry.
type Backend interface {
	// Name is the backend's name for provenance ("openai", "bedrock", "batch").
	Name() string
	// Complete sends req and returns the model's answer.
	Complete(ctx context.Context, req Request) (Response, error)
}
