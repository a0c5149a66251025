package web_test

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/web"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

var tokyo = time.FixedZone("JST", 9*3600)

// monday is the tests' clock start.
var monday = time.Date(2026, 11, 30, 8, 0, 0, 0, tokyo)

// fileRec plays the memo's review file: one entry per question ID, the
// latest decision wins; read-only refuses every write (the decision then
// goes to the database).
type fileRec struct {
	mu       sync.Mutex
	entries  map[string]questions.Decision
	order    []string
	readOnly bool
}

func (r *fileRec) RecordReview(d questions.Decision) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.readOnly {
		return errors.New("read-only file system")
	}
	if r.entries == nil {
		r.entries = map[string]questions.Decision{}
	}
	if _, ok := r.entries[d.ID]; !ok {
		r.order = append(r.order, d.ID)
	}
	r.entries[d.ID] = d
	return nil
}

// decisions returns the file's entries in file order.
func (r *fileRec) decisions() []questions.Decision {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]questions.Decision, 0, len(r.order))
	for _, id := range r.order {
		out = append(out, r.entries[id])
	}
	return out
}

// entry returns the file's entry for id.
func (r *fileRec) entry(id string) (questions.Decision, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.entries[id]
	return d, ok
}

// bundledBank is the bundled memo's bank with two hand-written questions
// and one drafted by a model, as the program loads it.
func bundledBank(tb testing.TB) *questions.Bank {
	tb.Helper()
	b, err := questions.Default()
	if err != nil {
		tb.Fatal(err)
	}
	errs := b.AddAuthored([]questions.Authored{
		{Domain: 2, Stem: "AWS CloudFormation でスタックを更新したとき、EC2 インスタンスのメタデータ（AWS::CloudFormation::Init）の変更を検出して設定を自動的に再適用させたい。インスタンス上でデーモンとして常駐させるヘルパースクリプトはどれか？",
			Options: []string{"cfn-hup", "cfn-init", "cfn-signal", "cfn-get-metadata"}, Answer: 0,
			Explanation: "cfn-hup はメタデータの変更を定期的に検出し、設定したフックアクション（通常は cfn-init の再実行）を実行するデーモンである。",
			Source:      "cfn-hup: CloudFormation テンプレートの更新を監視し"},
		{Domain: 2, Stem: "AWS CloudFormation で、EC2 インスタンス上のアプリケーションのセットアップが終わり cfn-signal で成功が通知されるまで、そのインスタンスリソースを完了扱いにせずスタックの処理を待たせたい。インスタンスリソースに設定する属性はどれか？",
			Options: []string{"CreationPolicy", "UpdatePolicy", "DeletionPolicy", "DependsOn"}, Answer: 0,
			Explanation: "CreationPolicy を設定すると、指定数の成功シグナルを受信するかタイムアウトするまでリソースは CREATE_COMPLETE にならない。",
			Source:      "CreationPolicy 属性: リソースに関連付けて",
			Draft:       &questions.Provenance{ID: "d-1", Backend: "batch", Model: "stand-in", Date: "2026-12-07"}},
	})
	if len(errs) > 0 {
		tb.Fatalf("authored: %v", errs)
	}
	return b
}

// smallMemo is a memo of two domains; line 9 is the Mutex definition.
const smallMemo = `# Go study notes

## Concurrency

- goroutine: a function running concurrently with others in the same address space
- channel: a typed conduit through which goroutines send and receive values
- select: waits on several channel operations and runs the first that is ready
- sync.WaitGroup: waits for a collection of goroutines to finish
- sync.Mutex: a mutual exclusion lock that guards shared state

## Errors

- errors.Is: reports whether any error in a chain matches a target value
- errors.As: finds the first error in a chain that matches a target type
- panic: stops the normal flow of control and begins unwinding the stack
- recover: regains control of a panicking goroutine inside a deferred function
`

// hostile is markup a memo line or an explanation might carry.
const hostile = `<script>alert("x")</script>`

// smallBank is smallMemo's bank with one hand-written question whose
// explanation, and whose memo passage, carry a <script> element. The
// memo parser already drops raw HTML from memo text, so the passage is
// set by hand: what is tested is that the pages escape whatever a
// question holds.
func smallBank(tb testing.TB) *questions.Bank {
	tb.Helper()
	b, err := questions.Build([]byte(smallMemo), questions.ParseOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	errs := b.AddAuthored([]questions.Authored{{Domain: 1, Stem: "Which primitive guards state shared between goroutines?",
		Options: []string{"sync.Mutex", "channel", "select", "goroutine"}, Answer: 0,
		Explanation: "A mutex guards shared state. " + hostile, Source: "sync.Mutex: a mutual exclusion lock"}})
	if len(errs) > 0 {
		tb.Fatalf("authored: %v", errs)
	}
	for _, q := range b.Questions {
		if q.Type == questions.TypeAuthored {
			q.Source.Passage += "\n- " + hostile
		}
	}
	return b
}

// fixture is a bot on a real store with the pages over it and a signed-in
// admin's session.
type fixture struct {
	h     *bottest.Harness
	rec   *fileRec
	pages *web.Pages
	sess  *web.Session
}

// newFixture starts a bot on build's bank whose review file is rec and
// whose reload rebuilds the bank and applies the file, as the program's
// does.
func newFixture(t *testing.T, build func(testing.TB) *questions.Bank, lang string, readOnly bool) *fixture {
	t.Helper()
	rec := &fileRec{readOnly: readOnly}
	cfg := bot.Config{Bank: build(t), Reviews: rec, Seed: 3, Reload: func() (*questions.Bank, error) {
		b := build(t)
		if errs := b.ApplyReview(rec.decisions()); len(errs) > 0 {
			return nil, fmt.Errorf("review: %v", errs)
		}
		return b, nil
	}}
	h := bottest.New(t, monday, cfg)
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	p, err := web.NewBotPages(h.Bot, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() }) // before the harness closes the store
	s := &web.Session{ID: "sess-1", Space: h.Space, User: "adm", Lang: lang, CSRF: "csrf-token-1", Expires: monday.Add(12 * time.Hour)}
	return &fixture{h: h, rec: rec, pages: p, sess: s}
}

// do serves one request signed in with the fixture's session.
func (f *fixture) do(t *testing.T, method, target string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	var r *http.Request
	if form != nil {
		form.Set("csrf", f.sess.CSRF)
		r = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	r = r.WithContext(web.WithSession(r.Context(), f.sess))
	w := httptest.NewRecorder()
	f.pages.ServeHTTP(w, r)
	return w
}

// get serves a GET and wants 200.
func (f *fixture) get(t *testing.T, target string) string {
	t.Helper()
	w := f.do(t, http.MethodGet, target, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
	}
	return w.Body.String()
}

// post serves a POST and wants a redirect, whose target it returns.
func (f *fixture) post(t *testing.T, target string, form url.Values) string {
	t.Helper()
	w := f.do(t, http.MethodPost, target, form)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("POST %s: %d %s", target, w.Code, w.Body)
	}
	return w.Header().Get("Location")
}

// answer posts question q in "general" at slot and records each user's
// answer, by option index.
func (f *fixture) answer(t *testing.T, q *questions.Question, slot time.Time, picks map[string]int) {
	t.Helper()
	snap := store.Snapshot{QuestionID: q.ID, Domain: q.Domain, DomainTitle: q.DomainTitle, Type: string(q.Type), Stem: q.Stem,
		AnswerID: q.Options[q.Answer].ID, Explanation: q.Explanation, MemoHash: "h"}
	for _, o := range q.Options {
		snap.Options = append(snap.Options, store.SnapOption{ID: o.ID, Text: o.Text})
	}
	p, err := f.h.DB.CreatePost(store.Post{Space: f.h.Space, Channel: "general", Slot: slot, Question: snap, OpenedAt: slot, ClosesAt: slot.Add(8 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	now := f.h.Clock.Now()
	f.h.Clock.Set(slot.Add(time.Minute)) // answered while open
	defer f.h.Clock.Set(now)
	for u, i := range picks {
		if _, err := f.h.DB.RecordAnswer(p.ID, u, q.Options[i].ID); err != nil {
			t.Fatal(err)
		}
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test ./bot/web -run %s -update); got:\n%s", path, t.Name(), got)
	}
}
