package slack_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/store"
)

// envInt reads a positive integer from the environment, or def.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkPostCardsLimited posts the 09:00 cards of
// STUDYBOT_POST_CHANNELS (10,000) channels of one workspace through the
// real adapter and slack-go to the fake Slack, which answers after a
// simulated round trip (STUDYBOT_RTT_MS, 100) and keeps Slack's limits: one
// post a second per channel and a workspace cap of
// STUDYBOT_SLACK_CAP posts a second (100 here, so that a run takes two
// minutes; the fake's default is 10), with the adapter's workspace pace at
// 90% of the cap. The store is durable (fsync on). It reports the time,
// the least time the fake's limits allow ((n − burst) / cap + one round
// trip) and their ratio; the target is a ratio of at most 1.2.
func BenchmarkPostCardsLimited(b *testing.B) {
	n := envInt("STUDYBOT_POST_CHANNELS", 10000)
	rtt := time.Duration(envInt("STUDYBOT_RTT_MS", 100)) * time.Millisecond
	capacity := float64(envInt("STUDYBOT_SLACK_CAP", 100))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fake := slackfake.New("T0001")
		limits := slackfake.DefaultLimits
		limits.WorkspaceRate = capacity
		fake.SetLimits(limits)
		ids := make([]string, n)
		for c := range ids {
			ids[c] = fmt.Sprintf("C%06d", c)
		}
		fake.Join(ids...)
		start0, real0 := time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo), time.Now()
		now := func() time.Time { return start0.Add(time.Since(real0)) } // Tuesday 09:00 on, at the wall's pace
		space := store.SpaceRef{Platform: store.Slack, ID: "T0001"}
		path := filepath.Join(b.TempDir(), "post.db")
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
		db.Close()
		if db, err = store.Open(path, &store.Options{Now: now}); err != nil {
			b.Fatal(err)
		}
		bt, err := bot.New(bot.Config{Bank: bottest.Bank(b), Store: db, Now: now})
		if err != nil {
			b.Fatal(err)
		}
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		ad, err := studyslack.New(studyslack.Config{BotToken: "xoxb-test", SigningSecret: secret, Mode: "http", APIURL: fake.URL(),
			HTTPClient: client, WorkspaceRate: 0.9 * capacity}, bt)
		if err != nil {
			b.Fatal(err)
		}
		bt.AddPlatform(ad)
		if err := ad.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		fake.SetLatency(rtt)
		b.StartTimer()
		began := time.Now()
		bt.RunDue(context.Background(), now())
		took := time.Since(began)
		b.StopTimer()
		if got := fake.Posted(); got != n {
			for _, id := range ids {
				if ch, _ := db.GetChannel(space, id); ch.LastError != "" {
					b.Fatalf("%d cards posted, want %d; %s: %s", got, n, id, ch.LastError)
				}
			}
			b.Fatalf("%d cards posted, want %d", got, n)
		}
		least := time.Duration(float64(n-limits.WorkspaceBurst)/capacity*float64(time.Second)) + rtt
		b.ReportMetric(took.Seconds(), "post-s")
		b.ReportMetric(least.Seconds(), "limits-min-s")
		b.ReportMetric(took.Seconds()/least.Seconds(), "ratio")
		b.ReportMetric(float64(fake.RateLimited()), "429s")
		ad.Close()
		bt.Close()
		db.Close()
		fake.Close()
		b.StartTimer()
	}
}
