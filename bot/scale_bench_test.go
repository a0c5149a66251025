package bot_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// scaleBot returns a bot on a durable store (fsync on, as in production)
// with a 0 ms counting fake platform and its due-loop running on a fake
// clock at monday (nothing is due), stopped when the benchmark ends.
func scaleBot(b *testing.B) (*bot.Bot, *bottest.Clock, *bottest.Platform) {
	b.Helper()
	clock := bottest.NewClock(monday)
	db, err := store.Open(filepath.Join(b.TempDir(), "scale.db"), &store.Options{Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	bt, err := bot.New(bot.Config{Bank: bottest.Bank(b), Store: db, Now: clock.Now, NewTimer: clock.NewTimer})
	if err != nil {
		b.Fatal(err)
	}
	plat := bottest.NewPlatform("test")
	bt.AddPlatform(plat)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bt.Run(ctx) }()
	b.Cleanup(func() {
		cancel()
		<-done
		bt.Close()
		db.Close()
	})
	return bt, clock, plat
}

// benchRegister registers n channels (EnsureChannel, as the first command
// in a channel does) from the given number of concurrent callers while the
// due-loop runs, then changes one setting of each (the /studybot lang
// admin command), and reports the seconds each phase took.
func benchRegister(b *testing.B, n, workers int) {
	sp := store.SpaceRef{Platform: "test", ID: "team"}
	each := func(f func(c int)) time.Duration {
		start := time.Now()
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for c := int(next.Add(1)) - 1; c < n; c = int(next.Add(1)) - 1 {
					f(c)
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		bt, _, _ := scaleBot(b)
		b.StartTimer()
		reg := each(func(c int) {
			if _, err := bt.EnsureChannel(sp, fmt.Sprintf("c%05d", c)); err != nil {
				b.Error(err)
			}
		})
		admin := each(func(c int) {
			r := bt.HandleCommand(context.Background(), bot.Command{Space: sp, Channel: fmt.Sprintf("c%05d", c), User: "u", Admin: true, Name: "studybot", Args: []string{"lang", "en"}})
			if len(r.Messages) != 1 || r.Messages[0].Tone != bot.Good {
				b.Errorf("lang: %+v", r.Messages)
			}
		})
		b.ReportMetric(reg.Seconds(), "register-s")
		b.ReportMetric(float64(reg.Microseconds())/float64(n), "register-µs/channel")
		b.ReportMetric(admin.Seconds(), "admin-s")
	}
}

// BenchmarkRegister registers channels (and changes a setting of each)
// with the due-loop running: one caller after another for 1,000 and 2,000
// channels (the time per channel stays flat when registration is O(1) in
// the number of channels), and 10,000 channels from 64 concurrent callers,
// as a burst of first commands arrives.
func BenchmarkRegister(b *testing.B) {
	for _, n := range []int{1000, 2000} {
		b.Run(fmt.Sprintf("serial-%d", n), func(b *testing.B) { benchRegister(b, n, 1) })
	}
	b.Run("concurrent-10000", func(b *testing.B) { benchRegister(b, 10000, 64) })
}

// BenchmarkPostCards posts the 09:00 cards of 10,000 channels in one
// RunDue on a durable store (fsync on) with a 0 ms fake platform, and
// reports the seconds it took. The channels are stored beforehand without
// fsync (a fixture).
func BenchmarkPostCards(b *testing.B) {
	n := postCardsN()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, bt, clock := postFixture(b, monday, n)
		plat := bottest.NewPlatform("test")
		bt.AddPlatform(plat)
		clock.Set(monday.Add(time.Hour)) // 09:00, every channel's slot
		b.StartTimer()
		start := time.Now()
		bt.RunDue(context.Background(), clock.Now())
		took := time.Since(start)
		b.StopTimer()
		if got := len(plat.Sent("card")); got != n {
			b.Fatalf("%d cards posted, want %d", got, n)
		}
		b.ReportMetric(took.Seconds(), "post-s")
		bt.Close()
		db.Close()
		b.StartTimer()
	}
}

// postFixture is the posting benchmarks' starting point: n channels on
// the default schedule in one space, stored without fsync, then the
// database reopened durable (fsync on) under a bot on a fake clock at
// start.
func postFixture(b *testing.B, start time.Time, n int) (*store.DB, *bot.Bot, *bottest.Clock) {
	b.Helper()
	sp := store.SpaceRef{Platform: "test", ID: "team"}
	clock := bottest.NewClock(start)
	path := filepath.Join(b.TempDir(), "post.db")
	db, err := store.Open(path, &store.Options{Now: clock.Now, NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	db.EnsureSpace(sp, "Asia/Tokyo")
	for c := 0; c < n; c++ {
		if err := db.PutChannel(store.Channel{Space: sp, ID: fmt.Sprintf("c%05d", c), Cron: bot.DefaultSchedule, TZ: "Asia/Tokyo", Lang: "ja", CloseAfter: 8 * time.Hour}); err != nil {
			b.Fatal(err)
		}
	}
	db.Close()
	if db, err = store.Open(path, &store.Options{Now: clock.Now}); err != nil {
		b.Fatal(err)
	}
	bt, err := bot.New(bot.Config{Bank: bottest.Bank(b), Store: db, Now: clock.Now, NewTimer: clock.NewTimer})
	if err != nil {
		b.Fatal(err)
	}
	return db, bt, clock
}

// postCardsN is the number of channels BenchmarkPostCards posts in:
// STUDYBOT_POST_CHANNELS, or 10,000.
func postCardsN() int {
	if v, err := strconv.Atoi(os.Getenv("STUDYBOT_POST_CHANNELS")); err == nil && v > 0 {
		return v
	}
	return 10000
}
