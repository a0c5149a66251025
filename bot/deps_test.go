package bot_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const mod = "github.com/studybot/studybot"

// layers places every package of the module on a floor: a package may
// import only packages on lower floors (never one on its own floor: no
// capability imports another, no adapter another). The order is the design
// card's: adapters → bot → capabilities → core → (pace, render) →
// (questions, store). A package missing here fails the test, so a new one
// is placed on purpose.
var layers = map[string]int{
	// the program and the adapters
	"cmd/studybot": 7,
	"bot/slack":    6, "bot/discord": 6, "bot/console": 6, "bot/web": 6, "bot/bottest": 6,
	// the core: Bot, Config, the registry's handlers and the due-loop
	"bot": 5,
	// capabilities, one job each
	"bot/quiz": 4, "bot/learn": 4, "bot/curate": 4, "bot/digest": 4,
	// what every capability shares
	"bot/core": 3,
	// pacing and the message model
	"bot/pace": 2, "bot/render": 2,
	// adapters' support: the request gate, the fakes and their checks
	"bot/webhook": 2, "bot/slack/slackfake": 2, "bot/discord/discordfake": 2, "questions/draft": 2,
	// the browser tests' harness (chromedp over Debian's chromium)
	"bot/web/webtest":        2,
	"bot/internal/violation": 1, "questions/draft/drafttest": 1,
	// the nouns
	"questions": 1, "store": 1,
}

// sdks are the chat SDKs: only their own adapter may import one.
var sdks = map[string]string{"github.com/slack-go/slack": "bot/slack", "github.com/bwmarrin/discordgo": "bot/discord"}

// maxLines bounds a package's non-test source (one folder, not its
// sub-folders), so that no folder grows into a house of its own again.
const maxLines = 3000

type listed struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
}

// TestDependenciesPointInward checks the design card's one direction
// (layers): no package imports one on its own floor or above it; the
// chat SDKs stay in their adapters; bbolt stays in store; no bot package
// has over maxLines lines of non-test Go.
func TestDependenciesPointInward(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("no go command: %v", err)
	}
	out, err := exec.Command("go", "list", "-json", mod+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, mod), "/")
		seen[rel] = true
		floor, ok := layers[rel]
		if !ok {
			t.Errorf("%s is on no floor: place it in layers", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			for sdk, owner := range sdks {
				if strings.HasPrefix(imp, sdk) && rel != owner {
					t.Errorf("%s imports %s: only %s may", rel, imp, owner)
				}
			}
			if strings.HasPrefix(imp, "go.etcd.io/bbolt") && rel != "store" {
				t.Errorf("%s imports %s: only store may", rel, imp)
			}
			if !strings.HasPrefix(imp, mod+"/") {
				continue
			}
			dep := strings.TrimPrefix(imp, mod+"/")
			if f, ok := layers[dep]; ok && f >= floor {
				t.Errorf("%s (floor %d) imports %s (floor %d): imports point down only", rel, floor, dep, f)
			}
		}
		if rel == "bot" || strings.HasPrefix(rel, "bot/") {
			if n := lines(t, p.Dir, p.GoFiles); n > maxLines {
				t.Errorf("%s has %d lines of non-test Go, over %d: split it by job", rel, n, maxLines)
			}
		}
	}
	for rel := range layers {
		if !seen[rel] {
			t.Errorf("%s is named in layers but is not in the module (renamed, moved?)", rel)
		}
	}
}

// lines counts the lines of a package's files.
func lines(t *testing.T, dir string, files []string) int {
	t.Helper()
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		n += strings.Count(string(b), "\n")
	}
	return n
}
