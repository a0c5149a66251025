package web_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/web"
	"github.com/studybot/studybot/questions"
)

// authoredQ returns the bank's first hand-written question that is not a
// draft (draft true: the drafted one).
func authoredQ(t *testing.T, b *questions.Bank, draft bool) *questions.Question {
	t.Helper()
	for _, q := range b.Questions {
		if q.Type == questions.TypeAuthored && q.Draft == draft {
			return q
		}
	}
	t.Fatal("no authored question")
	return nil
}

// rowIDs returns the question IDs of the bank table's rows, in order.
func rowIDs(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<td class="id"><a href="/admin/q/([0-9a-f]+)">`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// chatShows returns the question /studybot review shows the admin next.
func (f *fixture) chatShows(t *testing.T) string {
	t.Helper()
	r := f.h.Command("adm", "general", true, "studybot", "review")
	return r.Messages[0].Body
}

func TestBankPageListsEveryQuestion(t *testing.T) {
	f := newFixture(t, bundledBank, "en", false)
	bank := f.h.Bot.Bank()
	body := f.get(t, "/admin/")
	ids := rowIDs(body)
	if len(ids) != len(bank.Questions) {
		t.Fatalf("%d rows, bank has %d", len(ids), len(bank.Questions))
	}
	for i, q := range bank.Top(0) {
		if ids[i] != q.ID {
			t.Fatalf("row %d is %s, want %s (draw order)", i, ids[i], q.ID)
		}
	}
	for _, want := range []string{"Question bank", "Confidence", "Discrimination", `name="q"`, "drafted (model)", "/admin/assets/style.css"} {
		if !strings.Contains(body, want) {
			t.Errorf("bank page lacks %q", want)
		}
	}
}

func TestBankFiltersSortAndSearch(t *testing.T) {
	f := newFixture(t, bundledBank, "en", false)
	bank := f.h.Bot.Bank()
	top := bank.Top(0)
	hard := top[3]
	// hard: posted twice, answered wrong by most; top[1] posted once
	f.answer(t, hard, monday.Add(-3*time.Hour), map[string]int{"ann": (hard.Answer + 1) % 4, "ben": hard.Answer, "cat": (hard.Answer + 2) % 4})
	f.answer(t, hard, monday.Add(-2*time.Hour), map[string]int{"dan": (hard.Answer + 1) % 4})
	f.answer(t, top[1], monday.Add(-1*time.Hour), map[string]int{"ann": top[1].Answer})
	if _, err := f.h.Bot.Decide(f.h.Space, "adm", top[0].ID, questions.Approved, ""); err != nil {
		t.Fatal(err)
	}
	drafted := authoredQ(t, bank, true)
	cfn := authoredQ(t, bank, false)
	countDomain := func(n int) int {
		c := 0
		for _, q := range bank.Questions {
			if q.Domain == n {
				c++
			}
		}
		return c
	}
	tests := []struct {
		name  string
		query string
		check func(ids []string) bool
	}{
		{"status approved", "status=approved", func(ids []string) bool { return len(ids) == 1 && ids[0] == top[0].ID }},
		{"status draft leaves the approved out", "status=draft", func(ids []string) bool {
			return len(ids) == len(bank.Questions)-1 && !contains(ids, top[0].ID)
		}},
		{"type drafted", "type=drafted", func(ids []string) bool { return len(ids) == 1 && ids[0] == drafted.ID }},
		{"type authored", "type=authored", func(ids []string) bool { return len(ids) == 1 && ids[0] == cfn.ID }},
		{"domain 2", "domain=2", func(ids []string) bool { return len(ids) == countDomain(2) && contains(ids, cfn.ID) }},
		{"sort by posts", "sort=posts", func(ids []string) bool { return ids[0] == hard.ID && ids[1] == top[1].ID }},
		{"sort by share correct", "sort=correct", func(ids []string) bool { return ids[0] == hard.ID && ids[1] == top[1].ID }},
		{"search the memo", "q=" + url.QueryEscape("cfn-hup"), func(ids []string) bool { return contains(ids, cfn.ID) && len(ids) < len(bank.Questions) }},
		{"search by ID", "q=" + hard.ID, func(ids []string) bool { return len(ids) == 1 && ids[0] == hard.ID }},
		{"a page of two", "n=2&page=2", func(ids []string) bool { return len(ids) == 2 && ids[0] == top[2].ID }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := rowIDs(f.get(t, "/admin/?"+tt.query))
			if !tt.check(ids) {
				t.Errorf("?%s: rows %v", tt.query, ids)
			}
		})
	}
	if body := f.get(t, "/admin/?n=2"); !strings.Contains(body, `href="/admin/?n=2&amp;page=2"`) {
		t.Errorf("no link to the next page")
	}
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestQuestionPageGolden(t *testing.T) {
	f := newFixture(t, bundledBank, "ja", false)
	q := authoredQ(t, f.h.Bot.Bank(), false)
	f.answer(t, q, monday.Add(-2*time.Hour), map[string]int{"ann": 0, "ben": 1, "cat": 0})
	body := f.get(t, "/admin/q/"+q.ID)
	golden(t, "question.golden.html", body)
	for _, want := range []string{q.Stem, `<li class="correct"><span class="letter">A</span> cfn-hup`, "<mark>", q.Source.Breadcrumb(),
		`<meter min="0" max="3" value="2">`, `id="next"`, `name="csrf" value="csrf-token-1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("question page lacks %q", want)
		}
	}
}

func TestEveryFormCarriesTheCSRFToken(t *testing.T) {
	f := newFixture(t, bundledBank, "en", false)
	q := f.h.Bot.Bank().Top(0)[0]
	form := regexp.MustCompile(`(?s)<form method="post".*?</form>`)
	for _, path := range []string{"/admin/q/" + q.ID, "/admin/bulk"} {
		forms := form.FindAllString(f.get(t, path), -1)
		if len(forms) == 0 {
			t.Fatalf("%s has no POST form", path)
		}
		for _, fm := range forms {
			if !strings.Contains(fm, `<input type="hidden" name="csrf" value="csrf-token-1">`) {
				t.Errorf("%s: a form without the CSRF token: %.200s", path, fm)
			}
		}
	}
}

func TestApproveAndRejectReachChatAndTheReviewFile(t *testing.T) {
	f := newFixture(t, bundledBank, "en", false)
	top := f.h.Bot.Bank().Top(0)
	q1, q2 := top[0], top[1]
	if !strings.Contains(f.chatShows(t), q1.ID) {
		t.Fatalf("chat does not show %s first", q1.ID)
	}
	loc := f.post(t, "/admin/q/"+q1.ID+"/approve", url.Values{})
	if d, ok := f.rec.entry(q1.ID); !ok || d.Verdict != questions.Approved {
		t.Fatalf("review file: %+v %v", d, ok)
	}
	if !strings.HasPrefix(loc, "/admin/q/"+q2.ID+"?") {
		t.Errorf("after approve went to %s, want the next undecided %s", loc, q2.ID)
	}
	if body := f.get(t, loc); !strings.Contains(body, "Approved "+q1.ID+" (saved to the review file).") {
		t.Errorf("no flash after approve")
	}
	if got := f.chatShows(t); strings.Contains(got, q1.ID) || !strings.Contains(got, q2.ID) {
		t.Errorf("/studybot review still shows the approved question: %s", got)
	}
	// a rejection without a reason changes nothing
	w := f.do(t, http.MethodPost, "/admin/q/"+q2.ID+"/reject", url.Values{"reason": {"  "}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "A rejection needs a reason.") {
		t.Fatalf("reject without reason: %d", w.Code)
	}
	if _, ok := f.rec.entry(q2.ID); ok {
		t.Fatal("a rejection without a reason was recorded")
	}
	f.post(t, "/admin/q/"+q2.ID+"/reject", url.Values{"reason": {"two options are right"}})
	if d, ok := f.rec.entry(q2.ID); !ok || d.Verdict != questions.Rejected || d.Reason != "two options are right" {
		t.Fatalf("review file: %+v", d)
	}
	if got := f.chatShows(t); strings.Contains(got, q2.ID) {
		t.Errorf("/studybot review still shows the rejected question")
	}
	if ids := rowIDs(f.get(t, "/admin/?status=rejected")); len(ids) != 1 || ids[0] != q2.ID {
		t.Errorf("rejected rows: %v", ids)
	}
	// chat's decision shows on the page at once
	q3 := top[2]
	f.h.Command("adm", "general", true, "studybot", "review", "approve", q3.ID)
	if ids := rowIDs(f.get(t, "/admin/?status=approved")); !contains(ids, q3.ID) {
		t.Errorf("chat's approval not on the page: %v", ids)
	}
	// once the file is reloaded the rejected question leaves the bank and is still listed
	if _, err := f.h.Bot.Reload(); err != nil {
		t.Fatal(err)
	}
	if ids := rowIDs(f.get(t, "/admin/?status=rejected")); len(ids) != 1 || ids[0] != q2.ID {
		t.Errorf("rejected rows after reload: %v", ids)
	}
	if body := f.get(t, "/admin/q/"+q2.ID); !strings.Contains(body, "The review file rejected this question") || strings.Contains(body, `id="approve"`) {
		t.Errorf("rejected question's page offers decisions")
	}
}

func TestDecisionsGoToTheDatabaseWhenTheFileIsReadOnly(t *testing.T) {
	f := newFixture(t, bundledBank, "en", true)
	q := f.h.Bot.Bank().Top(0)[0]
	loc := f.post(t, "/admin/q/"+q.ID+"/approve", url.Values{})
	ds, err := f.h.DB.ReviewDecisions()
	if err != nil || len(ds) != 1 || ds[0].QuestionID != q.ID || ds[0].Verdict != "approved" || ds[0].User != "adm" {
		t.Fatalf("database: %+v %v", ds, err)
	}
	if body := f.get(t, loc); !strings.Contains(body, "kept in the database") {
		t.Errorf("flash does not say where the decision went")
	}
	if strings.Contains(f.chatShows(t), q.ID) {
		t.Errorf("/studybot review still shows %s", q.ID)
	}
}

func TestEditRunsEveryRuleAndShowsErrorsByField(t *testing.T) {
	f := newFixture(t, bundledBank, "en", false)
	q := authoredQ(t, f.h.Bot.Bank(), false)
	form := func(stem string, opts []string, answer string) url.Values {
		v := url.Values{"stem": {stem}, "answer": {answer}, "rationale": {q.Rationale}}
		for i, o := range opts {
			v.Set("option"+string(rune('0'+i)), o)
		}
		return v
	}
	opts := []string{"cfn-hup", "cfn-init", "cfn-signal", "cfn-get-metadata"}
	// two equal options: refused, nothing saved, the form keeps what was typed
	w := f.do(t, http.MethodPost, "/admin/q/"+q.ID+"/edit", form("edited stem which daemon?", []string{"cfn-hup", "cfn-hup", "cfn-signal", "cfn-get-metadata"}, "0"))
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Not saved") || !strings.Contains(body, `<p class="err">options: options not distinct`) ||
		!strings.Contains(body, "edited stem which daemon?") {
		t.Fatalf("duplicate options: %d\n%s", w.Code, body)
	}
	// a negative stem: the error sits at the stem
	w = f.do(t, http.MethodPost, "/admin/q/"+q.ID+"/edit", form("Which helper is not a daemon?", opts, "0"))
	if body := w.Body.String(); w.Code != http.StatusUnprocessableEntity ||
		!regexp.MustCompile(`(?s)<textarea id="stem"[^>]*aria-invalid="true".*?<p class="err">negative-stem`).MatchString(body) {
		t.Fatalf("negative stem: %d\n%s", w.Code, body)
	}
	// an answer on an empty option
	w = f.do(t, http.MethodPost, "/admin/q/"+q.ID+"/edit", form(q.Stem, opts[:3], "3"))
	if body := w.Body.String(); w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `<p class="err">answer: `) {
		t.Fatalf("answer out of range: %d\n%s", w.Code, body)
	}
	if len(f.rec.decisions()) != 0 {
		t.Fatalf("a refused edit was recorded: %+v", f.rec.decisions())
	}
	if got, _ := f.h.Bot.Bank().Get(q.ID); got.Stem != q.Stem {
		t.Fatalf("a refused edit changed the bank")
	}
	// a good edit: recorded in the file, reloaded, approved
	stem := strings.Replace(q.Stem, "ヘルパースクリプト", "ヘルパー", 1)
	loc := f.post(t, "/admin/q/"+q.ID+"/edit", form(stem, []string{"cfn-init", "cfn-hup", "cfn-signal", "cfn-get-metadata"}, "1"))
	d, ok := f.rec.entry(q.ID)
	if !ok || d.Verdict != questions.Edited || d.Stem != stem || d.Answer != 1 || d.Options[1] != "cfn-hup" {
		t.Fatalf("review file: %+v", d)
	}
	body = f.get(t, loc)
	if !strings.Contains(body, stem) || !strings.Contains(body, `<li class="correct"><span class="letter">B</span> cfn-hup`) ||
		!strings.Contains(body, "Edited "+q.ID) || !strings.Contains(body, `<span class="badge approved">`) {
		t.Errorf("question page after the edit:\n%s", body)
	}
}

func TestBulkApproveAndReject(t *testing.T) {
	f := newFixture(t, bundledBank, "en", false)
	top := f.h.Bot.Bank().Top(0)
	body := f.get(t, "/admin/bulk?domain=1")
	if !strings.Contains(body, `<input type="checkbox" name="id" value="`) || !strings.Contains(body, `action="/admin/bulk?domain=1"`) {
		t.Fatalf("bulk page:\n%s", body)
	}
	form := url.Values{"verdict": {"approved"}, "id": {top[0].ID, top[1].ID, top[2].ID}}
	loc := f.post(t, "/admin/bulk?domain=1", form)
	for _, q := range top[:3] {
		if d, ok := f.rec.entry(q.ID); !ok || d.Verdict != questions.Approved {
			t.Errorf("%s not approved in the file", q.ID)
		}
	}
	if body := f.get(t, loc); !strings.Contains(body, "Changed 3 questions (saved to the review file).") || !strings.Contains(loc, "domain=1") {
		t.Errorf("after bulk approve (%s): no count", loc)
	}
	// rejecting needs a reason: nothing changes without one
	w := f.do(t, http.MethodPost, "/admin/bulk", url.Values{"verdict": {"rejected"}, "id": {top[3].ID, top[4].ID}})
	if w.Code != http.StatusUnprocessableEntity || len(f.rec.decisions()) != 3 {
		t.Fatalf("bulk reject without reason: %d, %d decisions", w.Code, len(f.rec.decisions()))
	}
	loc = f.post(t, "/admin/bulk", url.Values{"verdict": {"rejected"}, "reason": {"duplicates"}, "id": {top[3].ID, top[4].ID, "nope"}})
	if body := f.get(t, loc); !strings.Contains(body, "Changed 2 questions") || !strings.Contains(body, "1 questions not changed: nope") {
		t.Errorf("after bulk reject (%s)", loc)
	}
	got := f.chatShows(t)
	for _, q := range top[:5] {
		if strings.Contains(got, q.ID) {
			t.Errorf("/studybot review shows %s, decided in bulk", q.ID)
		}
	}
	if !strings.Contains(got, top[5].ID) {
		t.Errorf("/studybot review: %s, want %s", got, top[5].ID)
	}
}

func TestTeamPage(t *testing.T) {
	f := newFixture(t, bundledBank, "en", false)
	top := f.h.Bot.Bank().Top(0)
	f.answer(t, top[0], monday.Add(-7*24*time.Hour), map[string]int{"ann": top[0].Answer, "ben": top[0].Answer})
	f.answer(t, top[1], monday.Add(-2*time.Hour), map[string]int{"ann": (top[1].Answer + 1) % 4, "ben": (top[1].Answer + 1) % 4, "cat": top[1].Answer})
	body := f.get(t, "/admin/team")
	for _, want := range []string{"Readiness per domain", "Since 2026-11-30: answers 3, questions posted 1", `src="/admin/team/chart.png"`,
		`<a href="/admin/q/` + top[1].ID + `">`, "33%", "<td>ann</td><td class=\"num\">2</td>", "<td>cat</td><td class=\"num\">1</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("team page lacks %q", want)
		}
	}
	w := f.do(t, http.MethodGet, "/admin/team/chart.png", nil)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" || !bytes.HasPrefix(w.Body.Bytes(), []byte("\x89PNG")) {
		t.Fatalf("chart: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
}

func TestTeamPageBeforeAnyAnswer(t *testing.T) {
	f := newFixture(t, bundledBank, "ja", false)
	body := f.get(t, "/admin/team")
	for _, want := range []string{"まだ誰も復習していません。", "今週はまだ回答がありません。", "直近 30 日の回答はありません。"} {
		if !strings.Contains(body, want) {
			t.Errorf("team page lacks %q", want)
		}
	}
	if w := f.do(t, http.MethodGet, "/admin/team/chart.png", nil); w.Code != http.StatusNotFound {
		t.Errorf("chart of an empty week: %d", w.Code)
	}
}

func TestMarkupShowsAsText(t *testing.T) {
	f := newFixture(t, smallBank, "en", false)
	q := authoredQ(t, f.h.Bot.Bank(), false)
	for _, path := range []string{"/admin/q/" + q.ID, "/admin/?q=" + url.QueryEscape(hostile), "/admin/bulk?q=" + url.QueryEscape(hostile)} {
		body := f.get(t, path)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, `alert("x")`) {
			t.Errorf("%s: markup reached the page unescaped", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Errorf("%s: the markup is not shown as text", path)
		}
	}
	// the memo passage's line and the explanation both show it
	body := f.get(t, "/admin/q/"+q.ID)
	if n := strings.Count(body, "&lt;script&gt;"); n < 3 {
		t.Errorf("escaped markup shown %d times, want the passage, the explanation and the edit form", n)
	}
}

func TestLanguages(t *testing.T) {
	for _, tt := range []struct{ lang, want string }{{"ja", "問題バンク"}, {"en", "Question bank"}, {"", "問題バンク"}} {
		f := newFixture(t, smallBank, tt.lang, false)
		if body := f.get(t, "/admin/"); !strings.Contains(body, "<h1>"+tt.want+"</h1>") {
			t.Errorf("lang %q: no %q", tt.lang, tt.want)
		}
	}
}

func TestNoSessionIsRefused(t *testing.T) {
	f := newFixture(t, smallBank, "en", false)
	q := f.h.Bot.Bank().Top(0)[0]
	for _, c := range []struct{ method, path string }{
		{"GET", "/admin/"}, {"GET", "/admin/q/" + q.ID}, {"POST", "/admin/q/" + q.ID + "/approve"}, {"POST", "/admin/bulk"},
		{"GET", "/admin/team"}, {"GET", "/admin/team/chart.png"}, {"GET", "/admin/next"},
	} {
		w := httptest.NewRecorder()
		f.pages.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		if w.Code != http.StatusForbidden {
			t.Errorf("%s %s without a session: %d", c.method, c.path, w.Code)
		}
	}
	if len(f.rec.decisions()) != 0 {
		t.Errorf("a request without a session decided")
	}
}

func TestAssetsAndUnknownQuestion(t *testing.T) {
	f := newFixture(t, smallBank, "en", false)
	for _, path := range []string{"/admin/assets/style.css", "/admin/assets/keys.js"} {
		w := httptest.NewRecorder()
		f.pages.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusOK || w.Body.Len() == 0 {
			t.Errorf("%s: %d", path, w.Code)
		}
	}
	if w := f.do(t, "GET", "/admin/q/nope", nil); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "The bank has no question nope.") {
		t.Errorf("unknown question: %d", w.Code)
	}
	if w := f.do(t, "POST", "/admin/q/nope/approve", url.Values{}); w.Code != http.StatusNotFound {
		t.Errorf("approve of an unknown question: %d", w.Code)
	}
	// no inline script or style: the pages run under default-src 'self'
	q := f.h.Bot.Bank().Top(0)[0]
	for _, path := range []string{"/admin/", "/admin/q/" + q.ID, "/admin/bulk", "/admin/team"} {
		body := f.get(t, path)
		if regexp.MustCompile(`<script>|<script [^>]*>[^<]|\sstyle=|<style|\son[a-z]+="`).MatchString(body) {
			t.Errorf("%s has inline script or style", path)
		}
	}
}

func TestNextUndecided(t *testing.T) {
	f := newFixture(t, smallBank, "en", false)
	top := f.h.Bot.Bank().Top(0)
	w := f.do(t, "GET", "/admin/next?after="+top[0].ID, nil)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/q/"+top[1].ID {
		t.Fatalf("next after %s: %d %s", top[0].ID, w.Code, w.Header().Get("Location"))
	}
	for _, q := range top {
		if _, err := f.h.Bot.Decide(f.h.Space, "adm", q.ID, questions.Approved, ""); err != nil {
			t.Fatal(err)
		}
	}
	if w := f.do(t, "GET", "/admin/next", nil); w.Header().Get("Location") != "/admin/?status=draft" {
		t.Errorf("next with nothing left: %s", w.Header().Get("Location"))
	}
	if body := f.get(t, "/admin/q/"+top[0].ID); strings.Contains(body, `id="next"`) || !strings.Contains(body, "No undecided question is left.") {
		t.Errorf("question page offers a next question when none is left")
	}
}

var _ = web.ErrDeps

func TestEditKeptInTheDatabaseWhenTheFileIsReadOnly(t *testing.T) {
	f := newFixture(t, bundledBank, "en", true)
	q := authoredQ(t, f.h.Bot.Bank(), false)
	stem := strings.Replace(q.Stem, "ヘルパースクリプト", "ヘルパー", 1)
	form := url.Values{"stem": {stem}, "answer": {"0"}, "rationale": {q.Rationale}}
	for i, o := range q.Options {
		form.Set("option"+string(rune('0'+i)), o.Text)
	}
	loc := f.post(t, "/admin/q/"+q.ID+"/edit", form)
	ds, err := f.h.DB.ReviewDecisions()
	if err != nil || len(ds) != 1 || ds[0].Verdict != "edited" || ds[0].Stem != stem || len(ds[0].Options) != 4 || ds[0].Answer == nil || *ds[0].Answer != 0 {
		t.Fatalf("database: %+v %v", ds, err)
	}
	if body := f.get(t, loc); !strings.Contains(body, "kept in the database; questions review --export writes it out") {
		t.Errorf("flash does not say where the edit went")
	}
}

// TestFiguresRefreshInTheBackground: the answers' figures are reused
// while fresh; once stale they are still served while one background
// read replaces them, and the next request shows the new ones.
func TestFiguresRefreshInTheBackground(t *testing.T) {
	f := newFixture(t, bundledBank, "en", false)
	q := f.h.Bot.Bank().Top(0)[0]
	path := "/admin/q/" + q.ID
	if body := f.get(t, path); !strings.Contains(body, "No answers yet.") {
		t.Fatal("answers before any was given")
	}
	f.answer(t, q, monday.Add(-time.Hour), map[string]int{"ann": q.Answer, "ben": q.Answer, "cat": (q.Answer + 1) % len(q.Options)})
	if body := f.get(t, path); !strings.Contains(body, "No answers yet.") {
		t.Fatal("fresh figures were read again")
	}
	f.h.Clock.Add(web.DefaultStatsFresh + time.Second)
	if body := f.get(t, path); !strings.Contains(body, "No answers yet.") {
		t.Fatal("stale figures were not served while the new ones are read")
	}
	f.pages.Close() // waits for the background read
	if body := f.get(t, path); !strings.Contains(body, "answers 3 · correct 67% · posts 1") {
		t.Fatalf("new figures not shown after the background read:\n%s", body)
	}
}

// multiBank is smallBank with an authored "choose two" question
// (Mutex and WaitGroup, both from the memo).
func multiBank(tb testing.TB) *questions.Bank {
	b := smallBank(tb)
	errs := b.AddAuthored([]questions.Authored{{Domain: 1, Stem: "Which two help goroutines share work safely? (Choose two)",
		Options: []string{"sync.Mutex", "sync.WaitGroup", "channel", "select", "goroutine"}, Answers: []int{0, 1}, Choose: 2,
		Explanation: "Both coordinate goroutines.", Source: "sync.Mutex: a mutual exclusion lock", Sources: []string{"sync.WaitGroup: waits for a collection"}}})
	if len(errs) > 0 {
		tb.Fatalf("authored: %v", errs)
	}
	return b
}

// multiQ returns multiBank's "choose two" question.
func multiQ(t *testing.T, b *questions.Bank) *questions.Question {
	t.Helper()
	for _, q := range b.Top(0) {
		if q.Multi() {
			return q
		}
	}
	t.Fatal("no multi-answer question")
	return nil
}

// TestMultiAnswerCard: a "choose two" question marks both correct options,
// says "choose 2" in the bank's type column, and its edit form has a
// checkbox per option, the correct ones checked.
func TestMultiAnswerCard(t *testing.T) {
	f := newFixture(t, multiBank, "en", false)
	q := multiQ(t, f.h.Bot.Bank())
	body := f.get(t, "/admin/q/"+q.ID)
	if n := strings.Count(body, `<li class="correct">`); n != 2 || !strings.Contains(body, "Choose 2") {
		t.Errorf("%d options marked correct", n)
	}
	if n := strings.Count(body, `type="checkbox" name="answers"`); n != 6 || strings.Contains(body, `type="radio"`) {
		t.Errorf("edit form has %d answer checkboxes, want 6 and no radio button", n)
	}
	for i, want := range []bool{true, true, false, false, false, false} {
		if got := strings.Contains(body, `value="`+strconv.Itoa(i)+`" id="answer`+strconv.Itoa(i)+`" aria-label="Answer `+questions.Letter(i)+`" checked`); got != want {
			t.Errorf("option %d checked %v, want %v", i, got, want)
		}
	}
	if !strings.Contains(body, "check every correct option") {
		t.Error("edit form does not say how to mark a multi-answer question")
	}
	if bank := f.get(t, "/admin/?type=authored"); !strings.Contains(bank, `<span class="multi">choose 2</span>`) {
		t.Error("bank's type column does not say choose 2")
	}
	if bank := f.get(t, "/admin/?type=authored&sort=id"); strings.Count(bank, `<span class="multi">`) != 1 {
		t.Error("a single-answer question says choose")
	}
}

// TestEditMultiAnswer: the edit form of a "choose two" question keeps its
// answers and choose (the number checked) through every rule into the
// review file, refuses one checked, and runs the rules on three checked
// (the stem then does not say "choose three").
func TestEditMultiAnswer(t *testing.T) {
	f := newFixture(t, multiBank, "en", false)
	q := multiQ(t, f.h.Bot.Bank())
	form := func(stem string, checked ...int) url.Values {
		v := url.Values{"stem": {stem}, "rationale": {"Both coordinate goroutines; a select does not."}}
		for i, o := range q.Options {
			v.Set("option"+strconv.Itoa(i), o.Text)
		}
		v.Set("option5", "")
		for _, i := range checked {
			v.Add("answers", strconv.Itoa(i))
		}
		return v
	}
	path := "/admin/q/" + q.ID + "/edit"
	w := f.do(t, "POST", path, form(q.Stem, 0))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Check 2 or 3 correct options (1 checked).") {
		t.Errorf("one checked: %d\n%s", w.Code, w.Body)
	}
	w = f.do(t, "POST", path, form(q.Stem, 0, 1, 2))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "choose:") {
		t.Errorf("three checked under a choose-two stem: %d\n%s", w.Code, w.Body)
	}
	if len(f.rec.decisions()) != 0 {
		t.Fatalf("a refused edit was recorded: %+v", f.rec.decisions())
	}
	// swap the options: the correct ones are now B and C
	v := form(q.Stem, 1, 2)
	v.Set("option0", "channel")
	v.Set("option1", "sync.Mutex")
	v.Set("option2", "sync.WaitGroup")
	loc := f.post(t, path, v)
	d, ok := f.rec.entry(q.ID)
	if !ok || d.Verdict != questions.Edited || d.Choose != 2 || !slices.Equal(d.Answers, []int{1, 2}) || len(d.Options) != 5 {
		t.Fatalf("review file: %+v (%v)", d, ok)
	}
	if body := f.get(t, loc); strings.Count(body, `<li class="correct">`) != 2 || !strings.Contains(body, `aria-label="Answer B" checked`) {
		t.Errorf("after the edit:\n%s", body)
	}

	// with a read-only review file the store keeps answers and choose
	f = newFixture(t, multiBank, "en", true)
	f.post(t, path, v)
	ds, err := f.h.DB.ReviewDecisions()
	if err != nil || len(ds) != 1 || ds[0].Answer != nil || ds[0].Choose != 2 || !slices.Equal(ds[0].Answers, []int{1, 2}) {
		t.Fatalf("database: %+v %v", ds, err)
	}
}

// TestNextFollowsTheFilter: with a bank filter the next key walks only the
// undecided questions the filter lists, in its order; "Review these"
// starts at the first, and a decision goes on to the next of the filter,
// which the question page keeps in its links and forms.
func TestNextFollowsTheFilter(t *testing.T) {
	f := newFixture(t, smallBank, "en", false)
	var want []string // domain 2's questions in the bank's order
	for _, q := range f.h.Bot.Bank().Top(0) {
		if q.Domain == 2 {
			want = append(want, q.ID)
		}
	}
	if len(want) < 3 {
		t.Fatalf("domain 2 has %d questions", len(want))
	}
	const keep = "domain=2&status=draft"
	if body := f.get(t, "/admin/?"+keep); !strings.Contains(body, `id="review" href="/admin/next?domain=2&amp;status=draft"`) {
		t.Fatalf("bank page has no Review these link for its filter")
	}
	loc := func(w *httptest.ResponseRecorder) string {
		t.Helper()
		if w.Code != http.StatusSeeOther {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		return w.Header().Get("Location")
	}
	if got := loc(f.do(t, "GET", "/admin/next?"+keep, nil)); got != "/admin/q/"+want[0]+"?"+keep {
		t.Fatalf("Review these: %s, want %s", got, want[0])
	}
	for i, id := range want {
		next := want[(i+1)%len(want)]
		if got := loc(f.do(t, "GET", "/admin/next?after="+id+"&"+keep, nil)); got != "/admin/q/"+next+"?"+keep {
			t.Errorf("next after %s: %s, want %s", id, got, next)
		}
	}
	body := f.get(t, "/admin/q/"+want[0]+"?"+keep)
	for _, s := range []string{`id="next" href="/admin/q/` + want[1] + `?domain=2&amp;status=draft"`, `href="/admin/?domain=2&amp;status=draft"`,
		`action="/admin/q/` + want[0] + `/approve?domain=2&amp;status=draft"`, `action="/admin/q/` + want[0] + `/reject?domain=2&amp;status=draft"`} {
		if !strings.Contains(body, s) {
			t.Errorf("question page lacks %s", s)
		}
	}
	// skip the first, approve the second: the third comes next (not the
	// first again, nor a question of domain 1)
	got := f.post(t, "/admin/q/"+want[1]+"/approve?"+keep, url.Values{})
	if !strings.HasPrefix(got, "/admin/q/"+want[2]+"?"+keep+"&did=approved") {
		t.Errorf("after approving %s: %s, want %s", want[1], got, want[2])
	}
	got = f.post(t, "/admin/q/"+want[2]+"/reject?"+keep, url.Values{"reason": {"dull"}})
	if len(want) > 3 && !strings.HasPrefix(got, "/admin/q/"+want[3]+"?"+keep) {
		t.Errorf("after rejecting %s: %s", want[2], got)
	}
	for _, id := range want {
		if _, err := f.h.Bot.Decide(f.h.Space, "adm", id, questions.Approved, ""); err != nil {
			t.Fatal(err)
		}
	}
	if got := loc(f.do(t, "GET", "/admin/next?"+keep, nil)); got != "/admin/?"+keep {
		t.Errorf("nothing left under the filter: %s", got)
	}
	// without a filter the next key still walks the review queue (domain 1)
	if got := loc(f.do(t, "GET", "/admin/next", nil)); !strings.HasPrefix(got, "/admin/q/") || strings.Contains(got, "?") {
		t.Errorf("next without a filter: %s", got)
	}
}
