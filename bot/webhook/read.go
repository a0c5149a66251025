package webhook

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// ReadBody reads r's body, at most max bytes. A body announced larger
// (Content-Length) is refused before any byte of it is read; one that
// turns out larger is refused at max+1. Errors wrap ErrTooLarge, ErrBusy
// (from a Gate), ErrSlow or the read error; Status maps them.
func ReadBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, fmt.Errorf("read body: %d bytes announced, cap %d: %w", r.ContentLength, max, ErrTooLarge)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, fmt.Errorf("read body: over %d bytes: %w", max, ErrTooLarge)
	}
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	return b, nil
}
