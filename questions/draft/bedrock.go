package draft

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go"
)

// BedrockConfig configures an Amazon Bedrock backend over the Converse API.
// Credentials and region come from the AWS SDK's default chain
// (environment, shared config and credentials files, SSO, container and
// instance roles) unless set here.
type BedrockConfig struct {
	// Region is the AWS region; empty means the one the AWS configuration
	// names (AWS_REGION, the profile's region).
	Region string
	// Profile is the shared configuration profile; empty means the default
	// (or AWS_PROFILE).
	Profile string
	// Endpoint overrides the Bedrock runtime endpoint (a VPC endpoint, a
	// test server); empty means the region's.
	Endpoint string
	// Model is the model or inference profile ID used when a Request names
	// none, for example "anthropic.claude-3-5-sonnet-20240620-v1:0".
	Model string
	// Name is the backend's name in provenance; empty means "bedrock".
	Name string
	// HTTPClient sends the requests; nil means the SDK's.
	HTTPClient *http.Client
	// LoadOptions are more options for config.LoadDefaultConfig (tests
	// pass static credentials here).
	LoadOptions []func(*config.LoadOptions) error
}

// bedrockBackend is a Backend over bedrockruntime's Converse.
type bedrockBackend struct {
	client *bedrockruntime.Client
	name   string
	model  string
}

// NewBedrock returns a Backend that sends each Request to Bedrock's
// Converse API with the answer forced through a tool: one tool whose
// input schema is the request's schema, and a tool choice naming it; the
// answer is that tool use's input. The SDK's own retries are off (the
// Runner retries). Its errors wrap the sentinels of errors.go:
//
//   - ThrottlingException, ServiceQuotaExceededException: ErrRateLimited;
//   - ServiceUnavailableException, InternalServerException, ModelNotReadyException,
//     ModelTimeoutException, ModelErrorException, 5xx, connection failures: ErrServer;
//   - AccessDeniedException, UnrecognizedClientException, ExpiredTokenException,
//     other signature/token errors, credentials that cannot be found: ErrAuth;
//   - ResourceNotFoundException, a ValidationException about the model
//     identifier or its support of tool use: ErrUnknownModel;
//   - other ValidationExceptions and 4xx, stopReason guardrail_intervened or
//     content_filtered: ErrRefused;
//   - stopReason max_tokens, no tool use in the answer, an input that is not
//     a JSON object: ErrMalformed.
func NewBedrock(ctx context.Context, cfg BedrockConfig) (Backend, error) {
	opts := []func(*config.LoadOptions) error{}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(cfg.HTTPClient))
	}
	opts = append(opts, cfg.LoadOptions...)
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("bedrock: loading the AWS configuration: %w", err)
	}
	if awsCfg.Region == "" {
		return nil, errors.New("bedrock: no AWS region: pass --region or set AWS_REGION")
	}
	client := bedrockruntime.NewFromConfig(awsCfg, func(o *bedrockruntime.Options) {
		o.Retryer = aws.NopRetryer{}
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	name := cfg.Name
	if name == "" {
		name = "bedrock"
	}
	return &bedrockBackend{client: client, name: name, model: cfg.Model}, nil
}

// Name returns the backend's provenance name.
func (b *bedrockBackend) Name() string { return b.name }

// toolDescription tells the model what the forced tool is for.
const toolDescription = "Record the answer: call this tool once, with the whole answer object as its input."

// Complete sends req through Converse and returns the tool use's input.
func (b *bedrockBackend) Complete(ctx context.Context, req Request) (Response, error) {
	model := req.Model
	if model == "" {
		model = b.model
	}
	if model == "" {
		return Response{}, fmt.Errorf("bedrock: no model named: %w", ErrUnknownModel)
	}
	var schema map[string]any
	if err := json.Unmarshal(req.Schema, &schema); err != nil || schema == nil {
		return Response{}, fmt.Errorf("bedrock: request %s: schema is not a JSON object", req.Key)
	}
	tool := req.SchemaName
	if tool == "" {
		tool = "answer"
	}
	in := &bedrockruntime.ConverseInput{
		ModelId: aws.String(model),
		Messages: []types.Message{{
			Role:    types.ConversationRoleUser,
			Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: req.User}},
		}},
		ToolConfig: &types.ToolConfiguration{
			Tools: []types.Tool{&types.ToolMemberToolSpec{Value: types.ToolSpecification{
				Name:        aws.String(tool),
				Description: aws.String(toolDescription),
				InputSchema: &types.ToolInputSchemaMemberJson{Value: document.NewLazyDocument(schema)},
			}}},
			ToolChoice: &types.ToolChoiceMemberTool{Value: types.SpecificToolChoice{Name: aws.String(tool)}},
		},
	}
	if req.System != "" {
		in.System = []types.SystemContentBlock{&types.SystemContentBlockMemberText{Value: req.System}}
	}
	if req.MaxTokens > 0 {
		in.InferenceConfig = &types.InferenceConfiguration{MaxTokens: aws.Int32(int32(min(req.MaxTokens, 1<<30)))}
	}
	out, err := b.client.Converse(ctx, in)
	if err != nil {
		return Response{}, classifyBedrock(ctx, err)
	}
	switch out.StopReason {
	case types.StopReasonMaxTokens, types.StopReasonModelContextWindowExceeded:
		return Response{}, fmt.Errorf("bedrock: answer truncated (stopReason %s): %w", out.StopReason, ErrMalformed)
	case types.StopReasonGuardrailIntervened, types.StopReasonContentFiltered:
		return Response{}, fmt.Errorf("bedrock: answer stopped (stopReason %s): %w", out.StopReason, ErrRefused)
	}
	input, err := toolInput(out.Output, tool)
	if err != nil {
		return Response{}, fmt.Errorf("bedrock: %w (stopReason %s)", err, out.StopReason)
	}
	resp := Response{Key: req.Key, Content: input, Backend: b.name, Model: model}
	if u := out.Usage; u != nil {
		resp.Usage = Usage{Input: int(aws.ToInt32(u.InputTokens)), Output: int(aws.ToInt32(u.OutputTokens))}
	}
	return resp, nil
}

// toolInput returns the JSON text of the input of the answer's use of tool.
func toolInput(out types.ConverseOutput, tool string) (string, error) {
	msg, ok := out.(*types.ConverseOutputMemberMessage)
	if !ok {
		return "", fmt.Errorf("answer has no message: %w", ErrMalformed)
	}
	for _, block := range msg.Value.Content {
		use, ok := block.(*types.ContentBlockMemberToolUse)
		if !ok || aws.ToString(use.Value.Name) != tool {
			continue
		}
		if use.Value.Input == nil {
			return "", fmt.Errorf("tool use has no input: %w", ErrMalformed)
		}
		raw, err := use.Value.Input.MarshalSmithyDocument()
		if err != nil {
			return "", fmt.Errorf("tool use input: %v: %w", err, ErrMalformed)
		}
		return jsonObject(string(raw))
	}
	return "", fmt.Errorf("answer has no use of the tool %q: %w", tool, ErrMalformed)
}

// classifyBedrock turns an error of the SDK into one wrapping a sentinel.
func classifyBedrock(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("bedrock: %w", ctx.Err())
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("bedrock: %w", err)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		msg := err.Error()
		if strings.Contains(msg, "get identity") || strings.Contains(msg, "failed to retrieve credentials") ||
			strings.Contains(msg, "auth scheme") {
			return fmt.Errorf("bedrock: no usable AWS credentials: %s: %w", shorten(msg), ErrAuth)
		}
		return fmt.Errorf("bedrock: %s: %w", shorten(msg), ErrServer)
	}
	code := apiErr.ErrorCode()
	desc := code
	if m := apiErr.ErrorMessage(); m != "" {
		desc += ": " + shorten(m)
	}
	lower := strings.ToLower(apiErr.ErrorMessage())
	var sentinel error
	switch code {
	case "ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException":
		sentinel = ErrRateLimited
	case "ServiceUnavailableException", "InternalServerException", "ModelNotReadyException",
		"ModelTimeoutException", "ModelErrorException", "InternalFailure", "ServiceUnavailable":
		sentinel = ErrServer
	case "AccessDeniedException", "UnrecognizedClientException", "ExpiredTokenException",
		"InvalidSignatureException", "IncompleteSignature", "MissingAuthenticationTokenException",
		"InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken":
		sentinel = ErrAuth
	case "ResourceNotFoundException":
		sentinel = ErrUnknownModel
	case "ValidationException":
		if strings.Contains(lower, "model identifier") || strings.Contains(lower, "model id") ||
			strings.Contains(lower, "support tool") || strings.Contains(lower, "on-demand throughput") {
			sentinel = ErrUnknownModel
		} else {
			sentinel = ErrRefused
		}
	default:
		sentinel = ErrRefused
		var re *awshttp.ResponseError
		if errors.As(err, &re) {
			switch s := re.HTTPStatusCode(); {
			case s == http.StatusTooManyRequests:
				sentinel = ErrRateLimited
			case s >= 500:
				sentinel = ErrServer
			case s == http.StatusUnauthorized || s == http.StatusForbidden:
				sentinel = ErrAuth
			}
		}
	}
	return fmt.Errorf("bedrock: %s: %w", desc, sentinel)
}
