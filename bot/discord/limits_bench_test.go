package discord_test

import (
	"context"

	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studydiscord "github.com/studybot/studybot/bot/discord"
	"github.com/studybot/studybot/bot/discord/discordfake"
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
// STUDYBOT_POST_CHANNELS (10,000) channels through the real adapter and
// discordgo to the fake Discord, which answers after a simulated round
// trip (STUDYBOT_RTT_MS, 100) and keeps Discord's limits: 50 requests a
// second globally and 5 messages per 5 s per channel, reported in its
// headers. The store is durable (fsync on). It reports the time, the
// least time the fake's limits allow ((n − burst) / 50 + one round trip)
// and their ratio (target: at most 1.2), and the 429s met.
func BenchmarkPostCardsLimited(b *testing.B) {
	n := envInt("STUDYBOT_POST_CHANNELS", 10000)
	rtt := time.Duration(envInt("STUDYBOT_RTT_MS", 100)) * time.Millisecond
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fake := discordfake.New()
		start0, real0 := time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo), time.Now()
		now := func() time.Time { return start0.Add(time.Since(real0)) } // Tuesday 09:00 on, at the wall's pace
		space := store.SpaceRef{Platform: store.Discord, ID: "900"}
		path := filepath.Join(b.TempDir(), "post.db")
		db, err := store.Open(path, &store.Options{Now: now, NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		db.EnsureSpace(space, "Asia/Tokyo")
		for c := range n {
			if err := db.PutChannel(store.Channel{Space: space, ID: strconv.Itoa(100000 + c), Cron: bot.DefaultSchedule, TZ: "Asia/Tokyo", Lang: "ja", CloseAfter: 8 * time.Hour}); err != nil {
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
		ad, err := studydiscord.New(studydiscord.Config{Token: "t", AppID: "APP", HTTPClient: fake.PooledClient(64)}, bt)
		if err != nil {
			b.Fatal(err)
		}
		bt.AddPlatform(ad)
		fake.SetLatency(rtt)
		b.StartTimer()
		began := time.Now()
		bt.RunDue(context.Background(), now())
		took := time.Since(began)
		b.StopTimer()
		posted := 0
		for c := range n {
			p, err := db.LatestPost(space, strconv.Itoa(100000+c))
			if err == nil && p.MessageRef != "" {
				posted++
			}
		}
		if posted != n {
			for c := range n {
				if ch, _ := db.GetChannel(space, strconv.Itoa(100000+c)); ch.LastError != "" {
					b.Fatalf("%d cards posted, want %d; %d: %s", posted, n, c, ch.LastError)
				}
			}
			b.Fatalf("%d cards posted, want %d", posted, n)
		}
		limits := discordfake.DefaultLimits
		least := time.Duration(float64(n-limits.Global)/float64(limits.Global)*float64(time.Second)) + rtt
		b.ReportMetric(took.Seconds(), "post-s")
		b.ReportMetric(least.Seconds(), "limits-min-s")
		b.ReportMetric(took.Seconds()/least.Seconds(), "ratio")
		b.ReportMetric(float64(fake.RateLimited("route")+fake.RateLimited("global")), "429s")
		ad.Close()
		bt.Close()
		db.Close()
		fake.Close()
		b.StartTimer()
	}
}
