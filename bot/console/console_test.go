package console_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/console"
	"github.com/studybot/studybot/store"
)

var tokyo, _ = time.LoadLocation("Asia/Tokyo")

// session runs a console on a fresh bot and store at start (a frozen
// clock) with the given input lines, and returns what it printed.
func session(t *testing.T, start time.Time, lines ...string) string {
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
	defer b.Close()
	var out bytes.Buffer
	con := console.New(console.Config{In: strings.NewReader(strings.Join(lines, "\n") + "\n"), Out: &out, User: "alice",
		Clock: clock, Location: tokyo, Banner: "BANNER"}, b)
	b.AddPlatform(con)
	if err := con.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if err := con.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestConsoleDailyCardAndAnswer: at a slot the console shows the banner
// and the day's card; a letter answers it once, a second answer is
// refused, and /tick closes the question with its results.
func TestConsoleDailyCardAndAnswer(t *testing.T) {
	nine := time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo) // a Tuesday slot
	out := session(t, nine, "a", "b", "/tick")
	for _, w := range []string{"BANNER", "📝 今日の問題 #1", "回答済みです", "📊 結果 #1"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if !strings.Contains(out, "✅ 正解") && !strings.Contains(out, "❌ 不正解") {
		t.Errorf("no feedback to the answer:\n%s", out)
	}
	if i, j := strings.Index(out, "回答済みです"), strings.Index(out, "📊 結果"); i > j {
		t.Errorf("results before the second answer:\n%s", out)
	}
}

// TestConsoleInput: a newcomer gets a card at once (posted now), an
// answer letter the card lacks and text that is no command are explained,
// /as switches the user, commands reach the core.
func TestConsoleInput(t *testing.T) {
	eight := time.Date(2026, 12, 1, 8, 0, 0, 0, tokyo) // before the day's slot
	out := session(t, eight, "h", "hello", "/as bob", "/streak", "/review", "a", "/frob")
	for _, w := range []string{"📝 今日の問題 #1", "No question with that option is open", "Type a–d", "you are now bob", "🔥 連続記録", "🔁 復習", "復習を記録しました", "知らないコマンド"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}
