package slack_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/store"
)

// TestRateLimitParksOnlyItsChannel: the fake keeps Slack's limits on the
// test's clock. Channel C1 has used its burst (another app posted there),
// so the daily card there gets a 429 with Retry-After; the cards of the
// other channels go out at once, without the clock moving, and C1's goes
// once its Retry-After has passed.
func TestRateLimitParksOnlyItsChannel(t *testing.T) {
	clock := bottest.NewClock(tuesday09.Add(-time.Hour))
	fake := slackfake.New("T0001")
	t.Cleanup(fake.Close)
	fake.Verify(t)
	fake.SetClock(clock.Now)
	chans := []string{"C1", "C2", "C3", "C4"}
	fake.Join(chans...)
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now, NewTimer: clock.NewTimer})
	if err != nil {
		t.Fatal(err)
	}
	ad, err := studyslack.New(studyslack.Config{BotToken: "xoxb-test", SigningSecret: secret, Mode: "http", APIURL: fake.URL(), Now: clock.Now}, b)
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(ad)
	t.Cleanup(func() { ad.Close(); b.Close(); db.Close() })
	if err := ad.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, c := range chans {
		if _, err := b.EnsureChannel(ad.Space(), c); err != nil {
			t.Fatal(err)
		}
	}
	clock.Set(tuesday09)
	for range 3 { // the channel's burst, used up by someone else
		res, err := http.PostForm(fake.URL()+"chat.postMessage", url.Values{"token": {"xoxb-other"}, "channel": {"C1"}, "text": {"hi"}})
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("other app's post: %v %v", res, err)
		}
		res.Body.Close()
	}
	posted := func(ch string) int {
		n := 0
		for _, c := range fake.Calls("chat.postMessage") {
			if c.Form.Get("channel") == ch && c.Token == "xoxb-test" {
				n++
			}
		}
		return n
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.RunDue(context.Background(), clock.Now())
	}()
	bottest.WaitFor(t, "the other channels' cards", func() bool { return posted("C2")+posted("C3")+posted("C4") == 3 })
	bottest.WaitFor(t, "C1's 429", func() bool { return fake.RateLimited() == 1 })
	bottest.WaitFor(t, "the pool to wait for C1's Retry-After", func() bool { w, _ := clock.Timers(); return w > 0 })
	if posted("C1") != 0 {
		t.Fatal("C1 posted within its Retry-After")
	}
	select {
	case <-done:
		t.Fatal("RunDue returned without C1's card")
	default:
	}
	clock.Add(time.Second)
	<-done
	if posted("C1") != 1 {
		t.Errorf("C1: %d cards after its Retry-After", posted("C1"))
	}
	for _, c := range chans {
		p, err := db.LatestPost(ad.Space(), c)
		if err != nil || p.MessageRef == "" || p.SendFailures != 0 {
			t.Errorf("%s: %+v %v", c, p, err)
		}
	}
	if n := fake.RateLimited(); n != 1 {
		t.Errorf("%d 429s, want the one", n)
	}
}
