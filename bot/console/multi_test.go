package console_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/console"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// TestConsoleMultiGolden pins the console's text for a choose-2 and a
// choose-3 card, open and closed with counts, their results and a reply.
func TestConsoleMultiGolden(t *testing.T) {
	for _, lang := range bot.Languages {
		for _, c := range bottest.MultiCases(lang) {
			t.Run(c.Name, func(t *testing.T) {
				var out bytes.Buffer
				con := console.New(console.Config{In: strings.NewReader(""), Out: &out, Location: tokyo, Clock: console.NewClock(time.Now(), true, nil)}, nil)
				if c.Message.Kind == bot.KindCard {
					con.PostCard(context.Background(), console.Channel, c.Message)
				} else {
					con.Post(context.Background(), console.Channel, c.Message)
				}
				path := filepath.Join("testdata", c.Name+".golden")
				if *update {
					os.MkdirAll("testdata", 0o755)
					os.WriteFile(path, out.Bytes(), 0o644)
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if out.String() != string(want) {
					t.Errorf("%s differs from %s:\n%s", c.Name, path, out.String())
				}
			})
		}
	}
}

// multiSession is session (console_test.go) on a bank of bank.
func multiSession(t *testing.T, bank *questions.Bank, start time.Time, lines ...string) (string, *store.DB) {
	t.Helper()
	clock := console.NewClock(start, true, nil)
	db, err := store.Open(filepath.Join(t.TempDir(), "c.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := bot.New(bot.Config{Bank: bank, Store: db, Now: clock.Now})
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
	return out.String(), db
}

// TestConsoleMultiAnswer: on a choose-two card one letter and three
// letters are refused with the count and record nothing; "A, C"-style
// input answers once; a second answer is refused as already answered; the
// results count per option.
func TestConsoleMultiAnswer(t *testing.T) {
	bank := bottest.MultiBank(t)
	nine := time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo)
	out, db := multiSession(t, bank, nine, "a", "a b c", "aa", "A,c", "bd", "/as bob", "C b", "/tick")
	for _, w := range []string{"☑️ 2 つ選択", "type their letters", "2 つ選んでください（選んだのは 1 つ）", "2 つ選んでください（選んだのは 3 つ）",
		"回答済みです", "あなたの回答: ", "📊 結果 #1"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if n := strings.Count(out, "選んだのは 1 つ"); n != 2 { // "a" and "aa"
		t.Errorf("%d one-option refusals, want 2:\n%s", n, out)
	}
	post, err := db.LatestPost(store.SpaceRef{Platform: store.Console, ID: "local"}, console.Channel)
	if err != nil {
		t.Fatal(err)
	}
	answers, _ := db.PostAnswers(post.ID)
	if len(answers) != 2 {
		t.Fatalf("%d answers stored, want 2 (alice once, bob once): %+v", len(answers), answers)
	}
	q := post.Question
	for _, a := range answers {
		if len(questions.SplitSet(a.OptionID)) != 2 {
			t.Errorf("%s stored %q", a.UserID, a.OptionID)
		}
	}
	// bob chose B and C: right exactly when that is the correct set
	for _, a := range answers {
		if a.UserID == "bob" && a.Correct != (questions.SetKey([]string{q.Options[1].ID, q.Options[2].ID}) == q.AnswerID) {
			t.Errorf("bob's answer %q marked %v, answer %q", a.OptionID, a.Correct, q.AnswerID)
		}
	}
}

// TestConsoleHelpMentionsChooseN: the banner's help line, /help and the
// reply to a line that is neither an answer nor a command say how to
// answer a choose-N card.
func TestConsoleHelpMentionsChooseN(t *testing.T) {
	bank := bottest.MultiBank(t)
	out, _ := multiSession(t, bank, time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo), "/help", "hello")
	const want = "choose N: ac or a,c"
	if n := strings.Count(out, want); n < 3 {
		t.Errorf("%q %d times, want in the banner, /help and the hint for a stray line:\n%s", want, n, out)
	}
	if !strings.Contains(out, "Type a–d (or 1–4) to answer, or ac / a,c on a choose-N card") {
		t.Errorf("the stray line's reply does not say how to answer a choose-N card:\n%s", out)
	}
}
