package console_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/console"
	"github.com/studybot/studybot/store"
)

// Chat markup that must never reach the terminal: Slack's *bold*,
// Discord's **bold** and Slack's <url|text> links.
var (
	slackBold   = regexp.MustCompile(`(^|[^A-Za-z0-9*])\*[^\s*][^*\n]*[^\s*]\*($|[^A-Za-z0-9*])|(^|[^A-Za-z0-9*])\*[^\s*]\*`)
	discordBold = regexp.MustCompile(`\*\*`)
	slackLink   = regexp.MustCompile(`<[^<>\n]*\|[^<>\n]*>`)
)

// TestConsoleShowsNoPlatformMarkup drives a console through a fortnight
// of every kind of message — the daily card, the private feedback, the
// results, the weekly digest, a review reminder (a DM), /stats, /review,
// /quiz, /leaderboard, /memo, /streak, /help and the admin replies — and
// checks that none of it carries another platform's markup.
func TestConsoleShowsNoPlatformMarkup(t *testing.T) {
	start := time.Date(2026, 11, 23, 7, 30, 0, 0, tokyo) // a Monday, before the slot
	lines := []string{"a", "/as bob", "b", "/as alice", "/review remind 21:00", "/stats", "/review", "a", "/quiz", "/leaderboard",
		"/memo CodeDeploy", "/streak", "/help", "/studybot status", "/studybot insights", "/studybot history", "/studybot reports",
		"/studybot review", "/studybot digest now", "/explain nosuchid"}
	for i := 0; i < 22; i++ { // two weeks of slots and closes: results, digests, reminders
		lines = append(lines, "/tick", "a", "/as bob", "b", "/as alice")
	}
	out := closedSession(t, start, lines...)
	kinds := map[string]string{
		"daily card": "📝 今日の問題", "feedback": "正解", "results": "📊 結果", "digest": "週間ダイジェスト（",
		"reminder": "✉ DM", "stats": "分野", "leaderboard": "🏆", "memo": "🔎", "streak": "🔥", "review": "🔁",
	}
	for kind, w := range kinds {
		if !strings.Contains(out, w) {
			t.Errorf("the session never showed a %s (%q)", kind, w)
		}
	}
	for name, re := range map[string]*regexp.Regexp{"Slack *bold*": slackBold, "Discord **bold**": discordBold, "Slack <url|text> link": slackLink} {
		for i, l := range strings.Split(out, "\n") {
			if re.MatchString(l) {
				t.Errorf("line %d shows %s: %q", i+1, name, l)
			}
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// closedSession is session, but the bot is closed before the output is
// read, so that what it renders in the background (the digest) is in.
func closedSession(t *testing.T, start time.Time, lines ...string) string {
	t.Helper()
	clock := console.NewClock(start, true, nil)
	db, err := store.Open(filepath.Join(t.TempDir(), "c.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	con := console.New(console.Config{In: strings.NewReader(strings.Join(lines, "\n") + "\n"), Out: &out, User: "alice",
		Clock: clock, Location: tokyo, Banner: "BANNER", FileDir: t.TempDir()}, b)
	b.AddPlatform(con)
	if err := con.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}
