package console_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/console"
)

// TestDM: a direct message is printed under a line naming its recipient.
func TestDM(t *testing.T) {
	var out bytes.Buffer
	c := console.New(console.Config{Out: &out}, nil)
	if err := c.DM(context.Background(), "bob", bot.Message{Title: "🔁 復習の時間です", Body: "復習する項目が 2 件あります。"}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.HasPrefix(s, "✉ DM → @bob\n🔁 復習の時間です\n復習する項目が 2 件あります。\n") {
		t.Errorf("printed:\n%s", s)
	}
}

// TestConsoleRemind: /review remind works in the console (it can send
// direct messages) and /review tz changes the zone.
func TestConsoleRemind(t *testing.T) {
	out := session(t, time.Date(2026, 12, 1, 8, 0, 0, 0, tokyo), "/review remind 21:00", "/review tz Europe/London", "/review remind")
	for _, w := range []string{"毎日 21:00（Asia/Tokyo）", "タイムゾーンを Europe/London", "毎日 21:00（Europe/London）"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}
