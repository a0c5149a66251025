package draft

import (
	"fmt"
	"io"
	"sync"
)

// Progress shows a run's progress: on a terminal one line redrawn in
// place (requests done/total, kept, dropped, tokens), otherwise a plain
// line every Every requests and at the end. A nil *Progress shows nothing.
type Progress struct {
	// W receives the display.
	W io.Writer
	// Terminal redraws one line in place.
	Terminal bool
	// Every is how many requests pass between plain lines (default 25).
	Every int

	mu                      sync.Mutex
	total, doneN, pending   int
	keptN, droppedN, tokens int
	lastLine                int
}

func (p *Progress) addTotal(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total += n
	p.show(false)
}

func (p *Progress) done(tokens int, unanswered bool) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.doneN++
	if unanswered {
		p.pending++
	}
	p.tokens += tokens
	p.show(false)
}

func (p *Progress) kept() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keptN++
	p.show(false)
}

func (p *Progress) dropped() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.droppedN++
	p.show(false)
}

// Finish ends the display (a newline on a terminal, a last plain line).
func (p *Progress) Finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.show(true)
	if p.Terminal {
		fmt.Fprintln(p.W)
	}
}

func (p *Progress) line() string {
	s := fmt.Sprintf("requests %d/%d", p.doneN, p.total)
	if p.pending > 0 {
		s += fmt.Sprintf(" (%d unanswered)", p.pending)
	}
	return s + fmt.Sprintf(" · kept %d · dropped %d · tokens %s", p.keptN, p.droppedN, kilo(p.tokens))
}

func (p *Progress) show(final bool) {
	if p.W == nil {
		return
	}
	if p.Terminal {
		fmt.Fprintf(p.W, "\r\033[K%s", p.line())
		return
	}
	every := p.Every
	if every <= 0 {
		every = 25
	}
	if final || p.doneN-p.lastLine >= every {
		p.lastLine = p.doneN
		fmt.Fprintln(p.W, p.line())
	}
}

// kilo writes n as 12.3k above a thousand.
func kilo(n int) string {
	if n < 1000 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%.1fk", float64(n)/1000)
}
