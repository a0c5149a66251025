package draft

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/studybot/studybot/questions"
)

// newFileHeader opens a questions file the pipeline creates.
const newFileHeader = `# Questions for this memo: written by the team, or drafted by "studybot questions draft"
# (entries with a draft: block; see README "Drafting questions with a language model").
questions:
`

var (
	reQuestionsKey = regexp.MustCompile(`^questions:\s*(\[\s*\])?\s*(#.*)?$`)
	reListItem     = regexp.MustCompile(`^( *)- `)
)

// Parser reads a questions file, as the command does (the YAML reader
// lives with the command; the pipeline only appends text).
type Parser func(src []byte) ([]questions.Authored, error)

// AppendDrafts appends entries to the questions file at path as text,
// never re-marshalling it: comments, order and hand edits stay as they
// are. A missing file is created. The new text is parsed before it is
// written (it must hold every old entry and the new ones), written
// atomically (temp file and rename), and read back and parsed again.
func AppendDrafts(path string, entries []questions.Authored, parse Parser) error {
	if len(entries) == 0 {
		return nil
	}
	old, err := os.ReadFile(path)
	mode := os.FileMode(0o644)
	switch {
	case errors.Is(err, os.ErrNotExist):
		old = nil
	case err != nil:
		return fmt.Errorf("questions file: %w", err)
	default:
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm()
		}
	}
	before := 0
	if len(old) > 0 {
		qs, err := parse(old)
		if err != nil {
			return fmt.Errorf("questions file %s: %w (fix it before drafting)", path, err)
		}
		before = len(qs)
	}
	text, err := appendText(old, entries)
	if err != nil {
		return fmt.Errorf("questions file %s: %w", path, err)
	}
	qs, err := parse(text)
	if err != nil {
		return fmt.Errorf("questions file %s: the appended text does not parse (nothing written): %w", path, err)
	}
	if len(qs) != before+len(entries) {
		return fmt.Errorf("questions file %s: the appended text holds %d questions, want %d (nothing written)", path, len(qs), before+len(entries))
	}
	if err := writeAtomic(path, text, mode); err != nil {
		return fmt.Errorf("questions file: %w", err)
	}
	back, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("questions file: read back: %w", err)
	}
	if qs, err := parse(back); err != nil || len(qs) != before+len(entries) {
		return fmt.Errorf("questions file %s: read back: %d questions, %v", path, len(qs), err)
	}
	return nil
}

// appendText returns old with the entries appended to its questions: list.
func appendText(old []byte, entries []questions.Authored) ([]byte, error) {
	var b bytes.Buffer
	indent := ""
	if len(bytes.TrimSpace(old)) == 0 {
		b.WriteString(newFileHeader)
	} else {
		lines := strings.Split(string(old), "\n")
		key := -1
		for i, l := range lines {
			if reQuestionsKey.MatchString(l) {
				key = i
				break
			}
		}
		if key < 0 {
			// comments only (a list elsewhere would not have parsed):
			// the list starts after them
			b.WriteString(strings.TrimRight(string(old), "\n"))
			b.WriteString("\nquestions:\n")
			for _, a := range entries {
				writeEntry(&b, "", a)
			}
			return b.Bytes(), nil
		}
		if m := reQuestionsKey.FindStringSubmatch(lines[key]); m[1] != "" {
			// "questions: []": an empty flow list becomes a block list
			lines[key] = strings.TrimSpace("questions: " + m[2])
		} else {
			for _, l := range lines[key+1:] {
				if m := reListItem.FindStringSubmatch(l); m != nil {
					indent = m[1]
					break
				}
			}
		}
		b.WriteString(strings.Join(lines, "\n"))
		if !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
			b.WriteByte('\n')
		}
	}
	for _, a := range entries {
		writeEntry(&b, indent, a)
	}
	return b.Bytes(), nil
}

// quoted writes s as a double-quoted YAML scalar (a JSON string is one).
func quoted(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimRight(b.String(), "\n")
}

// writeEntry writes one question as a block mapping under a "- ".
func writeEntry(b *bytes.Buffer, indent string, a questions.Authored) {
	in := indent + "  "
	fmt.Fprintf(b, "%s- domain: %d\n", indent, a.Domain)
	fmt.Fprintf(b, "%sstem: %s\n", in, quoted(a.Stem))
	opts := make([]string, len(a.Options))
	for i, o := range a.Options {
		opts[i] = quoted(o)
	}
	fmt.Fprintf(b, "%soptions: [%s]\n", in, strings.Join(opts, ", "))
	if a.Choose != 0 {
		ans := make([]string, len(a.Answers))
		for i, x := range a.Answers {
			ans[i] = strconv.Itoa(x)
		}
		fmt.Fprintf(b, "%sanswers: [%s]\n", in, strings.Join(ans, ", "))
		fmt.Fprintf(b, "%schoose: %d\n", in, a.Choose)
	} else {
		fmt.Fprintf(b, "%sanswer: %d\n", in, a.Answer)
	}
	fmt.Fprintf(b, "%sexplanation: %s\n", in, quoted(a.Explanation))
	if a.Source != "" {
		fmt.Fprintf(b, "%ssource: %s\n", in, quoted(a.Source))
	}
	if len(a.Sources) > 0 {
		src := make([]string, len(a.Sources))
		for i, x := range a.Sources {
			src[i] = quoted(x)
		}
		fmt.Fprintf(b, "%ssources: [%s]\n", in, strings.Join(src, ", "))
	}
	d := a.Draft
	if d == nil {
		return
	}
	fmt.Fprintf(b, "%sdraft:\n", in)
	in2 := in + "  "
	fmt.Fprintf(b, "%sid: %s\n", in2, quoted(d.ID))
	fmt.Fprintf(b, "%sbackend: %s\n", in2, quoted(d.Backend))
	fmt.Fprintf(b, "%smodel: %s\n", in2, quoted(d.Model))
	fmt.Fprintf(b, "%sdate: %s\n", in2, quoted(d.Date))
	fmt.Fprintf(b, "%sfact: %s\n", in2, quoted(d.Fact))
	fmt.Fprintf(b, "%sdifficulty: %s\n", in2, quoted(d.Difficulty))
	if d.Doubt != "" {
		fmt.Fprintf(b, "%sdoubt: %s\n", in2, quoted(d.Doubt))
	}
	fmt.Fprintf(b, "%sevidence:\n", in2)
	for _, e := range d.Evidence {
		fmt.Fprintf(b, "%s  - {line: %d, text: %s}\n", in2, e.Line, quoted(e.Text))
	}
}
