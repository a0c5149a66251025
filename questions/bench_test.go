package questions

import (
	"testing"

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
