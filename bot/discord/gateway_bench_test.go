package discord_test

import (
	"runtime"
	"testing"

	"github.com/studybot/studybot/bot/discord/discordfake"
)

// newFakeForBench starts a fake Discord for a benchmark.
func newFakeForBench(b *testing.B) *discordfake.Server {
	fake := discordfake.New()
	b.Cleanup(fake.Close)
	return fake
}

// BenchmarkGatewayReconnectStorm: each op, the gateway closes the
// connection (4000) and the adapter resumes and answers a command. It
// reports goroutines and live heap after the storm, against before it:
// neither may grow with the number of reconnections. (discordgo spends
// about a second closing each connection, so keep -benchtime to a few x.)
func BenchmarkGatewayReconnectStorm(b *testing.B) {
	fake := newFakeForBench(b)
	r := newGateway(b, fake, nil, nil)
	r.answered(b, "WARM")
	g0, h0 := goroutines(), liveHeap()
	b.ResetTimer()
	for b.Loop() {
		if err := fake.Kick(4000, "Unknown error"); err != nil {
			b.Fatal(err)
		}
		r.answered(b, "U1")
	}
	b.StopTimer()
	b.ReportMetric(float64(goroutines()-g0), "goroutines-grown")
	b.ReportMetric(float64(liveHeap()-h0)/1024, "heap-KiB-grown")
	b.ReportMetric(float64(fake.Attempts()), "connections")
}

// liveHeap returns the live heap after a collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
