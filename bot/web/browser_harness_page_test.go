package web_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/studybot/studybot/bot/web/webtest"
)

// harnessPage is a test-only page that proves the harness before it
// drives the real pages: escaped text, a form to type into, a key that
// submits, a page that opens an alert, a 403.
var harnessPage = template.Must(template.New("p").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>harness</title></head><body>
<h1 id="h">ハーネス</h1>
<p id="memo">{{.Memo}}</p>
<p id="got">{{.Got}}</p>
<form id="f" method="post" action="/"><input id="stem" name="stem" value="{{.Got}}"><button id="save">save</button></form>
<script>
document.addEventListener('keydown', function (e) {
  if (e.target.tagName !== 'INPUT' && e.key === 'a') { document.getElementById('stem').value = 'by key'; document.getElementById('f').submit(); }
});
</script>
</body></html>`))

// TestBrowserHarness: the harness starts Chromium, reads escaped text,
// types into a form and submits it with a click and with a key, sees the
// status of a 403, notices an alert (so that "no dialog opened" means
// something), counts the actions and takes a screenshot.
func TestBrowserHarness(t *testing.T) {
	var mu sync.Mutex
	got := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/forbidden":
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		case "/alert":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<!doctype html><p>x</p><script>alert("from the page")</script>`))
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodPost {
			got = r.FormValue("stem")
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		harnessPage.Execute(w, map[string]string{"Memo": "メモ <script>alert(1)</script>", "Got": got})
	}))
	defer srv.Close()

	b := webtest.Start(t)
	if st := b.Open(srv.URL + "/"); st != 200 {
		t.Fatalf("status %d", st)
	}
	if s := b.Text("#memo"); s != "メモ <script>alert(1)</script>" {
		t.Errorf("memo text %q", s)
	}
	if n := b.Count("#memo script"); n != 0 {
		t.Errorf("the memo line became %d script elements", n)
	}
	b.Type("#stem", "edited")
	b.ClickAndWait("#save")
	if s := b.Text("#got"); s != "edited" {
		t.Errorf("after the form: %q", s)
	}
	b.Do("focus the page", webtest.BlurAll())
	b.KeyAndWait("a")
	if s := b.Text("#got"); s != "by key" {
		t.Errorf("after the key: %q", s)
	}
	if keys, clicks := b.Actions(); keys != len("edited")+1 || clicks != 2 {
		t.Errorf("counted %d keys and %d clicks", keys, clicks)
	}
	if d := b.Dialogs(); len(d) != 0 {
		t.Errorf("dialogs: %q", d)
	}
	b.Screenshot("harness")

	if st := b.Open(srv.URL + "/forbidden"); st != http.StatusForbidden {
		t.Errorf("status %d, want 403", st)
	}
	b.Open(srv.URL + "/alert")
	b.WaitFor("the alert", func() bool { return len(b.Dialogs()) == 1 })
	if d := b.Dialogs(); !strings.Contains(d[0], "from the page") {
		t.Errorf("dialog %q", d)
	}
}
