package main

import (
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/console"
	"github.com/studybot/studybot/bot/web"
	"github.com/studybot/studybot/store"
)

// newWebPages returns the web pages' handler, served signed in under
// /admin/ (the session is web.SessionFrom(r.Context())). For now it is a
// placeholder page; the pages of issue 23 replace it here.
func newWebPages(b *bot.Bot, db *store.DB, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := web.SessionFrom(r.Context())
		if !ok {
			http.Error(w, "no session", http.StatusInternalServerError)
			return
		}
		if r.URL.Path != web.Prefix {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		placeholderPage.Execute(w, struct {
			*web.Session
			Logout string
		}{s, web.LogoutPath})
	})
}

var placeholderPage = template.Must(template.New("p").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>studybot</title></head>
<body><p>signed in as {{.User}} in workspace {{.Space}}</p>
<form method="post" action="{{.Logout}}"><input type="hidden" name="csrf" value="{{.CSRF}}"><button>sign out</button></form>
</body></html>
`))

// webLinks mints the sign-in links of /studybot web once the listener's
// address, the links' default base, is known (set by server.listen).
type webLinks struct {
	mu    sync.Mutex
	links *web.Links
}

// MintLink implements bot.WebLinks.
func (w *webLinks) MintLink(sp bot.Space, user, lang string, platformAdmin bool) (bot.WebLink, error) {
	w.mu.Lock()
	l := w.links
	w.mu.Unlock()
	if l == nil {
		return bot.WebLink{}, fmt.Errorf("web: the listener is not open yet")
	}
	return l.MintLink(sp, user, lang, platformAdmin)
}

// open starts minting links under the public URL, or else http:// and
// the listener's address addr.
func (w *webLinks) open(db *store.DB, publicURL string, addr net.Addr, now func() time.Time) error {
	base, local := publicURL, false
	if base == "" {
		base, local = "http://"+browserAddr(addr), true
	}
	l, err := web.NewLinks(db, base, local, now)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.links = l
	w.mu.Unlock()
	return nil
}

// browserAddr is addr as a browser on this machine reaches it: an
// unspecified host ("[::]:8080") becomes localhost.
func browserAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// withWeb gives the bot a minter of sign-in links when the config has an
// --http listener (the pages need one), and returns it (nil without).
func withWeb(cfg Config, bc *bot.Config) *webLinks {
	if cfg.HTTP == "" {
		return nil
	}
	wl := &webLinks{}
	bc.WebLinks = wl
	return wl
}

// serveWeb serves the web pages under /admin/ behind the sign-in, with
// their bodies read through the gate like the webhooks', and lets listen
// open wl (a no-op when wl is nil: no --http).
func (s *server) serveWeb(wl *webLinks) error {
	if wl == nil {
		return nil
	}
	s.web = wl
	h, err := web.New(web.Options{Store: s.db, Admins: s.bot, Pages: newWebPages(s.bot, s.db, s.log), PublicURL: s.cfg.PublicURL,
		Lang: s.cfg.Lang, Now: s.now, Log: s.log})
	if err != nil {
		return err
	}
	s.mountWebhook(web.Prefix, h)
	return nil
}

// consoleWebLink prints a sign-in link for the console's user (an admin,
// like every console user) when the console has --http.
func consoleWebLink(out io.Writer, wl *webLinks, sp store.SpaceRef, user, lang string, b *bot.Bot) {
	if lang == "" {
		lang = bot.DefaultLang
	}
	if _, err := b.EnsureChannel(sp, console.Channel); err != nil { // the space, as the console's start would
		fmt.Fprintf(out, "web: no sign-in link: %v\n", err)
		return
	}
	l, err := wl.MintLink(sp, user, lang, true)
	if err != nil {
		fmt.Fprintf(out, "web: no sign-in link: %v\n", err)
		return
	}
	fmt.Fprintf(out, "web: sign in as %s at %s (works once, for %d minutes; /studybot web for another)\n", user, l.URL, int(bot.WebLinkTTL/time.Minute))
}
