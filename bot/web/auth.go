package web

import (
	"errors"
	"net/http"

	"github.com/studybot/studybot/store"
)

// Why a request is refused (for the log only: the browser gets one page).
var (
	errNoLink      = errors.New("no link token")
	errNoSession   = errors.New("no session cookie")
	errNotAdmin    = errors.New("not an admin of a workspace this bot serves")
	errLinkHEAD    = errors.New("link opened with HEAD (a preview), left unused")
	errNoSessionID = errors.New("session cookie of no session")
	errLinkPreview = errors.New("link opened by a link-preview robot, left unused")
)

// login redeems a one-time link: a session for its admin and workspace, a
// cookie, and a 303 to the pages, so that the token leaves the address bar
// and the history. A used, expired or unknown link, or one whose user is
// no longer an admin of a served workspace, gets 403.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		s.deny(w, r, "", errLinkHEAD)
		return
	}
	if previewAgent(r.UserAgent()) {
		s.deny(w, r, "", errLinkPreview, "agent", r.UserAgent())
		return
	}
	if r.Method != http.MethodGet {
		s.deny(w, r, "", errors.New("login with "+r.Method))
		return
	}
	tok := r.URL.Query().Get("t")
	if tok == "" {
		s.deny(w, r, "", errNoLink)
		return
	}
	now := s.opt.Now()
	l, err := s.opt.Store.RedeemLogin(tok, now)
	if err != nil {
		s.deny(w, r, "", err)
		return
	}
	if !s.opt.Admins.WebAdmin(l.Space, l.User, l.PlatformAdmin) {
		s.deny(w, r, l.Lang, errNotAdmin, "space", l.Space.String(), "user", l.User)
		return
	}
	id, err := randomToken()
	if err != nil {
		s.fail(w, r, l.Lang, err)
		return
	}
	csrf, err := randomToken()
	if err != nil {
		s.fail(w, r, l.Lang, err)
		return
	}
	exp := now.Add(SessionTTL)
	if err := s.opt.Store.PutSession(id, store.WebSession{Space: l.Space, User: l.User, Lang: l.Lang, PlatformAdmin: l.PlatformAdmin,
		CSRF: csrf, Expires: exp}, now); err != nil {
		s.fail(w, r, l.Lang, err)
		return
	}
	s.opt.Log.Info("web: signed in", "space", l.Space.String(), "user", l.User)
	http.SetCookie(w, sessionCookie(id, now, exp, s.secure(r)))
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// logout ends the session (POST with its CSRF token) and clears the
// cookie.
func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.deny(w, r, "", errors.New("logout with "+r.Method))
		return
	}
	sess, ok := s.session(w, r)
	if !ok {
		return
	}
	if err := s.opt.Store.DeleteSession(sess.ID); err != nil {
		s.fail(w, r, sess.Lang, err)
		return
	}
	s.opt.Log.Info("web: signed out", "space", sess.Space.String(), "user", sess.User)
	http.SetCookie(w, clearCookie(s.secure(r)))
	writePage(w, http.StatusOK, sess.Lang, "web.signedout", "")
}

// pages serves Options.Pages to a signed-in admin, with the session in
// the request's context.
func (s *server) pages(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.session(w, r)
	if !ok {
		return
	}
	s.opt.Pages.ServeHTTP(w, r.WithContext(WithSession(r.Context(), sess)))
}

// session returns the request's session after every check: a cookie of a
// live session, of an admin of a workspace this bot serves, and for a
// change the same origin and the CSRF token. Otherwise it has answered
// 403 and returns false.
func (s *server) session(w http.ResponseWriter, r *http.Request) (*Session, bool) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		s.deny(w, r, "", errNoSession)
		return nil, false
	}
	st, err := s.opt.Store.GetSession(c.Value, s.opt.Now())
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = errNoSessionID
		}
		s.deny(w, r, "", err)
		return nil, false
	}
	if !s.opt.Admins.WebAdmin(st.Space, st.User, st.PlatformAdmin) {
		s.deny(w, r, st.Lang, errNotAdmin, "space", st.Space.String(), "user", st.User)
		return nil, false
	}
	if !safeMethod(r.Method) {
		if err := checkChange(w, r, st.CSRF, s.publicHost); err != nil {
			s.deny(w, r, st.Lang, err, "space", st.Space.String(), "user", st.User)
			return nil, false
		}
	}
	return &Session{ID: c.Value, Space: st.Space, User: st.User, Lang: st.Lang, CSRF: st.CSRF, Expires: st.Expires}, true
}

// deny answers 403 with the refusal page in lang (Options.Lang when
// empty) and logs the cause with attrs.
func (s *server) deny(w http.ResponseWriter, r *http.Request, lang string, cause error, attrs ...any) {
	if lang == "" {
		lang = s.opt.Lang
	}
	s.opt.Log.Warn("web: refused", append([]any{"method", r.Method, "path", r.URL.Path, "cause", cause.Error()}, attrs...)...)
	writePage(w, http.StatusForbidden, lang, "web.denied.title", "web.denied.body")
}

// fail answers 500 for a store or random-source failure and logs it.
func (s *server) fail(w http.ResponseWriter, r *http.Request, lang string, err error) {
	s.opt.Log.Error("web: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	writePage(w, http.StatusInternalServerError, lang, "err.internal", "")
}
