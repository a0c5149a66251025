package webtest

import (
	"strings"
	"testing"
)

// recorder is a testing.TB that records a skip instead of ending the test.
type recorder struct {
	testing.TB
	skipped string
}

func (r *recorder) Helper() {}
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = format
}

// TestChromiumMissingSkips: without a browser at the default path or on
// $PATH, a browser test skips and says what to install.
func TestChromiumMissingSkips(t *testing.T) {
	old := defaultChromium
	defaultChromium = t.TempDir() + "/no-chromium"
	t.Cleanup(func() { defaultChromium = old })
	t.Setenv("PATH", t.TempDir())
	r := &recorder{TB: t}
	if p := ChromiumPath(r); p != "" {
		t.Fatalf("found %q", p)
	}
	if !strings.Contains(r.skipped, "chromium not found at %s") || !strings.Contains(r.skipped, "install Debian's chromium") {
		t.Errorf("skip message %q", r.skipped)
	}
}
