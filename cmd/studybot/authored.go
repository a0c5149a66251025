package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/studybot/studybot/questions"
)

// maxAuthoredBytes bounds a questions file.
const maxAuthoredBytes = 4 << 20

// authoredFile is the questions file beside a memo: exam.md →
// exam.questions.yaml.
func authoredFile(memo string) string {
	return strings.TrimSuffix(memo, filepath.Ext(memo)) + ".questions.yaml"
}

// authoredYAML is one question as written in a questions file.
type authoredYAML struct {
	Domain      int        `yaml:"domain"`
	Stem        string     `yaml:"stem"`
	Options     []string   `yaml:"options"`
	Answer      *int       `yaml:"answer"`
	Answers     []int      `yaml:"answers"`
	Choose      int        `yaml:"choose"`
	Explanation string     `yaml:"explanation"`
	Source      string     `yaml:"source"`
	Sources     []string   `yaml:"sources"`
	Replaces    string     `yaml:"replaces"`
	Draft       *draftYAML `yaml:"draft"`
}

// draftYAML is the provenance of a question "questions draft" wrote.
type draftYAML struct {
	ID         string         `yaml:"id"`
	Backend    string         `yaml:"backend"`
	Model      string         `yaml:"model"`
	Date       string         `yaml:"date"`
	Fact       string         `yaml:"fact"`
	Difficulty string         `yaml:"difficulty"`
	Doubt      string         `yaml:"doubt"`
	Evidence   []evidenceYAML `yaml:"evidence"`
}

// evidenceYAML is one memo line a draft quotes.
type evidenceYAML struct {
	Line int    `yaml:"line"`
	Text string `yaml:"text"`
}

// provenance converts a draft: block.
func (d *draftYAML) provenance() *questions.Provenance {
	if d == nil {
		return nil
	}
	p := &questions.Provenance{ID: d.ID, Backend: d.Backend, Model: d.Model, Date: d.Date, Fact: d.Fact,
		Difficulty: d.Difficulty, Doubt: d.Doubt}
	for _, e := range d.Evidence {
		p.Evidence = append(p.Evidence, questions.Evidence{Line: e.Line, Text: e.Text})
	}
	return p
}

// parseAuthored reads a questions file: a "questions:" list of
// {domain, stem, options, answer (0-based), explanation, source, replaces,
// draft} where draft: holds the provenance of a drafted question; a
// multi-answer question has answers: (0-based) and choose: instead of
// answer:, and may name more memo lines in sources:.
// Unknown keys are errors, so a typo is not silently ignored.
func parseAuthored(src []byte) ([]questions.Authored, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: want a mapping with a questions: list", root.Line)
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "questions" {
			list = root.Content[i+1]
		} else {
			return nil, fmt.Errorf("line %d: unknown key %q (want questions:)", root.Content[i].Line, root.Content[i].Value)
		}
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: want a questions: list", root.Line)
	}
	var out []questions.Authored
	for _, n := range list.Content {
		var a authoredYAML
		dec := yaml.NewDecoder(bytes.NewReader(mustMarshal(n)))
		dec.KnownFields(true)
		if err := dec.Decode(&a); err != nil {
			return nil, fmt.Errorf("line %d: %v", n.Line, err)
		}
		q := questions.Authored{Domain: a.Domain, Stem: a.Stem, Options: a.Options, Answers: a.Answers, Choose: a.Choose,
			Explanation: a.Explanation, Source: a.Source, Sources: a.Sources, Replaces: a.Replaces, Line: n.Line,
			Draft: a.Draft.provenance()}
		switch {
		case a.Answer != nil && (a.Choose != 0 || len(a.Answers) > 0):
			return nil, fmt.Errorf("line %d: answer: and answers:/choose: together (a multi-answer question has answers: and choose: only)", n.Line)
		case a.Answer != nil:
			q.Answer = *a.Answer
		}
		out = append(out, q)
	}
	return out, nil
}

func mustMarshal(n *yaml.Node) []byte {
	b, err := yaml.Marshal(n)
	if err != nil {
		return nil // a node yaml.v3 parsed always marshals
	}
	return b
}

// addAuthored adds the authored questions of a memo to its bank: the file
// beside the memo, or for the bundled memo the bundled file. Questions the
// rules refuse are recorded on the bank as "file:line: rule: reason"; a
// file that cannot be read or parsed is an error.
func addAuthored(bank *questions.Bank, memo string) error {
	name, src := "(bundled DOP-C02 questions)", questions.DefaultAuthored()
	if memo != "" {
		name = authoredFile(memo)
		b, err := readFileLimit(name, maxAuthoredBytes)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("questions file: %w", err)
		}
		src = b
	}
	qs, err := parseAuthored(src)
	if err != nil {
		return fmt.Errorf("questions file %s: %w", name, err)
	}
	for _, e := range bank.AddAuthored(qs) {
		var ae *questions.AuthoredError
		if errors.As(e, &ae) {
			e = fmt.Errorf("%s:%d: %s: %s", name, ae.Line, ae.Rule, ae.Reason)
		}
		bank.AuthoredErrors = append(bank.AuthoredErrors, e)
	}
	return nil
}
