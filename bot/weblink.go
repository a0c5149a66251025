package bot

import (
	"context"
	"time"

	"github.com/studybot/studybot/bot/render"
	"github.com/studybot/studybot/store"
)

// WebLinkTTL is how long a sign-in link to the web pages works.
const WebLinkTTL = 10 * time.Minute

// WebLink is a one-time sign-in link to the web pages.
type WebLink struct {
	// URL is the link to open (<base>/admin/login?t=<token>).
	URL string
	// Expires is when it stops working.
	Expires time.Time
	// Local reports that no public URL is configured: the link uses the
	// listen address and may open only on the bot's machine.
	Local bool
}

// WebLinks mints one-time sign-in links to the web pages (bot/web's Links
// implements it). platformAdmin records that the platform, not the
// config, made the user an admin.
type WebLinks interface {
	MintLink(sp Space, user, lang string, platformAdmin bool) (WebLink, error)
}

// adminWeb answers /studybot web: a sign-in link, privately, to the admin
// who asked (cmdAdmin refused everyone else).
func (b *Bot) adminWeb(_ context.Context, c Command, _ []string, _ store.Channel, lang string) Response {
	if b.cfg.WebLinks == nil {
		return render.Private(Message{Kind: KindError, Body: T(lang, "web.off")})
	}
	l, err := b.cfg.WebLinks.MintLink(c.Space, c.User, lang, c.Admin)
	if err != nil {
		return b.internalError(lang, "web link", err)
	}
	m := Message{Body: T(lang, "web.link", int(WebLinkTTL/time.Minute), l.URL)}
	if l.Local {
		m.Context = T(lang, "web.local")
	}
	return render.Private(m)
}

// WebAdmin reports whether user may still use the web pages of sp, which
// the web server asks on every request: this bot serves sp (its platform
// is registered and the space is in the store), and the user is an admin,
// named in Config.Admins or, when platformAdmin, as the platform said
// when the link was minted (the session's 12 hours bound how long that
// word is trusted without asking the platform again).
func (b *Bot) WebAdmin(sp Space, user string, platformAdmin bool) bool {
	if _, err := b.core.Platform(sp.Platform); err != nil {
		return false
	}
	if _, err := b.db.GetSpace(sp); err != nil {
		return false
	}
	return b.isAdmin(Command{Space: sp, User: user, Admin: platformAdmin})
}
