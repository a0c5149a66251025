package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/studybot/studybot/bot/web/webtest"

	"github.com/studybot/studybot/bot"
)

// placeholderPages stands in for the pages until they exist: it shows
// who is signed in.
func placeholderPages(b *bot.Bot) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>bank</title><h1 id="page">bank</h1>`))
	})
}

// TestBrowserSignIn: an admin opens the link /studybot web gave and lands
// on the pages, signed in; the same link a second time, and the pages in
// a browser without the cookie, get 403.
func TestBrowserSignIn(t *testing.T) {
	s := newSite(t, placeholderPages)
	link := s.signInLink(t)

	b := webtest.Start(t)
	fresh := b.NewProfile()
	if st := fresh.Open(s.url + "/admin/"); st != http.StatusForbidden {
		t.Errorf("the pages without a session: status %d, want 403", st)
	}
	fresh.Screenshot("forbidden")

	if st := b.Open(link); st != http.StatusOK {
		t.Fatalf("sign-in link: status %d", st)
	}
	if u := b.Location(); !strings.HasSuffix(u, "/admin/") {
		t.Errorf("after sign-in the browser is at %s, want the bank page /admin/", u)
	}
	if got := b.Text("h1"); got != "bank" {
		t.Errorf("after sign-in: %q", got)
	}
	if st := fresh.Open(link); st != http.StatusForbidden {
		t.Errorf("the link used a second time: status %d, want 403", st)
	}
}
