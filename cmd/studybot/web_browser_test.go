package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/web"
	"github.com/studybot/studybot/bot/web/webtest"
	"github.com/studybot/studybot/store"
)

// fortyDrafts is how many drafts TestWebReviewFortyDrafts approves: the
// issue's "a reviewer can approve 40 drafts in under 5 minutes".
const fortyDrafts = 40

var reReviewLeft = regexp.MustCompile(`\d+`)

// TestWebReviewFortyDrafts is issue 23's measurement: a reviewer signs in
// through /studybot web's link, filters the bank page to the drafts
// awaiting review (type drafted, status draft), follows "Review these"
// and walks the Question page by keyboard in Chromium over the bundled
// memo's drafts (loaded as the program loads them, with the review file
// beside), pressing a to approve a draft (the next undecided question of
// the filter opens) until 40 drafts are approved; a j to pass over a
// question that is not a draft is counted and fails the test. It counts
// the key presses and clicks per decision and times the browser run; the
// 40 approvals are in the review file on disk and in /studybot review. BENCHMARKS.md keeps
// the figures (go test ./cmd/studybot -run TestWebReviewFortyDrafts -v).
func TestWebReviewFortyDrafts(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Review: filepath.Join(dir, "dop-c02.review.yaml"), Lang: "ja"}
	bank, err := loadBank(cfg.memoFlags())
	if err != nil {
		t.Fatal(err)
	}
	drafts := map[string]bool{}
	for _, q := range bank.Questions {
		if q.Draft {
			drafts[q.ID] = true
		}
	}
	if len(drafts) < fortyDrafts {
		t.Fatalf("the bundled bank has %d drafts, want at least %d", len(drafts), fortyDrafts)
	}
	db, err := store.Open(filepath.Join(dir, "studybot.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wl := &webLinks{}
	if err := wl.open(db, "", ln.Addr(), time.Now); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	bc := botConfig(cfg, bank, db, time.Now, log)
	bc.WebLinks = wl
	b, err := bot.New(bc)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.AddPlatform(bottest.NewPlatform("test"))
	sp := store.SpaceRef{Platform: "test", ID: "team"}
	if _, err := b.EnsureChannel(sp, "general"); err != nil {
		t.Fatal(err)
	}
	pages, err := web.NewBotPages(b, log)
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Store: db, Admins: b, Pages: pages, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	defer srv.Close()
	command := func(args ...string) bot.Response {
		return b.HandleCommand(context.Background(), bot.Command{Space: sp, Channel: "general", User: "adm", Admin: true, Name: "studybot", Args: args})
	}
	reviewLeft := func() int {
		t.Helper()
		r := command("review")
		n, err := strconv.Atoi(reReviewLeft.FindString(r.Messages[0].Title))
		if err != nil {
			t.Fatalf("/studybot review: %q", r.Messages[0].Title)
		}
		return n
	}
	link := reLink.FindString(command("web").Messages[0].Body)
	if link == "" {
		t.Fatalf("/studybot web gave no link: %+v", command("web"))
	}
	left := reviewLeft()
	// the undecided drafts in the bank's order: the filter's list
	var queue []string
	for _, q := range b.Bank().Top(0) {
		if drafts[q.ID] {
			queue = append(queue, q.ID)
		}
	}

	br := webtest.Start(t)
	start := time.Now()
	br.Open(link) // the admin clicks the link in chat: the bank page
	br.Choose(`select[name="type"]`, "drafted")
	br.Choose(`select[name="status"]`, "draft")
	br.ClickAndWait(`form.filters button[type="submit"]`) // the drafts awaiting review
	br.ClickAndWait("#review")                            // Review these: the first of them
	setupKeys, setupClicks := br.Actions()
	setup := setupKeys + setupClicks + 1 // and the link
	approved, passed := 0, 0
	for approved < fortyDrafts {
		u, err := url.Parse(br.Location())
		if err != nil || !strings.HasPrefix(u.Path, "/admin/q/") {
			t.Fatalf("after %d approvals the browser is at %s, not a question page", approved, br.Location())
		}
		if u.Query().Get("type") != "drafted" || u.Query().Get("status") != "draft" {
			t.Fatalf("after %d approvals the question page lost the filter: %s", approved, br.Location())
		}
		id := strings.TrimPrefix(u.Path, "/admin/q/")
		if id != queue[approved] {
			t.Fatalf("approval %d: at %s, want the next draft in the filter's order %s", approved+1, id, queue[approved])
		}
		if drafts[id] {
			br.KeyAndWait("a")
			approved++
		} else {
			br.KeyAndWait("j")
			passed++
		}
	}
	wall := time.Since(start)
	keys, clicks := br.Actions()
	keys, clicks = keys-setupKeys, clicks-setupClicks
	if d := br.Dialogs(); len(d) != 0 {
		t.Errorf("dialogs: %q", d)
	}

	rf, err := readReview(cfg.Review)
	if err != nil {
		t.Fatal(err)
	}
	inFile := 0
	for id, e := range rf.entries {
		if e.Status == "approved" && drafts[id] {
			inFile++
		}
	}
	if inFile != fortyDrafts {
		t.Errorf("the review file on disk approves %d drafts, want %d", inFile, fortyDrafts)
	}
	if n := reviewLeft(); n != left-fortyDrafts {
		t.Errorf("/studybot review: %d left, want %d", n, left-fortyDrafts)
	}
	per := float64(keys+clicks) / fortyDrafts
	human := time.Duration(float64(setup+keys+clicks)*2) * time.Second
	t.Logf("approved %d drafts (passed over %d other questions) with %d key presses and %d clicks after %d setup actions: %.2f actions per decision; "+
		"browser run %v (%v per decision); at ~2 s per human action, setup included: %v for 40 (the goal: under 5 min)",
		approved, passed, keys, clicks, setup, per, wall.Round(time.Millisecond), (wall / fortyDrafts).Round(time.Millisecond), human)
	if keys+clicks != fortyDrafts || passed != 0 {
		t.Errorf("%d actions for %d decisions (%d passes over other questions): want one key per decision", keys+clicks, fortyDrafts, passed)
	}
	if human >= 5*time.Minute {
		t.Errorf("%d actions for %d drafts: %v at 2 s each, over 5 minutes", setup+keys+clicks, fortyDrafts, human)
	}
}
