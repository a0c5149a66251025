package bot_test

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
)

// countingPlatform counts cards and keeps nothing, so that a memory
// benchmark measures the bot, not a recorder.
type countingPlatform struct{ cards atomic.Int64 }

func (p *countingPlatform) Name() string { return "test" }
func (p *countingPlatform) PostCard(context.Context, string, bot.Message) (string, error) {
	return "m" + strconv.FormatInt(p.cards.Add(1), 10), nil
}
func (p *countingPlatform) UpdateCard(context.Context, string, string, bot.Message) error { return nil }
func (p *countingPlatform) Post(context.Context, string, bot.Message) error               { return nil }
func (p *countingPlatform) Mention(user string) string                                    { return "@" + user }

// peakRSS returns the process's peak resident set (VmHWM) in bytes.
func peakRSS(tb testing.TB) int64 { return procStatus(tb, "VmHWM:") }

// procStatus returns a size field of /proc/self/status in bytes.
func procStatus(tb testing.TB, field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	tb.Skip("no " + field)
	return 0
}

// resetPeakRSS starts a new peak (Linux: 5 to /proc/self/clear_refs).
func resetPeakRSS(tb testing.TB) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		tb.Skipf("cannot reset the peak RSS: %v", err)
	}
}

// BenchmarkPostCardsMemory posts the 09:00 cards of
// STUDYBOT_POST_CHANNELS (10,000) channels in one RunDue on a durable
// store with a 0 ms platform that keeps nothing, and reports the peak RSS
// of the posting alone (the peak is reset after the fixture is built and
// the heap collected, so it includes what the process held before: the
// test binary, the bank, the fixture's pages of the database file) with
// the RSS it started from, the peak Go heap in use and the database's
// size, in MB; the target is a peak RSS under 80 MB.
func BenchmarkPostCardsMemory(b *testing.B) {
	n := postCardsN()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, bt, clock := postFixture(b, monday.Add(24*time.Hour), n) // Tuesday 08:00
		plat := &countingPlatform{}
		bt.AddPlatform(plat)
		clock.Set(clock.Now().Add(time.Hour)) // 09:00, every channel's slot
		runtime.GC()
		resetPeakRSS(b)
		base := procStatus(b, "VmRSS:")
		stop := make(chan struct{})
		heapPeak := make(chan uint64)
		go func() { // samples the heap in use while posting
			s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			var peak uint64
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				metrics.Read(s)
				peak = max(peak, s[0].Value.Uint64())
				select {
				case <-stop:
					heapPeak <- peak
					return
				case <-t.C:
				}
			}
		}()
		b.StartTimer()
		start := time.Now()
		bt.RunDue(context.Background(), clock.Now())
		took := time.Since(start)
		b.StopTimer()
		close(stop)
		heap := <-heapPeak
		rss := peakRSS(b)
		if got := plat.cards.Load(); got != int64(n) {
			b.Fatalf("%d cards posted, want %d", got, n)
		}
		b.ReportMetric(took.Seconds(), "post-s")
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(base)/(1<<20), "start-RSS-MB")
		if st, err := os.Stat(db.Path()); err == nil {
			b.ReportMetric(float64(st.Size())/(1<<20), "db-MB")
		}
		bt.Close()
		db.Close()
		b.StartTimer()
	}
}
