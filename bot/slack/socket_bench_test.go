package slack_test

import (
	"runtime"
	"testing"

	"github.com/studybot/studybot/bot/bottest"
)

// BenchmarkSocketModeReconnectStorm: each op, the socket drops and the
// adapter reopens it (apps.connections.open after the backoff, the waits
// injected); a command is answered after the storm. It reports goroutines
// and live heap after the storm (the fake's own call log included),
// against before it: neither may grow with the number of reconnections.
func BenchmarkSocketModeReconnectStorm(b *testing.B) {
	r := newSocket(b, nil, nil)
	r.answered(b, "WARM")
	g0, h0 := goroutines(), liveHeap()
	b.ResetTimer()
	for b.Loop() {
		at := r.fake.Attempts()
		if err := r.fake.Drop(); err != nil {
			b.Fatal(err)
		}
		bottest.WaitFor(b, "the socket reopened", func() bool { return r.fake.Attempts() > at && r.fake.Connected() })
	}
	b.StopTimer()
	r.answered(b, "U1")
	b.ReportMetric(float64(goroutines()-g0), "goroutines-grown")
	b.ReportMetric(float64(liveHeap()-h0)/1024, "heap-KiB-grown")
	b.ReportMetric(float64(r.fake.Attempts()), "connections")
}

// liveHeap returns the live heap after a collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
