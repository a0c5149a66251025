package web

import (
	"context"
	"time"

	"github.com/studybot/studybot/bot/core"
)

// Session is a signed-in admin's session: who, in which workspace, until
// when, and the token every form posts back.
type Session struct {
	// ID is the session's random identifier (the cookie's value).
	ID string
	// Space is the workspace the admin signed in from; the session sees and
	// changes that workspace's bank and team only.
	Space core.Space
	// User is the admin's platform user ID.
	User string
	// Lang is the workspace's language ("ja" or "en").
	Lang string
	// CSRF is the token every POST must carry (form field "csrf" or header
	// "X-CSRF-Token").
	CSRF string
	// Expires is when the session ends.
	Expires time.Time
}

type sessionKey struct{}

// WithSession returns ctx carrying s, for the page handlers.
func WithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFrom returns the session a request was signed in with, if any.
func SessionFrom(ctx context.Context) (*Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(*Session)
	return s, ok && s != nil
}
