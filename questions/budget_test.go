package questions

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckBudget(t *testing.T) {
	marks := func(n int) string { return strings.Repeat("[", n) }
	for _, tc := range []struct {
		name string
		src  string
		line string // "" when the memo passes
	}{
		{"plain", "- a: b\n", ""},
		{"long line", "- a: b\n- " + strings.Repeat("x", MaxLineBytes) + "\n", "line 2 is"},
		{"line at the limit", strings.Repeat("x", MaxLineBytes) + "\n", ""},
		{"paragraph of marks", "# t\n\n" + strings.Repeat(marks(100)+"\n", MaxParagraphMarkup/100+1), "paragraph from line 3"},
		{"marks split by blank lines", strings.Repeat(marks(1000)+"\n\n"+strings.Repeat("x", 8000)+"\n\n", 4), ""},
		{"marks split by bullets", strings.Repeat("- "+marks(1000)+"\n"+strings.Repeat("x", 8000)+"\n", 4), ""},
		{"marks in a code fence", "```\n" + strings.Repeat(marks(100)+"\n", 100) + "```\n", ""},
		{"marks after a fence closes", "```\ncode\n```\n" + strings.Repeat(marks(100)+"\n", 30), "paragraph from line 4"},
		{"too many marks in all", strings.Repeat(marks(1000)+"\n\n", 10), "by line"},
		{"table cells", strings.Repeat("| a | b | c | d |\n", MaxTableCells/5+1), "table cells by line"},
		{"too large", strings.Repeat("x\n", MaxMemoBytes/2+1), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckBudget([]byte(tc.src))
			if tc.name == "too large" {
				if !errors.Is(err, ErrMemoTooLarge) {
					t.Fatalf("err = %v, want ErrMemoTooLarge", err)
				}
				return
			}
			if tc.line == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrMemoTooComplex) || !strings.Contains(err.Error(), tc.line) {
				t.Fatalf("err = %v, want ErrMemoTooComplex naming %q", err, tc.line)
			}
		})
	}
}

// TestBudgetPassesRealMemos: every memo the project ships or tests with is
// far inside every limit.
func TestBudgetPassesRealMemos(t *testing.T) {
	if err := CheckBudget(DefaultMemo()); err != nil {
		t.Fatalf("bundled memo: %v", err)
	}
	files, _ := filepath.Glob("testdata/memos/*.md")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckBudget(b); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// BenchmarkBudgetDefault is what issue 21 adds to every Parse of the
// bundled memo: DecodeMemo and CheckBudget.
func BenchmarkBudgetDefault(b *testing.B) {
	src := DefaultMemo()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		d, _, err := DecodeMemo(src)
		if err != nil {
			b.Fatal(err)
		}
		if err := CheckBudget(d); err != nil {
			b.Fatal(err)
		}
	}
}
