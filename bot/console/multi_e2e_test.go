package console_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/console"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// lockedBuffer is a bytes.Buffer the console writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestConsoleMultiEndToEnd: in the console, Tuesday's choose-two card is
// answered right by alice ("ac"-style) and wrong by bob, /me lists it as
// answered, /tick closes it, /explain shows it, and ticking on to Monday
// posts the weekly digest: both replies, the results, /explain and the
// digest's hardest question each name both correct options ("B: text /
// C: text").
func TestConsoleMultiEndToEnd(t *testing.T) {
	clock := console.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo), true, nil) // a Tuesday slot
	db, err := store.Open(filepath.Join(t.TempDir(), "c.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := bot.New(bot.Config{Bank: bottest.MultiBank(t), Store: db, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	in, feed := io.Pipe()
	var out lockedBuffer
	con := console.New(console.Config{In: in, Out: &out, User: "alice", Clock: clock, Location: tokyo, Banner: "BANNER", FileDir: t.TempDir()}, b)
	b.AddPlatform(con)
	done := make(chan error, 1)
	go func() { done <- con.Run(context.Background()) }()

	space := store.SpaceRef{Platform: store.Console, ID: "local"}
	var post store.Post
	bottest.WaitFor(t, "Tuesday's card", func() bool {
		p, err := db.LatestPost(space, console.Channel)
		post = p
		return err == nil
	})
	q := post.Question
	var right, wrong string
	var both []string
	for i, o := range q.Options {
		l := strings.ToLower(questions.Letter(i))
		if q.IsCorrectOption(o.ID) {
			right += l
			both = append(both, questions.Letter(i)+": "+o.Text)
		} else if len(wrong) < 2 {
			wrong += l
		}
	}
	lines := []string{right[:1] + "," + right[1:], "/as bob", wrong, "/me", "/tick", "/explain " + q.QuestionID}
	for range 16 {
		lines = append(lines, "/tick") // on to Monday's question and the digest after it
	}
	if _, err := io.WriteString(feed, strings.Join(lines, "\n")+"\n"); err != nil {
		t.Fatal(err)
	}
	feed.Close()
	if err := <-done; err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	b.Close() // the digest is rendered in the background: in the output once the bot has stopped
	text := out.String()
	joined := strings.Join(both, " / ")
	for _, w := range []string{"正解は " + joined, "正解: " + joined, "✅ 回答済み", "週間ダイジェスト", "今週いちばん難しかった問題"} {
		if !strings.Contains(text, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	// alice's and bob's replies and /explain say "正解は …"; the results and the digest "正解: …"
	if n := strings.Count(text, "正解は "+joined); n != 3 {
		t.Errorf("%d replies name both correct options, want 3 (alice's, bob's, /explain)", n)
	}
	if n := strings.Count(text, "正解: "+joined); n != 2 {
		t.Errorf("%d posts name both correct options, want 2 (the results, the digest)", n)
	}
	if t.Failed() {
		t.Logf("output:\n%s", text)
	}
}
