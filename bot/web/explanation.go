package web

import "strings"

// typeName is a question type's name in lang ("type.table_row"), or the
// type itself when the texts have none (a type added later).
func typeName(lang, typ string) string {
	if s := tr(lang, "type."+typ); s != "type."+typ {
		return s
	}
	return typ
}

// textBlock is a run of an explanation's lines: quoted from the memo
// (lines starting "> ", shown as a blockquote) or not.
type textBlock struct {
	Quote bool
	Lines []string
}

// explanationBlocks splits an explanation into runs of quoted and other
// lines, the quote marks taken off.
func explanationBlocks(text string) []textBlock {
	var out []textBlock
	for l := range strings.SplitSeq(text, "\n") {
		quote := strings.HasPrefix(l, "> ") || l == ">"
		if quote {
			l = strings.TrimPrefix(strings.TrimPrefix(l, ">"), " ")
		}
		if n := len(out); n > 0 && out[n-1].Quote == quote {
			out[n-1].Lines = append(out[n-1].Lines, l)
			continue
		}
		out = append(out, textBlock{Quote: quote, Lines: []string{l}})
	}
	return out
}
