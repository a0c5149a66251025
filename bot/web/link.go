package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/store"
)

// LoginPath is where a sign-in link points; its token is the query
// parameter "t".
const LoginPath = "/admin/login"

// Links mints one-time sign-in links (it is the bot.WebLinks that
// /studybot web uses). Only the token's SHA-256 reaches the store.
type Links struct {
	store Store
	base  string
	local bool
	now   func() time.Time
}

// NewLinks returns a minter of links under base, the URL the admins' browsers
// reach the bot at ("https://studybot.example.com"). local says that base
// is only the listen address (no public URL is configured), which the
// reply to /studybot web then mentions. now is the clock (time.Now when
// nil). It returns an error for a base that is not an http(s) URL.
func NewLinks(st Store, base string, local bool, now func() time.Time) (*Links, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("web: base URL %q: want http(s)://host[:port]", base)
	}
	if now == nil {
		now = time.Now
	}
	return &Links{store: st, base: strings.TrimRight(base, "/"), local: local, now: now}, nil
}

// MintLink keeps a new link for user in sp, valid bot.WebLinkTTL, and
// returns it. lang is the language of the place it was asked in (the
// session's pages use it); platformAdmin records that the platform made
// the user an admin.
func (l *Links) MintLink(sp core.Space, user, lang string, platformAdmin bool) (bot.WebLink, error) {
	tok, err := randomToken()
	if err != nil {
		return bot.WebLink{}, err
	}
	now := l.now()
	exp := now.Add(bot.WebLinkTTL)
	if err := l.store.MintLogin(tok, store.WebLogin{Space: sp, User: user, Lang: lang, PlatformAdmin: platformAdmin, Expires: exp}, now); err != nil {
		return bot.WebLink{}, fmt.Errorf("web: mint link: %w", err)
	}
	return bot.WebLink{URL: l.base + LoginPath + "?t=" + tok, Expires: exp, Local: l.local}, nil
}

// randomToken returns 32 random bytes, base64url without padding.
func randomToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("web: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// previewAgents are the User-Agent marks of the robots chat platforms and
// messengers send to preview a link; a link they open stays unused.
var previewAgents = []string{"slackbot", "slack-imgproxy", "discordbot", "twitterbot", "facebookexternalhit",
	"linkedinbot", "whatsapp", "telegrambot", "skypeuripreview", "microsoftpreview", "googlebot", "bingbot"}

// previewAgent reports whether ua is a link-preview robot's.
func previewAgent(ua string) bool {
	ua = strings.ToLower(ua)
	for _, a := range previewAgents {
		if strings.Contains(ua, a) {
			return true
		}
	}
	return false
}
