package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/studybot/studybot/questions/draft"
)

// draftBackendFlags are the flags that choose and tune the model backend of
// "questions draft".
type draftBackendFlags struct {
	backend     string
	model       string
	baseURL     string
	jsonMode    bool
	region      string
	concurrency int
	timeout     time.Duration
	cacheDir    string
}

// register adds the backend flags to fs.
func (f *draftBackendFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.backend, "backend", "openai", "model `backend`: openai or bedrock")
	fs.StringVar(&f.model, "model", "", "model `name`")
	fs.StringVar(&f.baseURL, "base-url", "", "OpenAI-compatible server `URL` (default OpenAI's)")
	fs.BoolVar(&f.jsonMode, "json-mode", false, "ask for JSON mode instead of a strict schema (servers without schema support)")
	fs.StringVar(&f.region, "region", "", "AWS `region` for bedrock (default from the AWS configuration)")
	fs.IntVar(&f.concurrency, "concurrency", 4, "requests in flight at once")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "timeout of one request")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "`directory` of the answer cache (default beside the memo)")
}

// newDraftBackend builds the backend the flags name; the key comes from
// STUDYBOT_LLM_API_KEY or OPENAI_API_KEY and is never printed.
func newDraftBackend(f draftBackendFlags, getenv env) (draft.Backend, error) {
	return nil, fmt.Errorf("draft: backend %q not built yet", f.backend) // stub
}
