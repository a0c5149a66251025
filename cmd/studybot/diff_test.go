package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuestionsDiff: "questions diff OLD.md NEW.md" prints a summary and
// one line per added (+), removed (-) and changed (~, with what changed)
// question, reading the questions file beside each memo, and exits 0; the
// output is compared with testdata/diff/diff.golden. Bad usage exits 2, an
// unreadable memo 1.
func TestQuestionsDiff(t *testing.T) {
	golden := filepath.Join("testdata", "diff", "diff.golden")
	code, out, errs := runCmd(t, "questions", "diff", "testdata/diff/old.md", "testdata/diff/new.md")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if *update {
		os.WriteFile(golden, []byte(out), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("diff output differs from %s:\n%s", golden, out)
	}

	cases := []struct {
		name string
		args []string
		code int
		out  string // in stdout (code 0) or stderr
	}{
		{"same memo", []string{"testdata/diff/old.md", "testdata/diff/old.md"}, 0, "added 0, removed 0, changed 0, unchanged 4\n"},
		{"reversed", []string{"testdata/diff/new.md", "testdata/diff/old.md"}, 0, "added 1, removed 1, changed 1, unchanged 2"},
		{"one memo", []string{"testdata/diff/old.md"}, 2, "want two memo files"},
		{"three memos", []string{"a.md", "b.md", "c.md"}, 2, "want two memo files"},
		{"missing memo", []string{"testdata/diff/old.md", "testdata/diff/missing.md"}, 1, "missing.md"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCmd(t, append([]string{"questions", "diff"}, c.args...)...)
			got := out
			if c.code != 0 {
				got = errs
			}
			if code != c.code || !strings.Contains(got, c.out) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d with %q", code, out, errs, c.code, c.out)
			}
		})
	}
}
