package questions

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

const encodingMemo = "## 第 1 分野: 監視\n\n- Amazon CloudWatch: メトリクスとログを集める監視サービス\n- AWS X-Ray: 分散トレースでリクエストを追うサービス\n"

func utf16Bytes(s string, bigEndian bool) []byte {
	var b []byte
	if bigEndian {
		b = []byte{0xFE, 0xFF}
	} else {
		b = []byte{0xFF, 0xFE}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func TestDecodeMemo(t *testing.T) {
	withBad := []byte(encodingMemo)
	withBad = append(withBad[:len(withBad)-1:len(withBad)-1], 0xFF, '\n') // end of line 4
	for _, tc := range []struct {
		name     string
		src      []byte
		want     string // decoded text, when no error
		note     string // part of the note
		errParts []string
	}{
		{"utf-8", []byte(encodingMemo), encodingMemo, "", nil},
		{"utf-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, encodingMemo...), encodingMemo, "", nil},
		{"utf-16le", utf16Bytes(encodingMemo, false), encodingMemo, "UTF-16LE", nil},
		{"utf-16be", utf16Bytes(encodingMemo, true), encodingMemo, "UTF-16BE", nil},
		{"cr only", []byte(strings.ReplaceAll(encodingMemo, "\n", "\r")), encodingMemo, "carriage-return", nil},
		{"crlf kept", []byte(strings.ReplaceAll(encodingMemo, "\n", "\r\n")), strings.ReplaceAll(encodingMemo, "\n", "\r\n"), "", nil},
		{"invalid byte", withBad, "", "", []string{"line 4", "byte " + itoa(len(encodingMemo)-1), "0xff"}},
		{"utf-16 without BOM", utf16Bytes(strings.ReplaceAll(encodingMemo, "\n", " "), false)[2:], "", "", []string{"UTF-16", "line 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, note, err := DecodeMemo(tc.src)
			if tc.errParts != nil {
				if !errors.Is(err, ErrEncoding) {
					t.Fatalf("err = %v, want ErrEncoding", err)
				}
				for _, p := range tc.errParts {
					if !strings.Contains(err.Error(), p) {
						t.Errorf("%v: want %q in it", err, p)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("decoded %q, want %q", got, tc.want)
			}
			if !strings.Contains(note, tc.note) || (tc.note == "" && note != "") {
				t.Errorf("note %q, want %q", note, tc.note)
			}
		})
	}
}

// TestParseEncodings: a UTF-16 or CR-only memo reads like its UTF-8 form
// (lint notes the conversion), and invalid UTF-8 is refused instead of
// shipping U+FFFD in stems.
func TestParseEncodings(t *testing.T) {
	base, err := Parse([]byte(encodingMemo), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range [][]byte{utf16Bytes(encodingMemo, false), utf16Bytes(encodingMemo, true), []byte(strings.ReplaceAll(encodingMemo, "\n", "\r"))} {
		m, err := Parse(src, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Items) != len(base.Items) || m.Items[1].Term != base.Items[1].Term || m.Items[1].Line != base.Items[1].Line {
			t.Errorf("items differ from the UTF-8 memo's: %d items", len(m.Items))
		}
		found := false
		for _, p := range m.Problems {
			found = found || strings.HasPrefix(p.Detail, "encoding: ")
		}
		if !found {
			t.Errorf("no encoding note among %v", m.Problems)
		}
	}
	bad := bytes.Replace([]byte(encodingMemo), []byte("監視"), []byte{0xE7, 0x9B}, 1)
	if _, err := Parse(bad, ParseOptions{}); !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "line 1,") {
		t.Fatalf("err = %v, want ErrEncoding on line 1", err)
	}
}
