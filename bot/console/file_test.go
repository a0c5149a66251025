package console_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/console"
)

// TestPostFile: the console writes a posted file into FileDir and prints
// the message and the file's path.
func TestPostFile(t *testing.T) {
	var out bytes.Buffer
	dir := t.TempDir()
	c := console.New(console.Config{Out: &out, FileDir: dir}, nil)
	data := []byte("\x89PNG fake")
	if err := c.PostFile(context.Background(), console.Channel, bot.Message{Body: "週間ダイジェスト"}, bot.File{Name: "digest-2026-11-23.png", Data: data, Alt: "chart"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "studybot-console-digest-2026-11-23.png")
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("file %s: %q, %v", path, got, err)
	}
	if s := out.String(); !strings.Contains(s, "週間ダイジェスト\n") || !strings.Contains(s, "📎 chart: "+path+"\n") {
		t.Errorf("printed:\n%s", s)
	}
}
