package draft

import (
	"bytes"
	"strings"
	"testing"
)

// TestProgress: one line redrawn in place on a terminal; plain lines every
// Every requests and at the end otherwise; nothing from a nil Progress.
func TestProgress(t *testing.T) {
	var tty, plain bytes.Buffer
	for _, p := range []*Progress{{W: &tty, Terminal: true}, {W: &plain, Every: 2}, nil} {
		p.addTotal(3)
		p.done(1500, false)
		p.kept()
		p.done(0, true)
		p.dropped()
		p.done(10, false)
		p.Finish()
	}
	if !strings.Contains(tty.String(), "\r\033[Krequests 3/3 (1 unanswered) · kept 1 · dropped 1 · tokens 1.5k") || !strings.HasSuffix(tty.String(), "\n") {
		t.Errorf("terminal: %q", tty.String())
	}
	lines := strings.Split(strings.TrimSpace(plain.String()), "\n")
	if len(lines) != 2 || strings.Contains(plain.String(), "\r") || lines[1] != "requests 3/3 (1 unanswered) · kept 1 · dropped 1 · tokens 1.5k" {
		t.Errorf("plain: %q", plain.String())
	}
}
