package questions

import (
	"bytes"
	"fmt"
)

// The shape limits of a memo, checked by CheckBudget before any parsing.
// Reading markdown costs memory in proportion to its markup, not its
// size: measured before these limits, a memo of 1 MiB of "[" took 436 MB
// of heap (goldmark keeps a text node, a link-label state and a bracket
// entry per "["), a paragraph of 170,000 emphasis marks took a minute (its
// delimiter stack is quadratic), and a 1 MiB table of short rows took
// 182 MB (each row an indexed passage). Each limit is far above what a
// study memo holds (the bundled DOP-C02 memo: longest line 2,028 bytes, at
// most a few dozen marks a paragraph, 165 table cells), so only a hostile
// or broken file meets one.
const (
	// MaxLineBytes bounds one line.
	MaxLineBytes = 64 << 10
	// MaxParagraphMarkup bounds the inline markup characters ([ ] * _ ~ `
	// < \) of one paragraph or list item, outside code blocks.
	MaxParagraphMarkup = 2048
	// MaxTableCells bounds the table cells of the whole memo (counted as
	// the '|' of lines that hold one, outside code blocks).
	MaxTableCells = 20000
)

// maxMarkup bounds the inline markup characters of the whole memo: one in
// eight bytes, plus a floor for small memos (a list of links is about one
// in ten).
func maxMarkup(size int) int { return size/8 + 8192 }

// markupBytes marks the bytes that can open or close an inline node
// (1), and the table cell separator (2).
var markupBytes = func() (t [256]uint8) {
	for _, c := range []byte("[]*_~`<\\") {
		t[c] = 1
	}
	t['|'] = 2
	return t
}()

// CheckBudget refuses, with ErrMemoTooComplex and the line concerned, a
// memo over MaxMemoBytes or over any shape limit above, in one pass over
// its bytes and without allocating in proportion to them. Parse runs it
// first; callers that only vet a memo (config check, a reload) can run it
// alone.
func CheckBudget(src []byte) error {
	if len(src) > MaxMemoBytes {
		return fmt.Errorf("%w (%d bytes, limit %d)", ErrMemoTooLarge, len(src), MaxMemoBytes)
	}
	var (
		total, para, paraLine, cells int
		fence                        byte // '`' or '~' inside a fenced code block
		fenceLen                     int
	)
	for line, rest := 1, src; len(rest) > 0; line++ {
		end := bytes.IndexByte(rest, '\n')
		l := rest
		if end >= 0 {
			l, rest = rest[:end], rest[end+1:]
		} else {
			rest = nil
		}
		if len(l) > MaxLineBytes {
			return fmt.Errorf("%w: line %d is %d bytes long (at most %d)", ErrMemoTooComplex, line, len(l), MaxLineBytes)
		}
		t := bytes.TrimLeft(l, " \t")
		if c, n := fenceOf(t); n > 0 && (fence == 0 || (c == fence && n >= fenceLen)) {
			if fence == 0 {
				fence, fenceLen = c, n
			} else {
				fence = 0
			}
			para = 0
			continue
		}
		if fence != 0 {
			continue
		}
		if len(bytes.TrimSpace(t)) == 0 || opensBlock(t) {
			para, paraLine = 0, line
		}
		if para == 0 {
			paraLine = line
		}
		n, k := 0, 0
		for _, c := range l {
			switch markupBytes[c] {
			case 0:
			case 1:
				n++
			default:
				k++
			}
		}
		para += n
		total += n
		if para > MaxParagraphMarkup {
			return fmt.Errorf("%w: the paragraph from line %d holds over %d link, emphasis or code marks ([ ] * _ ~ ` < \\) (at most %d a paragraph)", ErrMemoTooComplex, paraLine, MaxParagraphMarkup, MaxParagraphMarkup)
		}
		if most := maxMarkup(len(src)); total > most {
			return fmt.Errorf("%w: over %d link, emphasis or code marks by line %d (at most %d for a memo of %d bytes)", ErrMemoTooComplex, most, line, most, len(src))
		}
		if k > 0 {
			cells += k
			if cells > MaxTableCells {
				return fmt.Errorf("%w: over %d table cells by line %d (at most %d)", ErrMemoTooComplex, MaxTableCells, line, MaxTableCells)
			}
		}
	}
	return nil
}

// fenceOf returns the fence character and its run length when t opens or
// closes a fenced code block (``` or ~~~), else 0, 0.
func fenceOf(t []byte) (byte, int) {
	if len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return 0, 0
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 {
		return 0, 0
	}
	return t[0], n
}

// opensBlock reports whether a line (leading white space cut) starts a new
// block: a list item, heading, quote or table row. The markup of a
// paragraph is counted from there.
func opensBlock(t []byte) bool {
	switch t[0] {
	case '#', '>', '|':
		return true
	case '-', '*', '+':
		return len(t) == 1 || t[1] == ' ' || t[1] == '\t'
	}
	i := 0
	for i < len(t) && i < 9 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i > 0 && i < len(t) && (t[i] == '.' || t[i] == ')')
}
