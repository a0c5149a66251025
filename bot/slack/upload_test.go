package slack_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/digest"
)

// TestPostFileExternalUpload: the digest's chart goes through Slack's
// external upload flow: files.getUploadURLExternal with the file's name and
// length, the bytes to the upload URL (the fake checks they decode as a
// PNG), files.completeUploadExternal sharing it in the channel with the
// text as its comment.
func TestPostFileExternalUpload(t *testing.T) {
	r := newRig(t, "socket")
	w := digest.Week{Lang: "en", Start: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Domains: []digest.Domain{{Number: 1, Title: "設計", Weight: 30, This: digest.Tally{Answered: 4, Correct: 3}, Last: digest.Tally{Answered: 2, Correct: 1}}}}
	png, err := digest.Render(w)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.ad.PostFile(context.Background(), "C1", bot.Message{Body: w.Text()}, bot.File{Name: "digest-2026-11-23.png", Data: png, Alt: "chart"}); err != nil {
		t.Fatal(err)
	}
	files := r.fake.Files()
	if len(files) != 1 {
		t.Fatalf("%d files uploaded, want 1", len(files))
	}
	f := files[0]
	if f.Name != "digest-2026-11-23.png" || f.Length != len(png) || !bytes.Equal(f.Data, png) || f.Channel != "C1" || !strings.Contains(f.Comment, "Weekly digest") {
		t.Errorf("uploaded %s (%d bytes announced, %d sent) to %q, comment %q", f.Name, f.Length, len(f.Data), f.Channel, f.Comment)
	}
	if len(r.fake.Calls("files.getUploadURLExternal")) != 1 || len(r.fake.Calls("files.completeUploadExternal")) != 1 {
		t.Errorf("calls: %d get URL, %d complete", len(r.fake.Calls("files.getUploadURLExternal")), len(r.fake.Calls("files.completeUploadExternal")))
	}
}
