package discord

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/discord/discordfake"
	"github.com/studybot/studybot/bot/render"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestMeEmbedGolden pins /me's ephemeral response (embeds and buttons), in
// Japanese and English, and checks it with the fake's limits.
func TestMeEmbedGolden(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		r := response(bot.Response{Private: true, Messages: render.MeMessages(bottest.MeFixture(false), lang)})
		got, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(r.Data)
		if v := discordfake.ValidateMessage("me", data, false); len(v) > 0 {
			t.Errorf("%s: %v", lang, v)
		}
		path := filepath.Join("testdata", "me-"+lang+".golden")
		if *update {
			os.MkdirAll("testdata", 0o755)
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./bot/discord -run MeEmbedGolden -update)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from %s:\n%s", lang, path, got)
		}
	}
}

// TestMeEmbedHugeState: however large the state, /me's response stays
// within Discord's limits (6,000 characters of embeds, 25 fields, five
// rows of at most five buttons).
func TestMeEmbedHugeState(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		r := response(bot.Response{Private: true, Messages: render.MeMessages(bottest.MeFixture(true), lang)})
		data, _ := json.Marshal(r.Data)
		if v := discordfake.ValidateMessage("me", data, false); len(v) > 0 {
			t.Errorf("%s: %s", lang, strings.Join(v, "\n"))
		}
		if len(r.Data.Components) == 0 {
			t.Errorf("%s: no buttons", lang)
		}
	}
}
