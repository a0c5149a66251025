package questions

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzBuild feeds arbitrary markdown to the parser and generator: no panic,
// no hang, bounded output, and every kept question passes every rule.
// Run it longer with:
//
//	go test ./questions -run XXX -fuzz FuzzBuild -fuzztime 60s -fuzzminimizetime 3s
//
// (the short minimise time keeps the fuzzer from spending minutes shrinking
// each new memo-sized input).
func FuzzBuild(f *testing.F) {
	files, _ := filepath.Glob("testdata/memos/*.md")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b[:min(len(b), 1500)]))
		}
	}
	// slices of the bundled memo, one per domain, keep seeds small
	src := string(DefaultMemo())
	for _, part := range strings.SplitAfter(src, "\n## ") {
		if len(part) > 1500 {
			part = part[:1500]
		}
		f.Add("## " + part)
	}
	f.Add("- a: b\n  - c：d\n    - e → f\n| x | y |\n|---|---|\n| 1 | 2 |\n")
	f.Add("```\nunterminated code\n- still code")
	f.Add("### 第 ９ 分野\n#### \n- ![x](y)\n- <img src=x>\n- [](z)\n- 目的:\n- 1. 2. 3.\n")
	f.Fuzz(func(t *testing.T, memo string) {
		b, err := Build([]byte(memo), ParseOptions{})
		if err != nil {
			if !errors.Is(err, ErrEmptyMemo) && !errors.Is(err, ErrNoQuestions) && !errors.Is(err, ErrMemoTooLarge) && !errors.Is(err, ErrBadConfig) && !errors.Is(err, ErrEncoding) && !errors.Is(err, ErrMemoTooComplex) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		units := len(b.Memo.Items)
		for _, tb := range b.Memo.Tables {
			units += len(tb.Rows) * len(tb.Header)
		}
		if len(b.Questions) > 4*units+10 {
			t.Fatalf("%d questions from %d passages", len(b.Questions), units)
		}
		for _, q := range b.Questions {
			if rule, why := Check(q, b.Memo); rule != "" {
				t.Fatalf("kept question fails %s: %s", rule, why)
			}
		}
		b.Index.Search(memo[:min(len(memo), 40)], 5)
	})
}
