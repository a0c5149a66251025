package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/studybot/studybot/questions/draft"
)

// draftBackendFlags are the flags that choose and tune the model backend of
// "questions draft".
type draftBackendFlags struct {
	backend         string
	model           string
	baseURL         string
	jsonMode        bool
	legacyMaxTokens bool
	region          string
	concurrency     int
	timeout         time.Duration
	cacheDir        string
}

// register adds the backend flags to fs.
func (f *draftBackendFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.backend, "backend", "openai", "model `backend`: openai or bedrock")
	fs.StringVar(&f.model, "model", "", "model `name` (bedrock: a model or inference profile ID)")
	fs.StringVar(&f.baseURL, "base-url", "", "server `URL`: an OpenAI-compatible API (default OpenAI's), or for bedrock an endpoint override (default the region's)")
	fs.BoolVar(&f.jsonMode, "json-mode", false, "ask for JSON mode instead of a strict schema (servers without schema support)")
	fs.BoolVar(&f.legacyMaxTokens, "legacy-max-tokens", false, "send max_tokens instead of max_completion_tokens (servers that know only the older field)")
	fs.StringVar(&f.region, "region", "", "AWS `region` for bedrock (default from the AWS configuration)")
	fs.IntVar(&f.concurrency, "concurrency", 4, "requests in flight at once")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "timeout of one request")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "`directory` of the answer cache (default beside the memo)")
}

// llmKeyVars are the environment variables the OpenAI-compatible backend
// reads its key from, first set wins.
var llmKeyVars = []string{"STUDYBOT_LLM_API_KEY", "OPENAI_API_KEY"}

// errNoDraftModel and errNoDraftKey are the backend set-up mistakes a user
// makes most; their text says how to fix them.
var (
	errNoDraftModel = errors.New("draft: --model is required (for example --model gpt-4.1-mini, or for bedrock a model ID such as anthropic.claude-3-5-sonnet-20240620-v1:0)")
	errNoDraftKey   = errors.New("draft: no API key for OpenAI: set STUDYBOT_LLM_API_KEY (or OPENAI_API_KEY), or pass --base-url for a local server that needs none")
)

// newDraftBackend builds the backend the flags name; the key comes from
// STUDYBOT_LLM_API_KEY or OPENAI_API_KEY and is never printed.
//
// openai needs --model and, for OpenAI itself (no --base-url), a key; a
// server given with --base-url (Ollama, vLLM, llama.cpp, LiteLLM, Azure's
// v1 API) gets the key when one is set and none otherwise. bedrock needs
// --model and takes credentials and, without --region, the region from
// the AWS SDK's default chain; --base-url overrides its endpoint.
func newDraftBackend(f draftBackendFlags, getenv env) (draft.Backend, error) {
	switch f.backend {
	case "openai":
		if f.model == "" {
			return nil, errNoDraftModel
		}
		var key string
		for _, name := range llmKeyVars {
			if key = getenv(name); key != "" {
				break
			}
		}
		if key == "" && f.baseURL == "" {
			return nil, errNoDraftKey
		}
		return draft.NewOpenAI(draft.OpenAIConfig{
			BaseURL: f.baseURL, APIKey: key, Model: f.model,
			JSONMode: f.jsonMode, LegacyMaxTokens: f.legacyMaxTokens,
		})
	case "bedrock":
		if f.model == "" {
			return nil, errNoDraftModel
		}
		if f.jsonMode || f.legacyMaxTokens {
			return nil, errors.New("draft: --json-mode and --legacy-max-tokens are for the openai backend; bedrock always forces the answer through a tool")
		}
		return draft.NewBedrock(context.Background(), draft.BedrockConfig{
			Region: f.region, Endpoint: f.baseURL, Model: f.model,
		})
	default:
		return nil, fmt.Errorf("draft: unknown backend %q: want openai or bedrock", f.backend)
	}
}
