package bot_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// BenchmarkMondayDue1000: the Monday due pass of 1,000 channels, each
// with an answered question last week, with the weekly digest on and off.
// ns/op is the due pass alone (1,000 daily cards posted, digests only
// claimed and queued); "drain-ms" is how long the 1,000 digests then take
// to render and post in the background (digestWorkers at a time).
// Run with -benchtime 1x: each iteration builds its own store.
func BenchmarkMondayDue1000(b *testing.B) {
	for _, on := range []bool{true, false} {
		b.Run(fmt.Sprintf("digest=%v", on), func(b *testing.B) {
			var drain time.Duration
			for b.Loop() {
				b.StopTimer()
				h := bottest.New(b, monday, bot.Config{Seed: 5})
				s := store.Snapshot{QuestionID: "q-last", Domain: 2, Type: "cloze", Stem: "stem", AnswerID: "a"}
				s.Options = []store.SnapOption{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}
				opened := monday.AddDate(0, 0, -3)
				for i := range 1000 {
					id := fmt.Sprintf("c%04d", i)
					if _, err := h.Bot.EnsureChannel(h.Space, id); err != nil {
						b.Fatal(err)
					}
					if !on {
						h.Command("adm", id, true, "studybot", "digest", "off")
					}
					p, err := h.DB.CreatePost(store.Post{Space: h.Space, Channel: id, Slot: opened, Question: s, OpenedAt: opened, ClosesAt: monday.Add(30 * time.Minute)})
					if err != nil {
						b.Fatal(err)
					}
					if _, err := h.DB.RecordAnswer(p.ID, "al", "a"); err != nil {
						b.Fatal(err)
					}
				}
				h.Clock.Set(monday.Add(time.Hour))
				b.StartTimer()
				start := time.Now()
				h.RunDue()
				due := time.Since(start)
				b.StopTimer()
				if n := len(h.Platform.Sent("card")); n != 1000 {
					b.Fatalf("%d cards posted, want 1000", n)
				}
				if on {
					for deadline := time.Now().Add(5 * time.Minute); len(h.Platform.Sent("file")) < 1000; time.Sleep(10 * time.Millisecond) {
						if time.Now().After(deadline) {
							b.Fatalf("%d of 1,000 digests after 5 minutes", len(h.Platform.Sent("file")))
						}
					}
					drain += time.Since(start) - due
				}
				b.StartTimer()
			}
			if on {
				b.ReportMetric(float64(drain.Milliseconds())/float64(b.N), "drain-ms")
			}
		})
	}
}
