package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/render")

// TestHelpGolden pins /help, which the command registry writes (the other
// builders' goldens are in bot/render).
func TestHelpGolden(t *testing.T) {
	for _, lang := range Languages {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(helpMessage(lang)); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "render", "help-"+lang+".golden")
		if *update {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to write it)", err)
		}
		if got := buf.String(); got != string(want) {
			t.Errorf("help-%s differs from %s:\n%s", lang, path, got)
		}
	}
}
