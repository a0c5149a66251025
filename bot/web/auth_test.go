package web_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/web"
	"github.com/studybot/studybot/store"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// route is a page path or action the pages answer (Pages' routes, see
// pages.go).
type route struct{ method, path string }

// routes are every page and action the pages serve, and sign-out.
var routes = []route{
	{"GET", "/admin/"}, {"GET", "/admin/?sort=share&status=draft"}, {"GET", "/admin/q/03e53e7ca1"},
	{"GET", "/admin/next?after=03e53e7ca1"}, {"GET", "/admin/bulk"}, {"GET", "/admin/team"},
	{"GET", "/admin/team/chart.png"},
	{"POST", "/admin/q/03e53e7ca1/approve"}, {"POST", "/admin/q/03e53e7ca1/reject"}, {"POST", "/admin/q/03e53e7ca1/edit"},
	{"POST", "/admin/bulk"}, {"POST", web.LogoutPath},
}

// fakePages is the inner pages handler: it records who reached it and,
// for a change, changes the store (a request key), so a refused change
// can be seen to have changed nothing.
type fakePages struct {
	db   *store.DB
	mu   sync.Mutex
	hits []string
}

func (p *fakePages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s, ok := web.SessionFrom(r.Context())
	if !ok {
		http.Error(w, "no session in context", http.StatusInternalServerError)
		return
	}
	p.mu.Lock()
	p.hits = append(p.hits, r.Method+" "+r.URL.Path)
	p.mu.Unlock()
	if r.Method == http.MethodPost {
		if _, err := p.db.FirstRequest("change "+r.URL.Path, time.Hour); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	fmt.Fprintf(w, "signed in as %s in %s (%s) csrf=%s", s.User, s.Space, s.Lang, s.CSRF)
}

func (p *fakePages) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.hits)
}

// lazyLinks lets the bot's config name the minter before the harness
// opened the store it mints into.
type lazyLinks struct{ l *web.Links }

func (z *lazyLinks) MintLink(sp core.Space, user, lang string, admin bool) (bot.WebLink, error) {
	return z.l.MintLink(sp, user, lang, admin)
}

type authFixture struct {
	h     *bottest.Harness
	links *web.Links
	pages *fakePages
	srv   http.Handler
}

func newAuthFixture(t *testing.T, publicURL string) *authFixture {
	t.Helper()
	z := &lazyLinks{}
	h := bottest.New(t, t0, bot.Config{Lang: "en", Admins: []string{"carol"}, WebLinks: z})
	base, local := publicURL, false
	if base == "" {
		base, local = "http://127.0.0.1:8080", true
	}
	links, err := web.NewLinks(h.DB, base, local, h.Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	z.l = links
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	f := &authFixture{h: h, links: links, pages: &fakePages{db: h.DB}}
	f.srv, err = web.New(web.Options{Store: h.DB, Admins: h.Bot, Pages: f.pages, PublicURL: publicURL, Lang: "en", Now: h.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// do serves one request; cookie and header values may be empty.
func (f *authFixture) do(method, target, cookie string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: web.CookieName, Value: cookie})
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// signIn mints a link for user and opens it; it returns the cookie's
// value and the page's CSRF token.
func (f *authFixture) signIn(t *testing.T, user string, platformAdmin bool) (cookie, csrf string) {
	t.Helper()
	l, err := f.links.MintLink(f.h.Space, user, "en", platformAdmin)
	if err != nil {
		t.Fatal(err)
	}
	w := f.do("GET", pathOf(t, l.URL), "", nil, nil)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", w.Code, w.Body)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == web.CookieName {
			cookie = c.Value
		}
	}
	w = f.do("GET", "/admin/", cookie, nil, nil)
	_, csrf, _ = strings.Cut(w.Body.String(), "csrf=")
	if w.Code != http.StatusOK || csrf == "" {
		t.Fatalf("page after sign in: %d %s", w.Code, w.Body)
	}
	return cookie, csrf
}

func pathOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// snapshot is what a refused request must leave as it was.
type snapshot struct {
	logins, sessions, pages int
}

func (f *authFixture) snapshot(t *testing.T) snapshot {
	t.Helper()
	l, s, err := f.h.DB.WebEntries()
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{logins: l, sessions: s, pages: f.pages.count()}
}

// TestRefused: every page and action, and sign-out, is refused with 403
// and changes nothing — no session, a forged cookie, an expired session, a
// session of a workspace this bot does not serve or of a user no longer an
// admin, a change without or with a wrong CSRF token or from another
// origin.
func TestRefused(t *testing.T) {
	f := newAuthFixture(t, "")
	good, csrf := f.signIn(t, "alice", true)
	expired, expiredCSRF := f.signIn(t, "alice", true)
	// a session of another workspace: one the store does not know, one on
	// a platform this bot does not serve
	put := func(id string, s store.WebSession) {
		s.CSRF, s.Expires = "tok-"+id, t0.Add(time.Hour)
		if err := f.h.DB.PutSession(id, s, t0); err != nil {
			t.Fatal(err)
		}
	}
	put("otherspace", store.WebSession{Space: store.SpaceRef{Platform: "test", ID: "elsewhere"}, User: "alice", PlatformAdmin: true})
	put("otherplatform", store.WebSession{Space: store.SpaceRef{Platform: store.Discord, ID: "G1"}, User: "alice", PlatformAdmin: true})
	put("notadmin", store.WebSession{Space: f.h.Space, User: "dave"})
	f.h.Clock.Add(time.Minute)

	type tc struct {
		name   string
		cookie string
		csrf   string
		header map[string]string
		post   bool // only for changes
	}
	cases := []tc{
		{name: "no session"},
		{name: "forged cookie", cookie: "Zm9yZ2VkLWNvb2tpZS12YWx1ZS1vZi0zMi1ieXRlcy14eA", csrf: csrf},
		{name: "another workspace", cookie: "otherspace", csrf: "tok-otherspace"},
		{name: "a platform not served", cookie: "otherplatform", csrf: "tok-otherplatform"},
		{name: "no longer an admin", cookie: "notadmin", csrf: "tok-notadmin"},
		{name: "no csrf token", cookie: good, post: true},
		{name: "wrong csrf token", cookie: good, csrf: csrf + "x", post: true},
		{name: "another session's csrf token", cookie: good, csrf: expiredCSRF, post: true},
		{name: "wrong csrf header", cookie: good, header: map[string]string{web.CSRFHeader: "nope"}, post: true},
		{name: "cross-origin", cookie: good, csrf: csrf, header: map[string]string{"Origin": "https://evil.example"}, post: true},
		{name: "cross-site referer", cookie: good, csrf: csrf, header: map[string]string{"Referer": "https://evil.example/x"}, post: true},
	}
	run := func(c tc) {
		for _, rt := range routes {
			if c.post && rt.method != "POST" {
				continue
			}
			before := f.snapshot(t)
			var form url.Values
			if rt.method == "POST" {
				form = url.Values{"reason": {"bad"}}
				if c.csrf != "" {
					form.Set(web.CSRFField, c.csrf)
				}
			}
			w := f.do(rt.method, rt.path, c.cookie, form, c.header)
			if w.Code != http.StatusForbidden {
				t.Errorf("%s: %s %s = %d, want 403", c.name, rt.method, rt.path, w.Code)
			}
			checkHeaders(t, c.name, w)
			if body := w.Body.String(); !strings.Contains(body, "cannot be opened") || strings.Contains(body, "csrf") {
				t.Errorf("%s: %s %s: refusal page %q", c.name, rt.method, rt.path, body)
			}
			if after := f.snapshot(t); after != before {
				t.Errorf("%s: %s %s changed %+v to %+v", c.name, rt.method, rt.path, before, after)
			}
		}
	}
	for _, c := range cases {
		run(c)
	}
	// nothing reached the pages' changes
	if first, err := f.h.DB.FirstRequest("change /admin/bulk", time.Hour); err != nil || !first {
		t.Errorf("a refused change reached the store (%v, %v)", first, err)
	}
	// expired: the clock passes the session's 12 hours
	f.h.Clock.Add(web.SessionTTL)
	run(tc{name: "expired session", cookie: expired, csrf: expiredCSRF})
	if f.pages.count() != 2 {
		t.Errorf("pages reached %d times, want 2 (the sign-ins)", f.pages.count())
	}
}

// TestRefusedLinks: a reused, expired, unknown or empty link, a link
// opened with HEAD or by a link-preview robot or with POST, and the link of
// a user who is not an admin get 403 and no cookie; a preview leaves the
// link usable.
func TestRefusedLinks(t *testing.T) {
	f := newAuthFixture(t, "")
	mint := func(user string, admin bool) string {
		l, err := f.links.MintLink(f.h.Space, user, "en", admin)
		if err != nil {
			t.Fatal(err)
		}
		return pathOf(t, l.URL)
	}
	used := mint("alice", true)
	if w := f.do("GET", used, "", nil, nil); w.Code != http.StatusSeeOther {
		t.Fatalf("first open: %d", w.Code)
	}
	expired := mint("alice", true)
	f.h.Clock.Add(bot.WebLinkTTL)
	head := mint("alice", true)
	for _, c := range []struct{ name, method, path string }{
		{"reused", "GET", used},
		{"expired", "GET", expired},
		{"unknown", "GET", web.LoginPath + "?t=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		{"empty", "GET", web.LoginPath},
		{"HEAD", "HEAD", head},
		{"preview robot", "GET", head + "&ua=Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"},
		{"POST", "POST", mint("alice", true)},
		{"not an admin", "GET", mint("bob", false)},
	} {
		before := f.snapshot(t)
		p, ua, _ := strings.Cut(c.path, "&ua=")
		w := f.do(c.method, p, "", nil, map[string]string{"User-Agent": ua})
		if w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
			t.Errorf("%s link: %d, cookies %v; want 403 and none", c.name, w.Code, w.Result().Cookies())
		}
		checkHeaders(t, c.name, w)
		if after := f.snapshot(t); after.sessions != before.sessions || after.pages != before.pages {
			t.Errorf("%s link changed %+v to %+v", c.name, before, after)
		}
	}
	if w := f.do("GET", head, "", nil, nil); w.Code != http.StatusSeeOther {
		t.Errorf("link after a HEAD: %d, want 303", w.Code)
	}
}

// TestSignInFlow: mint, open (cookie flags, 303 to /admin/ without the
// token), the page with the session, a change with the token (form field
// and header), sign-out, and then refused.
func TestSignInFlow(t *testing.T) {
	for _, c := range []struct {
		name, public string
		secure       bool
	}{{"listen address", "", false}, {"https public URL", "https://studybot.example.com", true}} {
		t.Run(c.name, func(t *testing.T) {
			f := newAuthFixture(t, c.public)
			r := f.h.Command("carol", "general", false, "studybot", "web") // an admin by the config
			if len(r.Messages) != 1 || !r.Private {
				t.Fatalf("reply: %+v", r)
			}
			m := r.Messages[0]
			i := strings.Index(m.Body, "http")
			if i < 0 {
				t.Fatalf("no link in %q", m.Body)
			}
			link := strings.TrimSpace(m.Body[i:])
			want := c.public
			if want == "" {
				want = "http://127.0.0.1:8080"
			}
			if !strings.HasPrefix(link, want+web.LoginPath+"?t=") || len(link) != len(want+web.LoginPath+"?t=")+43 {
				t.Errorf("link %q", link)
			}
			if (m.Context != "") != (c.public == "") {
				t.Errorf("local-address note %q with public URL %q", m.Context, c.public)
			}
			w := f.do("GET", pathOf(t, link), "", nil, nil)
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/" {
				t.Fatalf("open: %d → %q", w.Code, w.Header().Get("Location"))
			}
			checkHeaders(t, "sign-in", w)
			cs := w.Result().Cookies()
			if len(cs) != 1 {
				t.Fatalf("cookies %v", cs)
			}
			ck := cs[0]
			if ck.Name != web.CookieName || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/admin/" ||
				ck.Secure != c.secure || ck.MaxAge != int(web.SessionTTL/time.Second) || len(ck.Value) != 43 {
				t.Errorf("cookie %+v", ck)
			}
			w = f.do("GET", "/admin/", ck.Value, nil, nil)
			body := w.Body.String()
			if w.Code != 200 || !strings.Contains(body, "signed in as carol in test:team (en)") {
				t.Fatalf("page: %d %s", w.Code, body)
			}
			checkHeaders(t, "page", w)
			_, csrf, _ := strings.Cut(body, "csrf=")
			form := url.Values{web.CSRFField: {csrf}}
			if w := f.do("POST", "/admin/q/x/approve", ck.Value, form, map[string]string{"Origin": "http://example.com"}); w.Code != 200 {
				t.Errorf("POST with the token (form): %d %s", w.Code, w.Body)
			}
			if w := f.do("POST", "/admin/bulk", ck.Value, url.Values{}, map[string]string{web.CSRFHeader: csrf}); w.Code != 200 {
				t.Errorf("POST with the token (header): %d %s", w.Code, w.Body)
			}
			if first, _ := f.h.DB.FirstRequest("change /admin/bulk", time.Hour); first {
				t.Error("the accepted change did not reach the pages")
			}
			w = f.do("POST", web.LogoutPath, ck.Value, form, nil)
			if w.Code != 200 || !strings.Contains(w.Body.String(), "signed out") {
				t.Errorf("logout: %d %s", w.Code, w.Body)
			}
			if cs := w.Result().Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
				t.Errorf("logout cookies %v", cs)
			}
			if _, err := f.h.DB.GetSession(ck.Value, f.h.Clock.Now()); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("session after logout: %v", err)
			}
			if w := f.do("GET", "/admin/", ck.Value, nil, nil); w.Code != http.StatusForbidden {
				t.Errorf("page after logout: %d", w.Code)
			}
		})
	}
}

// TestWebCommand: /studybot web answers an admin privately with a link
// that works, refuses a non-admin and mints nothing for them, and says
// the pages are off without a minter.
func TestWebCommand(t *testing.T) {
	f := newAuthFixture(t, "")
	r := f.h.Command("bob", "general", false, "studybot", "web")
	if !r.Private || len(r.Messages) != 1 || r.Messages[0].Kind != bot.KindError || strings.Contains(r.Messages[0].Body, "http") {
		t.Errorf("non-admin: %+v", r)
	}
	if n, _, _ := f.h.DB.WebEntries(); n != 0 {
		t.Errorf("%d links minted for a non-admin", n)
	}
	r = f.h.Command("alice", "general", true, "studybot", "web")
	if !r.Private || len(r.Messages) != 1 || r.Messages[0].Kind == bot.KindError {
		t.Fatalf("admin: %+v", r)
	}
	link := r.Messages[0].Body[strings.Index(r.Messages[0].Body, "http"):]
	if w := f.do("GET", pathOf(t, link), "", nil, nil); w.Code != http.StatusSeeOther {
		t.Errorf("admin's link: %d", w.Code)
	}
	off := bottest.New(t, t0, bot.Config{Lang: "en"})
	r = off.Command("alice", "general", true, "studybot", "web")
	if !r.Private || !strings.Contains(r.Messages[0].Body, "not enabled") {
		t.Errorf("without a minter: %+v", r)
	}
}

// checkHeaders: the security headers are on every response.
func checkHeaders(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	h := w.Header()
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s: CSP %q", what, csp)
	}
	for k, v := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
		if h.Get(k) != v {
			t.Errorf("%s: %s = %q, want %q", what, k, h.Get(k), v)
		}
	}
}

// TestLinkOpenedConcurrently: a link opened by many browsers at once
// signs in exactly one.
func TestLinkOpenedConcurrently(t *testing.T) {
	f := newAuthFixture(t, "")
	l, err := f.links.MintLink(f.h.Space, "alice", "en", true)
	if err != nil {
		t.Fatal(err)
	}
	p := pathOf(t, l.URL)
	codes := make(chan int, 12)
	var wg sync.WaitGroup
	for range cap(codes) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- f.do("GET", p, "", nil, nil).Code
		}()
	}
	wg.Wait()
	close(codes)
	n := map[int]int{}
	for c := range codes {
		n[c]++
	}
	if n[http.StatusSeeOther] != 1 || n[http.StatusForbidden] != cap(codes)-1 {
		t.Errorf("codes %v, want one 303 and the rest 403", n)
	}
	if _, s, _ := f.h.DB.WebEntries(); s != 1 {
		t.Errorf("%d sessions, want 1", s)
	}
}

// TestAssetsServedSignedOut: the embedded stylesheet and script are served
// without a session (the refusal page links the stylesheet), with the
// security headers; nothing else under the assets path is — not a
// directory, a path climbing out, another method or a page — and none of
// it reaches the pages.
func TestAssetsServedSignedOut(t *testing.T) {
	f := newAuthFixture(t, "")
	for _, tc := range []struct{ path, ctype, has string }{
		{"/admin/assets/style.css", "text/css", "studybot admin pages"},
		{"/admin/assets/keys.js", "javascript", "keyboard shortcuts"},
	} {
		w := f.do("GET", tc.path, "", nil, nil)
		if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Type"), tc.ctype) || !strings.Contains(w.Body.String(), tc.has) {
			t.Errorf("GET %s signed out: %d %s", tc.path, w.Code, w.Header().Get("Content-Type"))
		}
		if w.Header().Get("Content-Security-Policy") != web.ContentSecurityPolicy || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: security headers missing", tc.path)
		}
	}
	before := f.snapshot(t)
	for _, r := range []route{
		{"GET", "/admin/assets/"}, {"GET", "/admin/assets"}, {"GET", "/admin/assets/nope.css"},
		{"GET", "/admin/assets/../q/03e53e7ca1"}, {"GET", "/admin/assets/%2e%2e/team"}, {"GET", "/admin/assets/./style.css"},
		{"GET", "/admin/assets//style.css"}, {"POST", "/admin/assets/style.css"}, {"GET", "/admin/"}, {"GET", "/admin/team"},
	} {
		w := f.do(r.method, r.path, "", url.Values{}, nil)
		if r.method == "GET" {
			w = f.do(r.method, r.path, "", nil, nil)
		}
		if w.Code != http.StatusForbidden {
			t.Errorf("%s %s signed out: %d, want 403", r.method, r.path, w.Code)
		}
	}
	if got := f.snapshot(t); got != before {
		t.Errorf("refused requests changed %+v to %+v", before, got)
	}
	// the refusal page itself links the stylesheet
	if body := f.do("GET", "/admin/", "", nil, nil).Body.String(); !strings.Contains(body, `<link rel="stylesheet" href="/admin/assets/style.css">`) {
		t.Errorf("the refusal page has no stylesheet:\n%s", body)
	}
}
