package web

import (
	"time"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/store"
)

// Store keeps the sign-in links and sessions (a *store.DB). It hashes the
// tokens and IDs it is given and keeps only the hashes.
type Store interface {
	MintLogin(token string, l store.WebLogin, now time.Time) error
	RedeemLogin(token string, now time.Time) (store.WebLogin, error)
	PutSession(id string, s store.WebSession, now time.Time) error
	GetSession(id string, now time.Time) (store.WebSession, error)
	DeleteSession(id string) error
}

// Admins decides, on every request, whether a session's user may still
// use the pages of its workspace (a *bot.Bot: see bot.Bot.WebAdmin).
type Admins interface {
	WebAdmin(sp core.Space, user string, platformAdmin bool) bool
}
