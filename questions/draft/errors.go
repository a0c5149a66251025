package draft

import "errors"

// Errors a Backend returns (wrapped), so the runner and the command line can
// tell a retryable failure from one that needs the user.
var (
	// ErrRateLimited is a 429 or a throttling error: retry after a backoff.
	ErrRateLimited = errors.New("rate limited")
	// ErrServer is a 5xx or a connection failure: retry after a backoff.
	ErrServer = errors.New("model server error")
	// ErrAuth is a bad or missing key or credentials: stop, tell the user.
	ErrAuth = errors.New("bad credentials")
	// ErrUnknownModel is a model the server does not have: stop, tell the user.
	ErrUnknownModel = errors.New("unknown model")
	// ErrRefused is a request the model or server refused (content filter,
	// 400): drop that request, go on with the others.
	ErrRefused = errors.New("request refused")
	// ErrMalformed is an answer that is not the JSON object asked for
	// (truncated, not JSON, schema broken): drop that draft, log the rule.
	ErrMalformed = errors.New("malformed answer")
	// ErrNotAnswered is the batch backend's answer to a request that no
	// batch output file or cache answers yet: the run goes on and writes
	// that request to --batch-out.
	ErrNotAnswered = errors.New("not answered yet")
)
