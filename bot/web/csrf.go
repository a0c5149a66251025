package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// CSRFField is the form field, and CSRFHeader the header, that carry a
// session's CSRF token on every change.
const (
	CSRFField  = "csrf"
	CSRFHeader = "X-CSRF-Token"
)

// maxForm bounds the body of a change (the form fields the pages post).
const maxForm = 1 << 20

var (
	errCrossOrigin = errors.New("origin or referer of another host")
	errNoCSRF      = errors.New("no csrf token")
	errBadCSRF     = errors.New("wrong csrf token")
)

// safeMethod reports whether m only reads (no CSRF check).
func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// checkChange checks a request that changes something: an Origin or
// Referer, when present, names the request's own host, and the form field
// or header carries want (compared in constant time). It parses the form
// (at most maxForm bytes), so the pages find it parsed.
func checkChange(w http.ResponseWriter, r *http.Request, want, publicHost string) error {
	if err := sameOrigin(r, publicHost); err != nil {
		return err
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			if err := r.ParseMultipartForm(maxForm); err != nil {
				return errors.Join(errNoCSRF, err)
			}
		} else if err := r.ParseForm(); err != nil {
			return errors.Join(errNoCSRF, err)
		}
		got = r.PostForm.Get(CSRFField)
	}
	if got == "" {
		return errNoCSRF
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errBadCSRF
	}
	return nil
}

// sameOrigin refuses a request whose Origin (or, without one, Referer)
// names another host than the request's own or publicHost (the public
// URL's, when a proxy rewrites Host). Neither header is required: the
// SameSite=Strict cookie and the token do the main work.
func sameOrigin(r *http.Request, publicHost string) error {
	src := r.Header.Get("Origin")
	if src == "" {
		src = r.Header.Get("Referer")
	}
	if src == "" {
		return nil
	}
	u, err := url.Parse(src)
	if err != nil || u.Host == "" || !(strings.EqualFold(u.Host, r.Host) || publicHost != "" && strings.EqualFold(u.Host, publicHost)) {
		return errCrossOrigin
	}
	return nil
}
