package slack_test

import (
	"context"
	"fmt"
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

// drive moves clock forward by step whenever something waits on it, until
// done is closed.
func drive(t *testing.T, clock *bottest.Clock, done <-chan struct{}, step time.Duration) {
	t.Helper()
	isDone := func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	for !isDone() {
		bottest.WaitFor(t, "a wait on the clock", func() bool { w, _ := clock.Timers(); return w > 0 || isDone() })
		clock.Add(step)
	}
}

// TestClosingPacesCardUpdates: the fake keeps Slack's limits, chat.update's
// Tier 3 among them (50 a minute per workspace, a burst of 10), on the
// test's clock, and another app has just used up chat.update's burst.
// Closing 30 questions at 17:00 posts every result within the
// chat.postMessage limits, without waiting for the closed cards; those
// follow, sent by the card updater, at the adapter's update pace (45 a
// minute): a handful of 429s at first (the other app's burst, which the
// adapter cannot know), then none; every channel gets its results once.
func TestClosingPacesCardUpdates(t *testing.T) {
	clock := bottest.NewClock(tuesday09.Add(-time.Hour))
	fake := slackfake.New("T0001")
	t.Cleanup(fake.Close)
	fake.Verify(t)
	fake.SetClock(clock.Now)
	var chans []string
	for i := range 30 {
		chans = append(chans, fmt.Sprintf("C%02d", i))
	}
	fake.Join(chans...)
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now, NewTimer: clock.NewTimer, UpdateEvery: time.Millisecond})
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
	run := func() (took time.Duration) {
		start := clock.Now()
		done := make(chan struct{})
		go func() {
			defer close(done)
			b.RunDue(context.Background(), clock.Now())
		}()
		drive(t, clock, done, 100*time.Millisecond)
		return clock.Now().Sub(start)
	}
	clock.Set(tuesday09)
	run()
	if n := fake.Posted(); n != 30 {
		t.Fatalf("%d cards posted, want 30", n)
	}
	card, err := db.LatestPost(ad.Space(), "C00")
	if err != nil {
		t.Fatal(err)
	}
	// another app uses up chat.update's burst; then every question closes
	// (the cards went out from 09:00:00 to 09:00:03: eight hours later,
	// rounded up to the whole minute the cards announce, 17:01)
	closeAt := tuesday09.Add(8*time.Hour + time.Minute)
	clock.Set(closeAt)
	for range 10 {
		res, err := http.PostForm(fake.URL()+"chat.update", url.Values{"token": {"xoxb-other"}, "channel": {"C00"}, "ts": {card.MessageRef}, "text": {"hi"}})
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("other app's update: %v %v", res, err)
		}
		res.Body.Close()
	}
	updated0 := fake.Updated()

	// the closing turn, with the card updater not yet running: it returns
	// once every result is posted, having sent at most the update pace's
	// burst of closed cards itself
	took := run()
	if n := fake.Posted(); n != 60 {
		t.Errorf("%d posts after closing, want 30 cards and 30 results", n)
	}
	t.Logf("results: %v of the clock, %d closed cards updated by then", took, fake.Updated()-updated0)
	if n := fake.Updated() - updated0; n > 5 {
		t.Errorf("%d closed cards updated by the closing turn, want at most the burst of 5", n)
	}
	if took >= 25*time.Minute/45 {
		t.Errorf("the results took %v of the clock, as long as the closed cards' updates need", took)
	}
	// the card updater sends the closed cards at the adapter's pace
	b.StartUpdater()
	start := clock.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		bottest.WaitFor(t, "the 30 closed cards", func() bool { return fake.Updated()-updated0 == 30 })
	}()
	drive(t, clock, done, time.Second)
	took = clock.Now().Sub(closeAt)
	t.Logf("closed cards: %v of the clock, %d chat.update 429s", took, fake.UpdatesRateLimited())
	if least := 25 * time.Minute / 45; took < least || took > least+15*time.Second {
		t.Errorf("the closed cards took %v of the clock (%v after the results), want about %v (45 a minute after a burst of 5)", took, clock.Now().Sub(start), least)
	}
	if n := fake.UpdatesRateLimited(); n < 1 || n > 5 {
		t.Errorf("%d chat.update 429s, want 1 to 5 (the adapter's burst meeting the other app's)", n)
	}
	// chat.postMessage 429s come only from the test's clock running ahead
	// of the workers (booked posts then arrive bunched); each parks its
	// channel and the post goes later, once
	t.Logf("%d chat.postMessage 429s", fake.RateLimited())
	posts := map[string]int{}
	for _, c := range fake.Calls("chat.postMessage") {
		posts[c.Form.Get("channel")]++
	}
	for _, c := range chans {
		if posts[c] != 2 {
			t.Errorf("%s: %d posts, want the card and the results", c, posts[c])
		}
		p, err := db.LatestPost(ad.Space(), c)
		if err != nil || !p.Closed {
			t.Errorf("%s: post %s closed %v, %v", c, p.ID, p.Closed, err)
		}
	}
}
