package questions

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark/text"
)

func BenchmarkBuildDefault(b *testing.B) {
	src, cfg := DefaultMemo(), DefaultConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(src, ParseOptions{Config: cfg}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseGenerate is the "parse + generate": Parse, then
// every question generated, quality-checked and de-duplicated (the lookup
// index, built alongside in Build, is left out; see BenchmarkIndexDefault).
func BenchmarkParseGenerate(b *testing.B) {
	src, cfg := DefaultMemo(), DefaultConfig()
	b.ReportAllocs()
	for b.Loop() {
		m, err := Parse(src, ParseOptions{Config: cfg})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := newBank(m, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDefault(b *testing.B) {
	src, cfg := DefaultMemo(), DefaultConfig()
	for b.Loop() {
		if _, err := Parse(src, ParseOptions{Config: cfg}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGoldmarkOnly(b *testing.B) {
	src := DefaultMemo()
	for b.Loop() {
		md.Parser().Parse(text.NewReader(src))
	}
}

func BenchmarkGenerateDefault(b *testing.B) {
	m, err := Parse(DefaultMemo(), ParseOptions{Config: DefaultConfig()})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		newGenerator(m).generate()
	}
}

func BenchmarkIndexDefault(b *testing.B) {
	m, err := Parse(DefaultMemo(), ParseOptions{Config: DefaultConfig()})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(m)
	}
}

// BenchmarkLookup measures Search over the fixed query set; ns/query is the
// mean time per query.
func BenchmarkLookup(b *testing.B) {
	x := bundledBank(b).Index
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range lookupQueries {
			x.Search(q, 5)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lookupQueries)), "ns/query")
}

// BenchmarkLookupScan is the linear normalised strings.Contains baseline.
func BenchmarkLookupScan(b *testing.B) {
	x := bundledBank(b).Index
	for b.Loop() {
		for _, q := range lookupQueries {
			x.scanSearch(q)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lookupQueries)), "ns/query")
}

// BenchmarkLookupEach runs each query on its own, so benchstat or the -v
// output gives a per-query distribution (its median is the figure in
// BENCHMARKS.md).
func BenchmarkLookupEach(b *testing.B) {
	x := bundledBank(b).Index
	for i, q := range lookupQueries {
		b.Run(fmt.Sprintf("q%02d", i), func(b *testing.B) {
			for b.Loop() {
				x.Search(q, 5)
			}
		})
	}
}

// BenchmarkLookupVsScan times every query of the fixed set with the index
// and with the linear scan in the same run, and reports the median per-query
// time of each and the speed-up of the medians.
func BenchmarkLookupVsScan(b *testing.B) {
	x := bundledBank(b).Index
	idx := make([]time.Duration, len(lookupQueries))
	scan := make([]time.Duration, len(lookupQueries))
	for b.Loop() {
		for i, q := range lookupQueries {
			t0 := time.Now()
			x.Search(q, 5)
			t1 := time.Now()
			x.scanSearch(q)
			idx[i] += t1.Sub(t0)
			scan[i] += time.Since(t1)
		}
	}
	median := func(d []time.Duration) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[len(s)/2]) / float64(b.N)
	}
	mi, ms := median(idx), median(scan)
	b.ReportMetric(mi, "index-median-ns/query")
	b.ReportMetric(ms, "scan-median-ns/query")
	b.ReportMetric(ms/mi, "speedup")
}

// deepMemo returns a memo of about size bytes whose bullets nest depth
// levels deep, again and again: the shape that made parsing quadratic.
func deepMemo(depth, size int) []byte {
	var b bytes.Buffer
	b.WriteString("## 第 1 分野: 入れ子\n\n")
	for r := 0; b.Len() < size; r++ {
		for d := 0; d < depth && b.Len() < size; d++ {
			fmt.Fprintf(&b, "%s- 項目%d-%d: 説明 %d です。\n", strings.Repeat("  ", d), r, d, d)
		}
	}
	return b.Bytes()
}

// BenchmarkParseDeep parses memos nested 800 levels deep (read at
// MaxIndent) of growing size: the time per byte stays flat when parsing is
// linear. The largest is just under MaxMemoBytes (512 KiB since issue 21).
func BenchmarkParseDeep(b *testing.B) {
	for _, mb := range []float64{0.125, 0.25, 0.49} {
		src := deepMemo(800, int(mb*(1<<20)))
		b.Run(fmt.Sprintf("%gMB", mb), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(src, ParseOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
