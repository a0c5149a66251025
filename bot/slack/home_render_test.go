package slack

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/studybot/studybot/bot/bottest"
	sbrender "github.com/studybot/studybot/bot/render"
	"github.com/studybot/studybot/bot/slack/slackfake"
)

var updateHome = flag.Bool("update", false, "rewrite the golden files under testdata")

// blockIDs are the per-process block IDs, left out of goldens.
var blockIDs = regexp.MustCompile(`"block_id":\s*"answers:[^"]*"`)

// TestHomeViewGolden pins the Home tab's view (ja, en; an admin's) and
// checks it with the strict fake's rules for blocks.
func TestHomeViewGolden(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		view := homeView(sbrender.MeMessages(bottest.MeFixture(false), lang))
		raw, _ := json.Marshal(view.Blocks)
		if v, _ := slackfake.ValidateBlocks(raw); len(v) > 0 {
			t.Errorf("%s: %v", lang, v)
		}
		got, err := json.MarshalIndent(view, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = blockIDs.ReplaceAll(got, []byte(`"block_id": "answers:*"`))
		path := filepath.Join("testdata", "home-"+lang+".golden")
		if *updateHome {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./bot/slack -run HomeViewGolden -update)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from %s:\n%s", lang, path, got)
		}
	}
}

// TestHomeViewHugeState: many domains, long names, huge numbers: the view
// stays within a Home tab's 100 blocks and every block's limits, and under
// the adapter's payload budget.
func TestHomeViewHugeState(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		view := homeView(sbrender.MeMessages(bottest.MeFixture(true), lang))
		raw, _ := json.Marshal(view.Blocks)
		if n := len(view.Blocks.BlockSet); n > maxHomeBlocks || n == 0 {
			t.Errorf("%s: %d blocks", lang, n)
		}
		if v, _ := slackfake.ValidateBlocks(raw); len(v) > 0 {
			t.Errorf("%s: %s", lang, strings.Join(v, "\n"))
		}
		if len(raw) > maxPayload {
			t.Errorf("%s: %d bytes of blocks, budget %d", lang, len(raw), maxPayload)
		}
		if !strings.Contains(string(raw), "sb1:c:review") {
			t.Errorf("%s: Start review lost to truncation", lang)
		}
	}
}
