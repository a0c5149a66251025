package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// remindUsers is how many users the reminder benchmark has.
const remindUsers = 10000

// BenchmarkReminders10000 measures the due-loop's reminder work with
// 10,000 users who each asked for a 09:00 reminder (Tokyo) and hold five
// due cards, on a durable store (fsync on) and a 0 ms fake platform:
//
//   - idle: a due-loop turn (RunDue, then NextEvent for the sleep) when
//     no reminder is due: one index entry is read, no user is scanned;
//   - due: the 09:00 turn of one day, which claims all 10,000 in the
//     store, counts each user's due items and sends 10,000 direct
//     messages.
func BenchmarkReminders10000(b *testing.B) {
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, tokyo)
	clock := bottest.NewClock(start)
	db, err := store.Open(filepath.Join(b.TempDir(), "remind.db"), &store.Options{Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	bt, err := bot.New(bot.Config{Bank: bottest.Bank(b), Store: db, Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	plat := bottest.NewPlatform("test")
	bt.AddPlatform(plat)
	b.Cleanup(func() { bt.Close(); db.Close() })
	sp := store.SpaceRef{Platform: "test", ID: "team"}
	var items []string
	seen := map[string]bool{}
	for _, q := range bt.Bank().Top(0) {
		if !seen[q.Item] && len(items) < 5 {
			seen[q.Item] = true
			items = append(items, q.Item)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := int(next.Add(1)) - 1; u < remindUsers; u = int(next.Add(1)) - 1 {
				user := fmt.Sprintf("u%05d", u)
				for _, it := range items {
					_, err := db.UpdateCard(sp, user, it, func(c *store.Card, _ bool) error {
						c.Reps, c.State, c.Stability, c.Due = 1, 2, 1, start.Add(-time.Hour)
						return nil
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
				r := bt.HandleCommand(context.Background(), bot.Command{Space: sp, User: user, DM: true, Name: "review", Args: []string{"remind", "09:00"}})
				if len(r.Messages) != 1 || r.Messages[0].Tone != bot.Good {
					b.Errorf("/review remind: %+v", r)
					return
				}
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		return
	}
	b.Run("idle", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			bt.RunDue(context.Background(), start)
			if bt.NextEvent(start).IsZero() {
				b.Fatal("no next event")
			}
		}
		if n := len(plat.Sent("dm")); n != 0 {
			b.Fatalf("%d reminders sent before their time", n)
		}
	})
	day := 0
	b.Run("due", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			plat.Reset()
			at := start.AddDate(0, 0, day).Add(time.Hour)
			day++
			clock.Set(at)
			b.StartTimer()
			bt.RunDue(context.Background(), at)
			b.StopTimer()
			if n := len(plat.Sent("dm")); n != remindUsers {
				b.Fatalf("day %d: %d reminders sent, want %d", day, n, remindUsers)
			}
			b.StartTimer()
		}
	})
}
