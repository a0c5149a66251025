package questions

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// DecodeMemo returns src as UTF-8 text with LF line ends, ready for Parse,
// and a note saying what it converted ("" when nothing). A UTF-8 byte
// order mark is dropped; a UTF-16 one (LE or BE) is converted; lone
// carriage returns (old Mac line ends) become line feeds, CRLF stays. Any
// other byte that is not UTF-8 is refused with ErrEncoding, naming its
// line and byte offset: a memo is never read with U+FFFD in its text.
func DecodeMemo(src []byte) ([]byte, string, error) {
	var notes []string
	switch {
	case bytes.HasPrefix(src, []byte{0xEF, 0xBB, 0xBF}):
		src = src[3:]
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE}):
		src = fromUTF16(src[2:], false)
		notes = append(notes, "converted from UTF-16LE")
	case bytes.HasPrefix(src, []byte{0xFE, 0xFF}):
		src = fromUTF16(src[2:], true)
		notes = append(notes, "converted from UTF-16BE")
	}
	if off := invalidUTF8(src); off >= 0 {
		line := bytes.Count(src[:off], []byte("\n")) + 1
		if bytes.IndexByte(src, 0) >= 0 && bytes.IndexByte(src, '\n') < 0 {
			return nil, "", fmt.Errorf("%w: line %d, byte %d: NUL bytes and no line ends: UTF-16 without a byte order mark? save the memo as UTF-8", ErrEncoding, line, off)
		}
		return nil, "", fmt.Errorf("%w: line %d, byte %d: invalid UTF-8 byte 0x%02x (save the memo as UTF-8)", ErrEncoding, line, off, src[off])
	}
	if i := bytes.IndexByte(src, '\r'); i >= 0 && loneCR(src[i:]) {
		out := make([]byte, 0, len(src))
		for j := 0; j < len(src); j++ {
			if src[j] == '\r' && (j+1 >= len(src) || src[j+1] != '\n') {
				out = append(out, '\n')
				continue
			}
			out = append(out, src[j])
		}
		src = out
		notes = append(notes, "carriage-return line ends read as line feeds")
	}
	note := ""
	for i, n := range notes {
		if i > 0 {
			note += "; "
		}
		note += n
	}
	return src, note, nil
}

// invalidUTF8 returns the offset of the first byte of src that is not
// valid UTF-8, or -1.
func invalidUTF8(src []byte) int {
	if utf8.Valid(src) {
		return -1
	}
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// loneCR reports whether b holds a carriage return not followed by a line
// feed.
func loneCR(b []byte) bool {
	for i, c := range b {
		if c == '\r' && (i+1 >= len(b) || b[i+1] != '\n') {
			return true
		}
	}
	return false
}

// fromUTF16 converts UTF-16 code units (an odd last byte dropped) to
// UTF-8; unpaired surrogates become U+FFFD, as in any UTF-16 decoder.
func fromUTF16(b []byte, bigEndian bool) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	out := make([]byte, 0, len(b)*3/2)
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out
}
