package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/studybot/studybot/questions/draft"
	"github.com/studybot/studybot/questions/draft/drafttest"
)

// draftKey is a made-up key that must never be shown.
const draftKey = "sk-proj-NEVERSHOWN-0123456789"

// parseDraftFlags parses args into backend flags.
func parseDraftFlags(t *testing.T, args ...string) draftBackendFlags {
	t.Helper()
	var f draftBackendFlags
	fs := flag.NewFlagSet("questions draft", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f
}

// mapEnv is an env over a map.
func mapEnv(m map[string]string) env { return func(k string) string { return m[k] } }

func TestNewDraftBackendErrors(t *testing.T) {
	withKey := mapEnv(map[string]string{"STUDYBOT_LLM_API_KEY": draftKey, "OPENAI_API_KEY": draftKey})
	tests := []struct {
		name string
		args []string
		env  env
		want string
	}{
		{"openai without model", nil, withKey, "--model is required"},
		{"bedrock without model", []string{"--backend", "bedrock"}, withKey, "--model is required"},
		{"openai without key", []string{"--model", "gpt-4.1-mini"}, mapEnv(nil), "STUDYBOT_LLM_API_KEY"},
		{"unknown backend", []string{"--backend", "gemini", "--model", "m"}, withKey, `unknown backend "gemini": want openai or bedrock`},
		{"bedrock with json mode", []string{"--backend", "bedrock", "--model", "m", "--json-mode"}, withKey, "for the openai backend"},
		{"bad base URL", []string{"--model", "m", "--base-url", "localhost:11434/" + draftKey}, withKey, "not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := newDraftBackend(parseDraftFlags(t, tt.args...), tt.env)
			if err == nil {
				t.Fatalf("built %v, want an error", b)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "NEVERSHOWN") {
				t.Errorf("err shows the key: %v", err)
			}
		})
	}
}

func TestNewDraftBackendOpenAI(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		wantAuth string
	}{
		{"studybot key", map[string]string{"STUDYBOT_LLM_API_KEY": draftKey}, "Bearer " + draftKey},
		{"studybot key first", map[string]string{"STUDYBOT_LLM_API_KEY": draftKey, "OPENAI_API_KEY": "sk-other"}, "Bearer " + draftKey},
		{"openai key", map[string]string{"OPENAI_API_KEY": "sk-other"}, "Bearer sk-other"},
		{"local server without key", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := drafttest.NewOpenAIServer(t)
			f := parseDraftFlags(t, "--model", "llama3.1", "--base-url", srv.URL, "--json-mode", "--legacy-max-tokens")
			b, err := newDraftBackend(f, mapEnv(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := b.Complete(context.Background(), draft.Request{Key: "k", System: "Answer in JSON.", User: "u",
				Schema: []byte(`{"type":"object"}`), MaxTokens: 100})
			if err != nil {
				t.Fatalf("err = %v (invalid: %v)", err, srv.Invalid())
			}
			r := srv.Requests()[0]
			if r.Authorization != tt.wantAuth || r.Model != "llama3.1" || r.ResponseFormat.Type != "json_object" || r.MaxTokens == nil {
				t.Errorf("request: auth %q model %q format %+v max_tokens %v", r.Authorization, r.Model, r.ResponseFormat, r.MaxTokens)
			}
			if resp.Backend != "openai" || resp.Model != "llama3.1" {
				t.Errorf("provenance %q %q", resp.Backend, resp.Model)
			}
		})
	}

	// A bad key's error names neither key.
	srv := drafttest.NewOpenAIServer(t)
	srv.Key = "sk-right"
	b, err := newDraftBackend(parseDraftFlags(t, "--model", "m", "--base-url", srv.URL), mapEnv(map[string]string{"STUDYBOT_LLM_API_KEY": draftKey}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Complete(context.Background(), draft.Request{Key: "k", User: "u"})
	if !errors.Is(err, draft.ErrAuth) || strings.Contains(err.Error(), "NEVERSHOWN") {
		t.Errorf("err = %v", err)
	}
}

func TestNewDraftBackendBedrock(t *testing.T) {
	// Made-up credentials through the default chain's environment step;
	// no shared files, no instance metadata, no Bedrock API key.
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDCMDTEST", "AWS_SECRET_ACCESS_KEY": "fake", "AWS_SESSION_TOKEN": "",
		"AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
		"AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true", "AWS_BEARER_TOKEN_BEDROCK": "",
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": "",
	} {
		t.Setenv(k, v)
	}
	srv := drafttest.NewBedrockServer(t)
	srv.Script(drafttest.ToolAnswer(`{"stem":"s"}`))
	f := parseDraftFlags(t, "--backend", "bedrock", "--model", "anthropic.claude-3-haiku-20240307-v1:0",
		"--region", "eu-west-1", "--base-url", srv.URL)
	b, err := newDraftBackend(f, mapEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := b.Complete(context.Background(), draft.Request{Key: "k", System: "s", User: "u",
		SchemaName: "q", Schema: []byte(`{"type":"object","properties":{"stem":{"type":"string"}}}`), MaxTokens: 100})
	if err != nil {
		t.Fatalf("err = %v (invalid: %v)", err, srv.Invalid())
	}
	if resp.Content != `{"stem":"s"}` || resp.Backend != "bedrock" {
		t.Errorf("resp = %+v", resp)
	}
	r := srv.Requests()[0]
	if r.ModelID != "anthropic.claude-3-haiku-20240307-v1:0" || !strings.Contains(r.Authorization, "AKIDCMDTEST/") ||
		!strings.Contains(r.Authorization, "/eu-west-1/bedrock/") {
		t.Errorf("model %q auth %q", r.ModelID, r.Authorization)
	}

	// Without --region and with none configured, the error says what to do.
	f.region = ""
	if _, err := newDraftBackend(f, mapEnv(nil)); err == nil || !strings.Contains(err.Error(), "--region") {
		t.Errorf("err = %v, want one naming --region", err)
	}
}
