package questions

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileMemo is a memo built to cost as much as possible to parse.
type hostileMemo struct {
	name string
	make func(size int) []byte
}

// fill repeats unit after prefix while the memo stays within size bytes.
func fill(prefix, unit string, size int) []byte {
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString(prefix)
	for b.Len()+len(unit) <= size {
		b.WriteString(unit)
	}
	return b.Bytes()
}

// hostileMemos are memos shaped to cost as much as possible to read, each
// made at a given size; the first group is refused by CheckBudget, the
// "-max" ones stay just inside every limit and must build within budget.
var hostileMemos = []hostileMemo{
	{"brackets", func(n int) []byte { return fill("", "[", n) }},
	{"bracket-lines", func(n int) []byte { return fill("", strings.Repeat("[", 79)+"\n", n) }},
	{"open-links", func(n int) []byte { return fill("", "[a](", n) }},
	{"images", func(n int) []byte { return fill("", "![", n) }},
	{"emphasis", func(n int) []byte { return fill("", "*a_", n) }},
	{"backticks", func(n int) []byte { return fill("", "`a``", n) }},
	{"angles", func(n int) []byte { return fill("", "<a ", n) }},
	{"linkrefs", func(n int) []byte {
		var b bytes.Buffer
		for i := 0; b.Len() < n-40; i++ {
			fmt.Fprintf(&b, "[r%d]: http://x/%d\n", i, i)
		}
		return b.Bytes()
	}},
	{"table", func(n int) []byte { return fill("| 設定 | 説明 |\n|---|---|\n", "| a | b |\n", n) }},
	{"wide-table", func(n int) []byte {
		head := strings.Repeat("| h ", 200) + "|\n" + strings.Repeat("|---", 200) + "|\n"
		return fill(head, strings.Repeat("| x ", 200)+"|\n", n)
	}},
	{"one-line", func(n int) []byte { return fill("- 長い行: ", "説明 word ", n) }},
	// within every limit
	// paragraphs of as many marks as a paragraph may hold, each followed by
	// the plain text that keeps the memo at one mark in eight bytes
	{"bracket-paras-max", func(n int) []byte {
		return fill("", strings.Repeat("[", MaxParagraphMarkup-8)+"\n\n"+strings.Repeat("あ", 7*MaxParagraphMarkup/3)+"\n\n", n)
	}},
	{"emphasis-paras-max", func(n int) []byte {
		return fill("", strings.Repeat("*a_", (MaxParagraphMarkup-8)/2)+"\n\n"+strings.Repeat("あ", 8*MaxParagraphMarkup/3)+"\n\n", n)
	}},
	{"table-max", func(n int) []byte {
		rows := (MaxTableCells - 10) / 3
		return fill("| 設定 | 説明 |\n|---|---|\n", "| 設定の名前 | その説明の文 |\n", min(n, 40+rows*len("| 設定の名前 | その説明の文 |\n")))
	}},
	{"long-lines-max", func(n int) []byte {
		return fill("## 第 1 分野: 長い行\n\n", "- 長い行: "+strings.Repeat("説明 word ", (MaxLineBytes-64)/13)+"\n", n)
	}},
	{"bullets-max", func(n int) []byte {
		var b bytes.Buffer
		b.WriteString("## 第 1 分野: 大量\n\n")
		for i := 0; b.Len() < n-80; i++ {
			fmt.Fprintf(&b, "- 用語%d: 定義の説明 %d です。\n", i, i)
		}
		return b.Bytes()
	}},
}

// peakHeap runs f and returns the highest HeapAlloc seen while it ran,
// sampled every millisecond, and the bytes allocated in all.
func peakHeap(f func()) (peak, total uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, alloc0 := ms.HeapAlloc, ms.TotalAlloc
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var s runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			runtime.ReadMemStats(&s)
			mu.Lock()
			if s.HeapAlloc > peak {
				peak = s.HeapAlloc
			}
			mu.Unlock()
		}
	}()
	f()
	close(stop)
	<-done
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > peak {
		peak = ms.HeapAlloc
	}
	if peak > base {
		peak -= base
	} else {
		peak = 0
	}
	return peak, ms.TotalAlloc - alloc0
}

// hostileSize is the size hostile memos are made at: MaxMemoBytes, or
// STUDYBOT_HOSTILE_BYTES (to measure a build from before the cap).
func hostileSize(tb testing.TB) int {
	if v := os.Getenv("STUDYBOT_HOSTILE_BYTES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			tb.Fatal(err)
		}
		return n
	}
	return MaxMemoBytes
}

// TestHostileMemos builds every hostile memo at the size cap: those over a
// shape limit are refused before goldmark sees them, with the reason and
// the line; the others build.
func TestHostileMemos(t *testing.T) {
	if testing.Short() {
		t.Skip("builds memos of MaxMemoBytes")
	}
	for _, h := range hostileMemos {
		t.Run(h.name, func(t *testing.T) {
			src := h.make(MaxMemoBytes)
			if len(src) > MaxMemoBytes || len(src) < MaxMemoBytes/8 {
				t.Fatalf("made %d bytes", len(src))
			}
			_, err := Build(src, ParseOptions{})
			if strings.HasSuffix(h.name, "-max") {
				if errors.Is(err, ErrMemoTooComplex) || errors.Is(err, ErrMemoTooLarge) {
					t.Fatalf("within the limits but refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrMemoTooComplex) {
				t.Fatalf("err = %v, want ErrMemoTooComplex", err)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("%v: names no line", err)
			}
		})
	}
}

// BenchmarkHostileMemo builds each hostile memo and reports the peak heap
// of the build (sampled every millisecond) and the bytes allocated:
//
//	go test ./questions -run XXX -bench HostileMemo -benchtime 1x
func BenchmarkHostileMemo(b *testing.B) {
	for _, h := range hostileMemos {
		src := h.make(hostileSize(b))
		b.Run(h.name, func(b *testing.B) {
			var peak, total uint64
			var err error
			for b.Loop() {
				p, t := peakHeap(func() { _, err = Build(src, ParseOptions{}) })
				peak, total = max(peak, p), total+t
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(total)/float64(b.N)/(1<<20), "alloc-MiB/op")
			b.ReportMetric(float64(len(src))/(1<<10), "memo-KiB")
			if errors.Is(err, ErrMemoTooComplex) {
				b.ReportMetric(1, "refused")
			}
		})
	}
}
