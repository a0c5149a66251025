package discord_test

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studydiscord "github.com/studybot/studybot/bot/discord"
	"github.com/studybot/studybot/bot/discord/discordfake"
	"github.com/studybot/studybot/store"
)

// TestRateLimitParksOnlyItsRoute: the fake keeps Discord's limits on the
// test's clock and reports each route's bucket in its headers. Channel
// 1001's message bucket (5 per window) was used up by another client, so the
// daily card there gets a 429 with retry_after; discordgo does not sleep
// on it (the adapter asks it not to retry) and the cards of the other
// channels go out at once, without the clock moving. 1001's card goes
// when its bucket resets, and no request ever met the global limit.
func TestRateLimitParksOnlyItsRoute(t *testing.T) {
	clock := bottest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, tokyo))
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.Verify(t)
	fake.SetClock(clock.Now)
	// a short window: discordgo keeps its own copy of the bucket on the
	// wall clock and sleeps out what is left of it after the test's clock
	// has moved past the reset
	lim := discordfake.DefaultLimits
	lim.MessageWindow = 300 * time.Millisecond
	fake.SetLimits(lim)
	db, err := store.Open(filepath.Join(t.TempDir(), "d.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now, NewTimer: clock.NewTimer})
	if err != nil {
		t.Fatal(err)
	}
	ad, err := studydiscord.New(studydiscord.Config{Token: "t", AppID: "APP", HTTPClient: fake.Client(), Now: clock.Now}, b)
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(ad)
	t.Cleanup(func() { ad.Close(); b.Close(); db.Close() })
	space := store.SpaceRef{Platform: store.Discord, ID: "900"}
	chans := []string{"1001", "1002", "1003", "1004"}
	for _, c := range chans {
		if _, err := b.EnsureChannel(space, c); err != nil {
			t.Fatal(err)
		}
	}
	clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo))
	other := fake.Client()
	for range 5 { // the channel's bucket, used up by another client
		res, err := other.Post("https://discord.com/api/v9/channels/1001/messages", "application/json", bytes.NewReader([]byte(`{"content":"hi"}`)))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("other client's post: %v %v", res, err)
		}
		res.Body.Close()
	}
	cards := func(ch string) int {
		n := 0
		for _, c := range fake.Calls(http.MethodPost, "/api/v9/channels/"+ch+"/messages") {
			if strings.Contains(string(c.Raw), `"embeds"`) {
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
	bottest.WaitFor(t, "the other channels' cards", func() bool { return cards("1002")+cards("1003")+cards("1004") == 3 })
	bottest.WaitFor(t, "1001's 429", func() bool { return fake.RateLimited("route") == 1 })
	bottest.WaitFor(t, "the pool to wait for 1001's bucket", func() bool { w, _ := clock.Timers(); return w > 0 })
	if cards("1001") != 0 {
		t.Fatal("1001 posted before its bucket reset")
	}
	select {
	case <-done:
		t.Fatal("RunDue returned without 1001's card")
	default:
	}
	clock.Add(time.Second) // the bucket's reset, and the adapter's own pace in the channel (PostEvery)
	<-done
	if cards("1001") != 1 {
		t.Errorf("1001: %d cards after its reset", cards("1001"))
	}
	for _, c := range chans {
		p, err := db.LatestPost(space, c)
		if err != nil || p.MessageRef == "" || p.SendFailures != 0 {
			t.Errorf("%s: %+v %v", c, p, err)
		}
	}
	if n, g := fake.RateLimited("route"), fake.RateLimited("global"); n != 1 || g != 0 {
		t.Errorf("429s: %d on routes (want the one), %d global", n, g)
	}
}

// TestClosingParksOnlyItsRoute: closing goes through the same queue as
// posting. At 17:00 another client has used up channel 1001's message
// bucket (creating and editing messages share it). The other channels'
// cards are closed and their results posted at once, without the clock
// moving; 1001's closed card meets the 429 (the adapter could not know
// that edits share the bucket), which parks the bucket, so its results
// are not tried within the park: they go, and the card updater edits the
// card, once the bucket resets. One 429 in all, none global.
func TestClosingParksOnlyItsRoute(t *testing.T) {
	clock := bottest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, tokyo))
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.Verify(t)
	fake.SetClock(clock.Now)
	lim := discordfake.DefaultLimits
	lim.MessageWindow = 300 * time.Millisecond // as in TestRateLimitParksOnlyItsRoute
	fake.SetLimits(lim)
	db, err := store.Open(filepath.Join(t.TempDir(), "d.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now, NewTimer: clock.NewTimer, UpdateEvery: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ad, err := studydiscord.New(studydiscord.Config{Token: "t", AppID: "APP", HTTPClient: fake.Client(), Now: clock.Now}, b)
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(ad)
	t.Cleanup(func() { ad.Close(); b.Close(); db.Close() })
	space := store.SpaceRef{Platform: store.Discord, ID: "900"}
	chans := []string{"1001", "1002", "1003"} // five calls at 17:00: the global pace's burst
	for _, c := range chans {
		if _, err := b.EnsureChannel(space, c); err != nil {
			t.Fatal(err)
		}
	}
	clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo))
	b.RunDue(context.Background(), clock.Now())
	posts := func(ch string) int { return len(fake.Calls(http.MethodPost, "/api/v9/channels/"+ch+"/messages")) }
	edits := func(ch string) int {
		p, err := db.LatestPost(space, ch)
		if err != nil {
			t.Fatal(err)
		}
		return len(fake.Calls(http.MethodPatch, "/api/v9/channels/"+ch+"/messages/"+p.MessageRef))
	}
	for _, c := range chans {
		if posts(c) != 1 {
			t.Fatalf("%s: %d posts at 09:00, want the card", c, posts(c))
		}
	}
	b.StartUpdater()

	clock.Set(time.Date(2026, 12, 1, 17, 0, 1, 0, tokyo))
	other := fake.Client()
	for range 5 { // the channel's bucket, used up by another client
		res, err := other.Post("https://discord.com/api/v9/channels/1001/messages", "application/json", bytes.NewReader([]byte(`{"content":"hi"}`)))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("other client's post: %v %v", res, err)
		}
		res.Body.Close()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.RunDue(context.Background(), clock.Now())
	}()
	bottest.WaitFor(t, "the other channels' results and closed cards", func() bool {
		for _, c := range chans[1:] {
			if posts(c) != 2 || edits(c) != 1 {
				return false
			}
		}
		return true
	})
	bottest.WaitFor(t, "1001's 429", func() bool { return fake.RateLimited("route") == 1 })
	bottest.WaitFor(t, "the pool to wait for 1001's bucket", func() bool { w, _ := clock.Timers(); return w > 0 })
	if n := posts("1001"); n != 6 { // the card and the other client's five
		t.Fatalf("1001: %d posts within the park, want no results yet", n-5)
	}
	select {
	case <-done:
		t.Fatal("RunDue returned without 1001's results")
	default:
	}
	clock.Add(time.Second) // the bucket's reset, and the adapter's own pace in the channel
	<-done
	bottest.WaitFor(t, "1001's closed card", func() bool { return edits("1001") == 1 })
	if n := posts("1001"); n != 7 {
		t.Errorf("1001: %d results after the reset, want 1", n-6)
	}
	for _, c := range chans {
		if p, err := db.LatestPost(space, c); err != nil || !p.Closed {
			t.Errorf("%s: %+v %v", c, p, err)
		}
	}
	if n, g := fake.RateLimited("route"), fake.RateLimited("global"); n != 1 || g != 0 {
		t.Errorf("429s: %d on routes (want the one), %d global", n, g)
	}
}
