package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SessionTTL is how long a session lasts.
const SessionTTL = 12 * time.Hour

// Paths the server answers itself; every other path under /admin/ goes to
// Options.Pages, signed in.
const (
	// Prefix is the pages' prefix, what the listener mounts.
	Prefix = "/admin/"
	// LogoutPath signs out (POST, with the CSRF token).
	LogoutPath = "/admin/logout"
	// AssetsPath holds the pages' embedded stylesheet and script, served
	// without a session (the refusal page uses the stylesheet too).
	AssetsPath = "/admin/assets/"
)

// ContentSecurityPolicy is on every response: scripts, styles and
// everything else only from the pages' own (embedded) files — no inline
// <script>, <style> or style="" — images also as data: URLs (a chart),
// forms only to the pages, never in a frame.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Options configure New.
type Options struct {
	// Store keeps the sign-in links and sessions (required).
	Store Store
	// Admins decides on every request whether the session's user may
	// still use its workspace's pages (required; a *bot.Bot).
	Admins Admins
	// Pages serves the signed-in pages (required). It finds the Session
	// with SessionFrom; a change (any method but GET and HEAD) reaches it
	// only with the right CSRF token, its form already parsed.
	Pages http.Handler
	// PublicURL is where the admins' browsers reach the bot
	// ("https://studybot.example.com"), if configured: an https URL makes
	// the cookie Secure, and its host is accepted in Origin and Referer.
	PublicURL string
	// Lang is the language of the refusal page when no session tells it
	// ("ja" when empty).
	Lang string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Log receives why a request was refused (discarded when nil).
	Log *slog.Logger
}

// server is the handler New returns.
type server struct {
	opt        Options
	secureURL  bool
	publicHost string
}

// New returns the handler for everything under Prefix: sign-in through a
// one-time link (GET LoginPath?t=…), sign-out (POST LogoutPath), and
// Options.Pages behind the session check and, for changes, the CSRF
// check. Every response carries the security headers (securityHeaders).
// Whatever is refused gets 403 and a small page, and reaches neither the
// pages nor the store; the log says why.
func New(o Options) (http.Handler, error) {
	if o.Store == nil || o.Admins == nil || o.Pages == nil {
		return nil, errors.New("web: Store, Admins and Pages are required")
	}
	s := &server{opt: o}
	if o.PublicURL != "" {
		u, err := url.Parse(o.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("web: public URL %q: want http(s)://host[:port]", o.PublicURL)
		}
		s.secureURL, s.publicHost = u.Scheme == "https", u.Host
	}
	if s.opt.Lang == "" {
		s.opt.Lang = "ja"
	}
	if s.opt.Now == nil {
		s.opt.Now = time.Now
	}
	if s.opt.Log == nil {
		s.opt.Log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// ServeHTTP routes a request under Prefix.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	switch r.URL.Path {
	case LoginPath:
		s.login(w, r)
	case LogoutPath:
		s.logout(w, r)
	default:
		if strings.HasPrefix(r.URL.Path, AssetsPath) {
			s.asset(w, r)
			return
		}
		s.pages(w, r)
	}
}

// securityHeaders are on every response: no inline script and nothing
// from elsewhere, never in a frame, no Referer to another site (a link's
// token must not leak; "same-origin" rather than "no-referrer", under
// which Chromium sends "Origin: null" on the pages' own form posts and
// sameOrigin refuses them), and no caching of signed-in pages (the pages may allow it for
// their embedded assets by setting Cache-Control themselves).
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
}
