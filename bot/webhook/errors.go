package webhook

import (
	"errors"
	"net/http"
	"time"
)

// Sentinel errors of ReadBody and the Gate.
var (
	// ErrBusy is returned when the Gate is reading as many bodies as it
	// may and none of them can be pre-empted; answer 503.
	ErrBusy = errors.New("webhook: too many request bodies being read")
	// ErrSlow is returned when a body arrives slower than the minimum rate,
	// past the total read time, or was pre-empted by a faster one; answer 408.
	ErrSlow = errors.New("webhook: request body too slow")
	// ErrTooLarge is returned for a body over the route's cap; answer 413.
	ErrTooLarge = errors.New("webhook: request body too large")

	// The header checks' refusals, which adapters wrap with their
	// platform's name; answer 401.

	// ErrUnsigned: no signature or timestamp header.
	ErrUnsigned = errors.New("no signature or timestamp")
	// ErrShape: a signature or timestamp header of the wrong shape.
	ErrShape = errors.New("malformed signature or timestamp")
	// ErrStale: a timestamp outside the replay window.
	ErrStale = errors.New("timestamp outside the window")
	// ErrSignature: a signature that does not match the body.
	ErrSignature = errors.New("signature does not match")
)

// Reason names a header check's or ReadBody's refusal for the log's
// refusal counts and the answer's text.
func Reason(err error) string {
	switch {
	case errors.Is(err, ErrUnsigned):
		return "unsigned"
	case errors.Is(err, ErrShape):
		return "malformed signature headers"
	case errors.Is(err, ErrStale):
		return "stale timestamp"
	case errors.Is(err, ErrSignature):
		return "invalid signature"
	case errors.Is(err, ErrTooLarge):
		return "body too large"
	case errors.Is(err, ErrBusy):
		return "busy"
	case errors.Is(err, ErrSlow):
		return "body too slow"
	}
	return "unreadable body"
}

// Status is the HTTP status that answers a ReadBody error.
func Status(err error) int {
	switch {
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrBusy):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrSlow):
		return http.StatusRequestTimeout
	}
	return http.StatusBadRequest
}

// Refuse answers a refused request with status and a short text and
// closes the connection after the answer without reading any more of it:
// net/http would otherwise drain up to 256 KiB of an unread body, so the
// connection's read deadline is set in the past. The connection's
// Progress (if any) is marked closing, for a connection cap to evict
// first while net/http lingers before closing it.
func Refuse(w http.ResponseWriter, r *http.Request, status int, text string) {
	w.Header().Set("Connection", "close")
	http.Error(w, text, status)
	NoMoreReads(w, r)
}

// NoMoreReads makes the server read nothing more of r's connection (its
// answer still goes out): for a request answered without reading its body.
func NoMoreReads(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	http.NewResponseController(w).SetReadDeadline(time.Unix(1, 0))
	if p := progressFrom(r.Context()); p != nil {
		p.closing()
	}
}
