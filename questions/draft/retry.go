package draft

import (
	"errors"
	"strings"
	"time"
)

// retryAfterError carries the wait a server asked for (a Retry-After
// header) along with a classified error, so the Runner can honour it.
type retryAfterError struct {
	err   error
	after time.Duration
}

// Error returns the wrapped error's text.
func (e *retryAfterError) Error() string { return e.err.Error() }

// Unwrap returns the classified error, so errors.Is finds its sentinel.
func (e *retryAfterError) Unwrap() error { return e.err }

// withRetryAfter attaches a server's requested wait to err; a zero or
// negative wait leaves err as it is.
func withRetryAfter(err error, after time.Duration) error {
	if after <= 0 {
		return err
	}
	return &retryAfterError{err: err, after: after}
}

// RetryAfter reports the wait a server asked for before the request that
// failed with err is sent again, when the server said one.
func RetryAfter(err error) (time.Duration, bool) {
	var ra *retryAfterError
	if errors.As(err, &ra) {
		return ra.after, true
	}
	return 0, false
}

// Retryable reports whether err is worth a retry after a backoff: a rate
// limit or a server or connection failure.
func Retryable(err error) bool {
	return errors.Is(err, ErrRateLimited) || errors.Is(err, ErrServer)
}

// Fatal reports whether err stops a whole run: bad credentials or a model
// the server does not have fail every request the same way.
func Fatal(err error) bool {
	return errors.Is(err, ErrAuth) || errors.Is(err, ErrUnknownModel)
}

// redactor removes a secret from text meant for errors and logs. It keeps
// the secret in a closure, so printing a value that holds a redactor (%+v,
// %#v, a panic) never shows it.
type redactor struct {
	secret func() string
}

// newRedactor returns a redactor of secret.
func newRedactor(secret string) redactor {
	return redactor{secret: func() string { return secret }}
}

// clean returns s with every occurrence of the secret replaced.
func (r redactor) clean(s string) string {
	if r.secret == nil {
		return s
	}
	secret := r.secret()
	if len(secret) < 4 { // too short to be a key; replacing it would mangle text
		return s
	}
	return strings.ReplaceAll(s, secret, "[redacted]")
}

// shorten cuts a server's message to a length fit for one error line.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 300
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// utf8Start reports whether b starts a UTF-8 sequence.
func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
