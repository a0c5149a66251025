package web

import (
	"net/http"
	"time"
)

// CookieName is the session cookie's name.
const CookieName = "studybot_session"

// cookiePath scopes the cookie to the pages.
const cookiePath = "/admin/"

// sessionCookie is the cookie that carries session id from now until exp:
// HttpOnly, SameSite=Strict, Path=/admin/, Secure when secure.
func sessionCookie(id string, now, exp time.Time, secure bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: id, Path: cookiePath, Expires: exp, MaxAge: int(exp.Sub(now).Seconds()),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode}
}

// clearCookie removes the session cookie from the browser.
func clearCookie(secure bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: "", Path: cookiePath, MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode}
}

// secure reports whether cookies must be Secure for r: it came over TLS,
// or the public URL is https.
func (s *server) secure(r *http.Request) bool { return s.secureURL || r.TLS != nil }
