package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
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

// site is the web pages of a bot on a real store (bottest), served on
// loopback the way cmd/studybot mounts them: web.New under /admin/, the
// sign-in links minted by /studybot web.
type site struct {
	h      *bottest.Harness
	url    string // http://127.0.0.1:port
	review *reviewFile
}

// admin is the admin who signs in, channel where they type commands.
const (
	admin   = "adm"
	channel = "general"
)

// newSite starts the pages (pages(b) is the handler behind the session
// check) for a bot on the bundled bank, whose review decisions go to a
// review file on disk.
func newSite(t testing.TB, pages func(b *bot.Bot) http.Handler) *site {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	db := &lazyStore{}
	links, err := web.NewLinks(db, base, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	rf := &reviewFile{path: filepath.Join(t.TempDir(), "review.jsonl")}
	reload := func() (*questions.Bank, error) { // what cmd/studybot does: the memo, the drafts, the review file
		bank, err := buildDrafted()
		if err != nil {
			return nil, err
		}
		ds, err := rf.read()
		if err != nil {
			return nil, err
		}
		if errs := bank.ApplyReview(ds); len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
		return bank, nil
	}
	h := bottest.New(t, time.Now().Truncate(time.Second), bot.Config{Bank: draftedBank(t), Reviews: rf, Reload: reload, WebLinks: links})
	db.set(h.DB)
	if _, err := h.Bot.EnsureChannel(h.Space, channel); err != nil {
		t.Fatal(err)
	}
	srvHandler, err := web.New(web.Options{Store: h.DB, Admins: h.Bot, Pages: pages(h.Bot), Now: h.Clock.Now, Log: slog.New(slog.NewTextHandler(tlog{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(web.Prefix, srvHandler)
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(srv.Close)
	return &site{h: h, url: base, review: rf}
}

// hostileLine is what the memo line of the drafts' passage (line 26 of
// the bundled memo) gets appended: markup that must never become markup.
const hostileLine = " <script>alert(1)</script><img src=x onerror=alert(2)>"

// draftNames name the made-up tools of the drafts the tests add.
var draftNames = []string{"ゴルフ", "ホテル", "インディア", "ジュリエット", "キロ", "リマ"}

// draftedBank is the bundled memo, its line 26 ending in hostileLine,
// with six drafts resting on that line (made up: the bundled drafts come
// with cmd/studybot's questions file reader; cmd/studybot's browser test
// reviews those).
func draftedBank(t testing.TB) *questions.Bank {
	t.Helper()
	bank, err := buildDrafted()
	if err != nil {
		t.Fatal(err)
	}
	return bank
}

// buildDrafted builds draftedBank's bank.
func buildDrafted() (*questions.Bank, error) {
	lines := bytes.Split(questions.DefaultMemo(), []byte("\n"))
	lines[25] = append(bytes.Clone(lines[25]), hostileLine...)
	bank, err := questions.Build(bytes.Join(lines, []byte("\n")), questions.ParseOptions{Config: questions.DefaultConfig()})
	if err != nil {
		return nil, err
	}
	var ds []questions.Authored
	for i, name := range draftNames {
		ds = append(ds, questions.Authored{Domain: 1, Stem: "架空のツール" + name + "の主な用途はどれですか？",
			Options: []string{"監視", "暗号化", "配布", "集計"}, Answer: i % 4, Explanation: "架空の練習問題です。", Source: "CD(Continuous Delivery)",
			Draft: &questions.Provenance{ID: "d" + name, Backend: "batch", Model: "stand-in", Date: "2026-12-07",
				Evidence: []questions.Evidence{{Line: 26, Text: string(lines[25])}}}})
	}
	ds = append(ds, multiAuthored)
	if errs := bank.AddAuthored(ds); len(errs) > 0 {
		return nil, fmt.Errorf("drafts: %w", errors.Join(errs...))
	}
	return bank, nil
}

// multiAuthored is a hand-written "choose two" question of the bank, for
// the multi-answer edit form's screenshot.
var multiAuthored = questions.Authored{Domain: 2,
	Stem:    "EC2 上のアプリの構成が済むまでスタックを先へ進めないようにするには、どれとどれを組み合わせるか？（2つ選択）",
	Options: []string{"cfn-signal", "CreationPolicy 属性", "DeletionPolicy 属性", "cfn-hup", "AWS Config"}, Answers: []int{0, 1}, Choose: 2,
	Explanation: "cfn-signal が成功シグナルを送り、CreationPolicy 属性がその受信までリソースを作成完了にしない。",
	Source:      "cfn-signal: EC2 リソースが正常に作成/更新されたかどうか", Sources: []string{"CreationPolicy 属性: リソースに関連付けて"}}

// drafts returns the IDs of the bank's drafts, in draftNames' order.
func (s *site) drafts(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, name := range draftNames {
		for _, q := range s.h.Bot.Bank().Questions {
			if q.Draft && strings.Contains(q.Stem, name) {
				out = append(out, q.ID)
			}
		}
	}
	if len(out) != len(draftNames) {
		t.Fatalf("%d drafts in the bank, want %d", len(out), len(draftNames))
	}
	return out
}

var linkRE = regexp.MustCompile(`https?://\S+/admin/login\?t=[A-Za-z0-9_-]+`)

// signInLink asks for a link with /studybot web as the admin, in chat,
// and returns it.
func (s *site) signInLink(t testing.TB) string {
	t.Helper()
	r := s.h.Command(admin, channel, true, "studybot", "web")
	if len(r.Messages) == 0 || !r.Private {
		t.Fatalf("/studybot web: %+v", r)
	}
	u := linkRE.FindString(r.Messages[0].Body)
	if u == "" {
		t.Fatalf("/studybot web replied without a link: %q", r.Messages[0].Body)
	}
	return u
}

// reviewText returns what /studybot review shows the admin now.
func (s *site) reviewText(t testing.TB) string {
	t.Helper()
	r := s.h.Command(admin, channel, true, "studybot", "review")
	if len(r.Messages) == 0 {
		t.Fatalf("/studybot review: no reply")
	}
	return r.Messages[0].Title + "\n" + r.Messages[0].Body
}

// lazyStore is the web.Store of the links, given the harness's store once
// the harness has opened it (the bot needs the links first).
type lazyStore struct {
	mu sync.Mutex
	db *store.DB
}

func (l *lazyStore) set(db *store.DB) { l.mu.Lock(); l.db = db; l.mu.Unlock() }
func (l *lazyStore) get() *store.DB   { l.mu.Lock(); defer l.mu.Unlock(); return l.db }

func (l *lazyStore) MintLogin(token string, w store.WebLogin, now time.Time) error {
	return l.get().MintLogin(token, w, now)
}
func (l *lazyStore) RedeemLogin(token string, now time.Time) (store.WebLogin, error) {
	return l.get().RedeemLogin(token, now)
}
func (l *lazyStore) PutSession(id string, s store.WebSession, now time.Time) error {
	return l.get().PutSession(id, s, now)
}
func (l *lazyStore) GetSession(id string, now time.Time) (store.WebSession, error) {
	return l.get().GetSession(id, now)
}
func (l *lazyStore) DeleteSession(id string) error { return l.get().DeleteSession(id) }

// reviewFile is a review file on disk: every decision appended as one
// JSON line, written and synced before RecordReview returns (what
// cmd/studybot's review file does in its own format).
type reviewFile struct {
	mu   sync.Mutex
	path string
}

// RecordReview implements bot.ReviewRecorder.
func (f *reviewFile) RecordReview(d questions.Decision) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	line, err := json.Marshal(d)
	if err != nil {
		return err
	}
	w, err := os.OpenFile(f.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(line, '\n')); err != nil {
		w.Close()
		return err
	}
	if err := w.Sync(); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// decisions reads the file back from disk.
func (f *reviewFile) decisions(t testing.TB) []questions.Decision {
	t.Helper()
	ds, err := f.read()
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// read reads the file back from disk.
func (f *reviewFile) read() ([]questions.Decision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := os.Open(f.path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []questions.Decision
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d questions.Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("review file %s: %w", f.path, err)
		}
		out = append(out, d)
	}
	return out, sc.Err()
}

// tlog writes a server's log lines to the test's log.
type tlog struct{ t testing.TB }

func (l tlog) Write(p []byte) (int, error) {
	l.t.Helper()
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// seedAnswers posts the bank's first ten generated questions in the
// channel, one a day over the last eight days and two in the last hour
// (this week's, unless the week began less than an hour ago), and
// records five people's answers, some right and some wrong, and their
// review cards, so that the pages have figures to show.
func (s *site) seedAnswers(t testing.TB) {
	t.Helper()
	users := []string{"ann", "ben", "cat", "dan", "eve"}
	now := s.h.Clock.Now()
	n := 0
	for _, q := range s.h.Bot.Bank().Top(0) {
		if q.Draft || q.Multi() || n == 10 {
			continue
		}
		slot := now.Add(-time.Duration(8-n) * 24 * time.Hour)
		if n >= 8 {
			slot = now.Add(-time.Duration(11-n) * 20 * time.Minute)
		}
		snap := store.Snapshot{QuestionID: q.ID, Domain: q.Domain, DomainTitle: q.DomainTitle, Type: string(q.Type), Stem: q.Stem,
			AnswerID: q.Options[q.Answer].ID, Explanation: q.Explanation, MemoHash: "h"}
		for _, o := range q.Options {
			snap.Options = append(snap.Options, store.SnapOption{ID: o.ID, Text: o.Text})
		}
		p, err := s.h.DB.CreatePost(store.Post{Space: s.h.Space, Channel: channel, Slot: slot, Question: snap, OpenedAt: slot, ClosesAt: slot.Add(8 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		s.h.Clock.Set(slot.Add(time.Minute)) // answered while open
		for i, u := range users {
			pick := q.Answer
			if (i+n)%3 == 0 { // a third wrong, not always the same people
				pick = (q.Answer + 1 + i%2) % len(q.Options)
			}
			if _, err := s.h.DB.RecordAnswer(p.ID, u, q.Options[pick].ID); err != nil {
				t.Fatal(err)
			}
		}
		n++
	}
	s.h.Clock.Set(now)
	s.seedCards(t, users)
}

// seedCards gives each user review cards on items of every domain, the
// later users on more items and with longer memories, as if they had
// practised for a few weeks, so that the team's readiness has figures.
func (s *site) seedCards(t testing.TB, users []string) {
	t.Helper()
	now := s.h.Clock.Now()
	for i, u := range users {
		k := 0
		for j, q := range s.h.Bot.Bank().Top(0) {
			if q.Draft || j%(len(users)-i) != 0 {
				continue
			}
			k++
			stability := float64(2 + 3*i + k%7)
			_, err := s.h.DB.UpdateCard(s.h.Space, u, q.Item, func(c *store.Card, _ bool) error {
				c.Domain, c.Reps, c.State, c.Stability, c.Difficulty = q.Domain, 3, 2, stability, 5
				c.First, c.LastReview = now.Add(-20*24*time.Hour), now.Add(-time.Duration(1+k%5)*24*time.Hour)
				c.Due, c.Right, c.Wrong = c.LastReview.Add(time.Duration(stability*24)*time.Hour), 2, 1
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}
