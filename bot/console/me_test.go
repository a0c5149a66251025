package console_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/console"
	"github.com/studybot/studybot/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestConsoleMeGolden pins the console's text view of /me, in Japanese
// and English, before and after answering the day's question: the
// buttons show as the commands they run.
func TestConsoleMeGolden(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		t.Run(lang, func(t *testing.T) {
			nine := time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo)
			clock := console.NewClock(nine, true, nil)
			db, err := store.Open(filepath.Join(t.TempDir(), "c.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now, Lang: lang})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			var out bytes.Buffer
			in := strings.Join([]string{"/me", "a", "/review remind 21:00", "/me"}, "\n") + "\n"
			con := console.New(console.Config{In: strings.NewReader(in), Out: &out, User: "alice", Clock: clock, Location: tokyo, Banner: "BANNER"}, b)
			b.AddPlatform(con)
			if err := con.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			con.Close()
			got := out.String()
			for _, w := range []string{"/review remind 07:00", "/review\n", "/review tz UTC"} {
				if !strings.Contains(got, w) {
					t.Errorf("the view lacks %q", w)
				}
			}
			path := filepath.Join("testdata", "me-"+lang+".golden")
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./bot/console -run MeGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("differs from %s:\n%s", path, got)
			}
		})
	}
}
