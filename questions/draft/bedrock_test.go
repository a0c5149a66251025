package draft_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/studybot/studybot/questions/draft"
	"github.com/studybot/studybot/questions/draft/drafttest"
)

// bedrockModel is an on-demand model ID with the colon real IDs carry.
const bedrockModel = "anthropic.claude-3-5-sonnet-20240620-v1:0"

// newBedrock builds a backend against srv with static, made-up
// credentials and no shared configuration files.
func newBedrock(t *testing.T, srv *drafttest.BedrockServer, creds aws.CredentialsProvider) draft.Backend {
	t.Helper()
	t.Setenv("AWS_BEARER_TOKEN_BEDROCK", "")
	if creds == nil {
		creds = credentials.NewStaticCredentialsProvider("AKIDFAKEFAKEFAKE", "fake-secret", "")
	}
	b, err := draft.NewBedrock(context.Background(), draft.BedrockConfig{
		Region: "us-east-1", Endpoint: srv.URL, Model: bedrockModel,
		LoadOptions: []func(*config.LoadOptions) error{
			config.WithCredentialsProvider(creds),
			config.WithSharedConfigFiles([]string{}),
			config.WithSharedCredentialsFiles([]string{}),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBedrockOutcomes(t *testing.T) {
	answer := `{"stem":"Which?","options":["a","b","c","d"],"answer":1}`
	tests := []struct {
		name string
		out  drafttest.BedrockOutcome
		want error
	}{
		{"tool use", drafttest.ToolAnswer(answer), nil},
		{"throttled", drafttest.Throttled(), draft.ErrRateLimited},
		{"quota", drafttest.BedrockError(429, "ServiceQuotaExceededException", "Too many tokens"), draft.ErrRateLimited},
		{"unavailable", drafttest.BedrockError(503, "ServiceUnavailableException", "Service unavailable"), draft.ErrServer},
		{"internal", drafttest.BedrockError(500, "InternalServerException", "Internal error"), draft.ErrServer},
		{"model not ready", drafttest.BedrockError(429, "ModelNotReadyException", "Model is not ready"), draft.ErrServer},
		{"model timeout", drafttest.BedrockError(408, "ModelTimeoutException", "Model timed out"), draft.ErrServer},
		{"access denied", drafttest.AccessDenied(), draft.ErrAuth},
		{"unrecognized client", drafttest.BedrockError(403, "UnrecognizedClientException", "The security token included in the request is invalid."), draft.ErrAuth},
		{"expired token", drafttest.BedrockError(403, "ExpiredTokenException", "The security token included in the request is expired"), draft.ErrAuth},
		{"resource not found", drafttest.ResourceNotFound(), draft.ErrUnknownModel},
		{"invalid model id", drafttest.BedrockError(400, "ValidationException", "The provided model identifier is invalid."), draft.ErrUnknownModel},
		{"no tool use support", drafttest.BedrockError(400, "ValidationException", "This model doesn't support tool use."), draft.ErrUnknownModel},
		{"other validation", drafttest.BedrockError(400, "ValidationException", "Input is too long for requested model."), draft.ErrRefused},
		{"max tokens", drafttest.MaxTokensStop(), draft.ErrMalformed},
		{"no tool use", drafttest.TextAnswer("Here is a question: …"), draft.ErrMalformed},
		{"guardrail", drafttest.BedrockOutcome{Text: "Sorry.", StopReason: "guardrail_intervened"}, draft.ErrRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := drafttest.NewBedrockServer(t)
			srv.Script(tt.out)
			b := newBedrock(t, srv, nil)
			resp, err := b.Complete(context.Background(), testRequest("k1"))
			if inv := srv.Invalid(); len(inv) > 0 {
				t.Fatalf("fake found the request invalid: %v", inv)
			}
			if srv.Calls() != 1 {
				t.Errorf("calls = %d, want 1 (the SDK must not retry)", srv.Calls())
			}
			if tt.want == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				var got, want any
				_ = json.Unmarshal([]byte(resp.Content), &got)
				_ = json.Unmarshal([]byte(answer), &want)
				if fmt.Sprint(got) != fmt.Sprint(want) || resp.Key != "k1" || resp.Backend != "bedrock" ||
					resp.Model != "gpt-test" || resp.Usage != (draft.Usage{Input: 10, Output: 20}) {
					t.Errorf("resp = %+v", resp)
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
		})
	}
}

func TestBedrockRequestShape(t *testing.T) {
	srv := drafttest.NewBedrockServer(t)
	b := newBedrock(t, srv, nil)
	req := testRequest("k1")
	req.Model = "" // the config's model
	if _, err := b.Complete(context.Background(), req); err != nil {
		t.Fatalf("err = %v (invalid: %v)", err, srv.Invalid())
	}
	r := srv.Requests()[0]
	if r.ModelID != bedrockModel || r.ToolName != "draft_question" || r.MaxTokens != 800 {
		t.Errorf("model %q tool %q max tokens %d", r.ModelID, r.ToolName, r.MaxTokens)
	}
	if !strings.Contains(r.Authorization, "Credential=AKIDFAKEFAKEFAKE/") || !strings.Contains(r.Authorization, "/us-east-1/bedrock/aws4_request") {
		t.Errorf("authorization = %q", r.Authorization)
	}
	if r.System != req.System || r.User != req.User {
		t.Errorf("system %q user %q", r.System, r.User)
	}
	var got, want any
	_ = json.Unmarshal(r.InputSchema, &got)
	_ = json.Unmarshal([]byte(testSchema), &want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("input schema = %s", r.InputSchema)
	}
}

// TestBedrockNoCredentials checks that credentials the chain cannot find
// stop the run as bad credentials, before anything is sent.
func TestBedrockNoCredentials(t *testing.T) {
	srv := drafttest.NewBedrockServer(t)
	none := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no credentials in the chain")
	})
	b := newBedrock(t, srv, none)
	_, err := b.Complete(context.Background(), testRequest("k1"))
	if !errors.Is(err, draft.ErrAuth) || !draft.Fatal(err) {
		t.Errorf("err = %v, want ErrAuth", err)
	}
	if srv.Calls() != 0 {
		t.Errorf("calls = %d, want 0", srv.Calls())
	}
}

// TestBedrockThroughRunner checks a throttled Converse call is retried and
// then answered, through the real SDK.
func TestBedrockThroughRunner(t *testing.T) {
	srv := drafttest.NewBedrockServer(t)
	srv.Script(drafttest.Throttled(), drafttest.BedrockError(503, "ServiceUnavailableException", "busy"), drafttest.ToolAnswer(`{"ok":true}`))
	var waits int
	r := &draft.Runner{Backend: newBedrock(t, srv, nil), Sleep: func(ctx context.Context, d time.Duration) error {
		waits++
		return nil
	}}
	var got []draft.Result
	if err := r.Run(context.Background(), []draft.Request{testRequest("k0")}, func(res draft.Result) { got = append(got, res) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Err != nil || got[0].Response.Content != `{"ok":true}` || got[0].Attempts != 3 || waits != 2 || srv.Calls() != 3 {
		t.Errorf("results %+v, waits %d, calls %d", got, waits, srv.Calls())
	}

	// Access denied stops the run at once.
	srv.Respond(func(drafttest.ConverseRequest) drafttest.BedrockOutcome { return drafttest.AccessDenied() })
	before := srv.Calls()
	err := r.Run(context.Background(), requests(40), func(res draft.Result) { t.Errorf("delivered %+v", res) })
	if !errors.Is(err, draft.ErrAuth) {
		t.Errorf("Run = %v, want ErrAuth", err)
	}
	// Promptly: each of the 4 workers may have one call under way when the
	// first denial arrives and start one more before the run is cancelled.
	if c := srv.Calls() - before; c > 8 {
		t.Errorf("%d calls after access was denied, want at most 8", c)
	}
}
