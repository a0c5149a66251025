package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/web"
	"github.com/studybot/studybot/bot/web/webtest"
	"github.com/studybot/studybot/questions"
)

// botPages are the real pages over the harness's bot, as cmd/studybot
// mounts them.
func botPages(t testing.TB) func(b *bot.Bot) http.Handler {
	return func(b *bot.Bot) http.Handler {
		p, err := web.NewBotPages(b, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
}

var leftRE = regexp.MustCompile(`\d+`)

// reviewLeft returns how many questions /studybot review says are left
// for the admin (the number in its title).
func (s *site) reviewLeft(t testing.TB) int {
	t.Helper()
	r := s.h.Command(admin, channel, true, "studybot", "review")
	n, err := strconv.Atoi(leftRE.FindString(r.Messages[0].Title))
	if err != nil {
		t.Fatalf("/studybot review title %q: %v", r.Messages[0].Title, err)
	}
	return n
}

// decided returns the review file's last verdict per question.
func (s *site) decided(t testing.TB) map[string]questions.Decision {
	t.Helper()
	out := map[string]questions.Decision{}
	for _, d := range s.review.decisions(t) {
		out[d.ID] = d
	}
	return out
}

// scripts returns the src of every script element of the page: only the
// pages' own key script may be there.
func scripts(b *webtest.Browser) []string {
	var out []string
	for i := range b.Count("script") {
		out = append(out, b.Attr("script", i, "src"))
	}
	return out
}

// noInjectedMarkup fails when the page has an element that came from the
// hostile text: a script other than the key script, an img, or an
// element with an event handler.
func noInjectedMarkup(t *testing.T, b *webtest.Browser, where string) {
	t.Helper()
	if got := scripts(b); len(got) != 1 || !strings.HasSuffix(got[0], "/admin/assets/keys.js") {
		t.Errorf("%s: script elements %q, want only the key script", where, got)
	}
	if n := b.Count("main img, [onerror], [onload], [onclick]"); n != 0 {
		t.Errorf("%s: %d injected elements or handlers", where, n)
	}
}

// TestBrowserReview signs an admin in through /studybot web's link and
// reviews in Chromium: approves a draft with the a key, edits another in
// the form, rejects one with r, a reason and Enter, bulk-rejects three;
// each decision is in the review file on disk and in chat's /studybot
// review at once. Hostile text (a memo line with <script>, a refused
// edit, a flash from the address, a search) shows as text: no element
// comes of it and no dialog opens. Screenshots of the pages are kept
// under testdata/screenshots (-update).
func TestBrowserReview(t *testing.T) {
	s := newSite(t, botPages(t))
	s.seedAnswers(t)
	drafts := s.drafts(t)
	b := webtest.Start(t)

	// signed out: 403, and the link works once
	fresh := b.NewProfile()
	if st := fresh.Open(s.url + "/admin/"); st != http.StatusForbidden {
		t.Errorf("the bank without a session: status %d, want 403", st)
	}
	fresh.Screenshot("forbidden")
	link := s.signInLink(t)
	if st := b.Open(link); st != http.StatusOK {
		t.Fatalf("sign-in link: status %d", st)
	}
	if u := b.Location(); u != s.url+"/admin/" {
		t.Errorf("after sign-in the browser is at %s, want the bank page %s/admin/", u, s.url)
	}
	if n := b.Count("table.bank tbody tr"); n == 0 {
		t.Errorf("the bank page lists no question")
	}
	b.Screenshot("bank")
	if st := fresh.Open(link); st != http.StatusForbidden {
		t.Errorf("the link used a second time: status %d, want 403", st)
	}
	for _, path := range []string{"/admin/q/" + drafts[0], "/admin/bulk", "/admin/team"} {
		if st := fresh.Open(s.url + path); st != http.StatusForbidden {
			t.Errorf("%s without a session: status %d, want 403", path, st)
		}
	}

	// the question page: the memo line with <script> is text
	left := s.reviewLeft(t)
	b.Open(s.url + "/admin/q/" + drafts[0])
	if p := b.Text(".passage"); !strings.Contains(p, "CD(Continuous Delivery)") {
		t.Errorf("passage %q", p)
	}
	noInjectedMarkup(t, b, "question page")
	b.Screenshot("question")

	// approve with the key: the next undecided question opens
	b.Do("focus the page", webtest.BlurAll())
	b.KeyAndWait("a")
	if d := s.decided(t)[drafts[0]]; d.Verdict != questions.Approved {
		t.Errorf("review file after the a key: %+v", d)
	}
	if u, _ := url.Parse(b.Location()); u == nil || u.Path == "/admin/q/"+drafts[0] || !strings.HasPrefix(u.Path, "/admin/q/") {
		t.Errorf("after approving the browser is at %s, want the next question", u)
	}
	if n := s.reviewLeft(t); n != left-1 {
		t.Errorf("/studybot review: %d left after the approval, want %d", n, left-1)
	}

	// edit: type a new stem, save; every rule runs, the bank reloads
	b.Open(s.url + "/admin/q/" + drafts[1])
	stem := "架空のツールホテルは主に何に使いますか？"
	b.Type("#stem", stem)
	b.ClickAndWait("form.edit button[type=submit]")
	if d := s.decided(t)[drafts[1]]; d.Verdict != questions.Edited || d.Stem != stem {
		t.Errorf("review file after the edit: %+v", d)
	}
	if got := b.Text(".stem"); got != stem {
		t.Errorf("the question page after the edit shows %q", got)
	}
	if n := s.reviewLeft(t); n != left-2 {
		t.Errorf("/studybot review: %d left after the edit, want %d", n, left-2)
	}
	if r := s.h.Command(admin, channel, true, "studybot", "review"); strings.Contains(r.Messages[0].Body, drafts[1]) {
		t.Errorf("/studybot review offers the edited question again")
	}

	// an edit that fails a rule echoes the typed text as text
	hostile := "<script>alert(1)</script>架空のツールインディアは何に使いますか？"
	b.Open(s.url + "/admin/q/" + drafts[2])
	b.Type("#stem", hostile)
	b.ClickAndWait("form.edit button[type=submit]")
	if v := b.Value("#stem"); v != hostile {
		t.Errorf("the refused edit's stem field holds %q", v)
	}
	if n := b.Count(".err"); n == 0 {
		t.Errorf("the refused edit shows no error by field")
	}
	noInjectedMarkup(t, b, "refused edit")
	if _, ok := s.decided(t)[drafts[2]]; ok {
		t.Errorf("a refused edit reached the review file")
	}

	// reject by keyboard: r puts the cursor in the reason, Enter sends it
	b.Do("focus the page", webtest.BlurAll())
	b.Key("r")
	for _, k := range "wrong fact" {
		b.Key(string(k))
	}
	b.KeyAndWait("\r")
	if d := s.decided(t)[drafts[2]]; d.Verdict != questions.Rejected || d.Reason != "wrong fact" {
		t.Errorf("review file after r, the reason and Enter: %+v", d)
	}
	if n := s.reviewLeft(t); n != left-3 {
		t.Errorf("/studybot review: %d left after the rejection, want %d", n, left-3)
	}

	// markup in the address (the flash names the question it decided on)
	// shows as text
	b.Open(s.url + "/admin/q/" + drafts[2] + "?did=approved&where=file&id=" + url.QueryEscape("<script>alert(1)</script>"))
	if f := b.Text(".flash"); !strings.Contains(f, "<script>alert(1)</script>") {
		t.Errorf("flash %q: the id is not shown as text", f)
	}
	noInjectedMarkup(t, b, "flash")

	// a search for markup shows it as text
	b.Open(s.url + "/admin/?q=" + url.QueryEscape("<script>alert(1)</script>"))
	if txt := b.Text("main"); !strings.Contains(txt, "<script>alert(1)</script>") {
		t.Errorf("the search text is not shown as text")
	}
	noInjectedMarkup(t, b, "search")

	// bulk: tick three drafts, give a reason, reject
	b.Open(s.url + "/admin/bulk?type=drafted")
	for _, id := range drafts[3:6] {
		b.Click(`input[name="id"][value="` + id + `"]`)
	}
	b.Type(`form.bulk input[name="reason"]`, "made up")
	b.Screenshot("bulk")
	b.ClickAndWait(`button[name="verdict"][value="rejected"]`)
	got := s.decided(t)
	for _, id := range drafts[3:6] {
		if d := got[id]; d.Verdict != questions.Rejected || d.Reason != "made up" {
			t.Errorf("review file after the bulk rejection: %s %+v", id, d)
		}
	}
	if n := s.reviewLeft(t); n != left-6 {
		t.Errorf("/studybot review: %d left after the bulk rejection, want %d", n, left-6)
	}

	// a "choose two" question: a checkbox per option, its two answers
	// checked; one checked is refused, two are saved with choose 2
	var multi *questions.Question
	for _, q := range s.h.Bot.Bank().Top(0) {
		if q.Multi() {
			multi = q
		}
	}
	if multi == nil {
		t.Fatal("the bank has no multi-answer question")
	}
	b.Open(s.url + "/admin/q/" + multi.ID)
	if n, on := b.Count(`form.edit input[type="checkbox"][name="answers"]`), b.Count(`form.edit input[name="answers"]:checked`); n != 6 || on != 2 {
		t.Errorf("multi-answer edit form: %d checkboxes, %d checked; want 6 and 2", n, on)
	}
	b.Screenshot("question-multi")
	b.Click("#answer1")
	b.ClickAndWait(`form.edit button[type="submit"]`)
	if txt := b.Text("form.edit"); !strings.Contains(txt, "正解は 2 つか 3 つチェックしてください（いまは 1 つ）") {
		t.Errorf("one answer checked: the form says %q", txt)
	}
	if _, ok := s.decided(t)[multi.ID]; ok {
		t.Errorf("a refused multi-answer edit was recorded")
	}
	b.Click("#answer1")
	b.ClickAndWait(`form.edit button[type="submit"]`)
	if d := s.decided(t)[multi.ID]; d.Verdict != questions.Edited || d.Choose != 2 || len(d.Answers) != 2 || d.Answers[0] != 0 || d.Answers[1] != 1 {
		t.Errorf("review file after the multi-answer edit: %+v", d)
	}

	b.Open(s.url + "/admin/team")
	b.Screenshot("team")

	if d := b.Dialogs(); len(d) != 0 {
		t.Errorf("the pages opened dialogs: %q", d)
	}
}
