package slack_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/store"
)

// BenchmarkCloseCardsLimited closes the questions of
// STUDYBOT_CLOSE_CHANNELS (10,000) channels of one workspace at once
// through the real adapter and slack-go to the fake Slack, which answers
// after STUDYBOT_RTT_MS (100) and keeps Slack's limits: chat.postMessage
// one a second per channel and a workspace cap of STUDYBOT_SLACK_CAP (100)
// a second, the adapter pacing at 90% of it, as in
// BenchmarkPostCardsLimited; chat.update its Tier 3, 50 a minute (burst
// 10), the adapter pacing at its default, 45. The cards are posted first
// with the limits off. It reports the time the closing turn took (every
// result posted), the least the posting cap allows, their ratio, the
// closed cards updated by then and the 429s of each method. The card
// updater runs throughout, as in a real process.
func BenchmarkCloseCardsLimited(b *testing.B) {
	n := envInt("STUDYBOT_CLOSE_CHANNELS", 10000)
	rtt := time.Duration(envInt("STUDYBOT_RTT_MS", 100)) * time.Millisecond
	capacity := float64(envInt("STUDYBOT_SLACK_CAP", 100))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fake := slackfake.New("T0001")
		fake.SetLimits(slackfake.Limits{})
		ids := make([]string, n)
		for c := range ids {
			ids[c] = fmt.Sprintf("C%06d", c)
		}
		fake.Join(ids...)
		// the clock runs at the wall's pace from base, which the closing
		// moves to 17:05 (the cards close from 17:00 on)
		var base atomic.Pointer[time.Time]
		base0, real0 := time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo), time.Now()
		base.Store(&base0)
		now := func() time.Time { return base.Load().Add(time.Since(real0)) }
		space := store.SpaceRef{Platform: store.Slack, ID: "T0001"}
		path := filepath.Join(b.TempDir(), "close.db")
		db, err := store.Open(path, &store.Options{Now: now, NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		db.EnsureSpace(space, "Asia/Tokyo")
		for _, id := range ids {
			if err := db.PutChannel(store.Channel{Space: space, ID: id, Cron: bot.DefaultSchedule, TZ: "Asia/Tokyo", Lang: "ja", CloseAfter: 8 * time.Hour}); err != nil {
				b.Fatal(err)
			}
		}
		bt, err := bot.New(bot.Config{Bank: bottest.Bank(b), Store: db, Now: now})
		if err != nil {
			b.Fatal(err)
		}
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		adapter := func(rate float64) *studyslack.Adapter {
			ad, err := studyslack.New(studyslack.Config{BotToken: "xoxb-test", SigningSecret: secret, Mode: "http", APIURL: fake.URL(),
				HTTPClient: client, WorkspaceRate: rate, PostEvery: time.Millisecond, Now: now}, bt)
			if err != nil {
				b.Fatal(err)
			}
			bt.AddPlatform(ad)
			if err := ad.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			return ad
		}
		setup := adapter(1e6)
		bt.RunDue(context.Background(), now())
		if got := fake.Posted(); got != n {
			b.Fatalf("setup: %d cards posted, want %d", got, n)
		}
		setup.Close()
		ad := adapter(0.9 * capacity)
		limits := slackfake.DefaultLimits
		limits.WorkspaceRate = capacity
		fake.SetLimits(limits)
		fake.SetLatency(rtt)
		bt.StartUpdater()
		closeAt := time.Date(2026, 12, 1, 17, 5, 0, 0, tokyo).Add(-time.Since(real0))
		base.Store(&closeAt)
		posted0, updated0 := fake.Posted(), fake.Updated()
		b.StartTimer()
		began := time.Now()
		bt.RunDue(context.Background(), now())
		took := time.Since(began)
		b.StopTimer()
		if got := fake.Posted() - posted0; got != n {
			b.Fatalf("%d results posted, want %d", got, n)
		}
		least := time.Duration(float64(n-limits.WorkspaceBurst)/capacity*float64(time.Second)) + rtt
		b.ReportMetric(took.Seconds(), "close-s")
		b.ReportMetric(least.Seconds(), "limits-min-s")
		b.ReportMetric(took.Seconds()/least.Seconds(), "ratio")
		b.ReportMetric(float64(fake.Updated()-updated0), "cards-updated")
		b.ReportMetric(float64(fake.UpdatesRateLimited()), "update-429s")
		b.ReportMetric(float64(fake.RateLimited()), "post-429s")
		ad.Close()
		bt.Close()
		db.Close()
		fake.Close()
		b.StartTimer()
	}
}
