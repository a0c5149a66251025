package draft

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/studybot/studybot/questions"
)

// parseQuestions is a test stand-in for the command's reader of the
// questions file (strict: unknown keys are errors).
func parseQuestions(src []byte) ([]questions.Authored, error) {
	var doc struct {
		Questions []struct {
			Domain      int      `yaml:"domain"`
			Stem        string   `yaml:"stem"`
			Options     []string `yaml:"options"`
			Answer      int      `yaml:"answer"`
			Answers     []int    `yaml:"answers"`
			Choose      int      `yaml:"choose"`
			Explanation string   `yaml:"explanation"`
			Source      string   `yaml:"source"`
			Sources     []string `yaml:"sources"`
			Draft       *struct {
				ID, Backend, Model, Date, Fact, Difficulty, Doubt string
				Evidence                                          []struct {
					Line int
					Text string
				}
			} `yaml:"draft"`
		} `yaml:"questions"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	var out []questions.Authored
	for _, q := range doc.Questions {
		a := questions.Authored{Domain: q.Domain, Stem: q.Stem, Options: q.Options, Answer: q.Answer, Answers: q.Answers, Choose: q.Choose,
			Explanation: q.Explanation, Source: q.Source, Sources: q.Sources}
		if q.Draft != nil {
			a.Draft = &questions.Provenance{ID: q.Draft.ID, Backend: q.Draft.Backend, Model: q.Draft.Model, Date: q.Draft.Date,
				Fact: q.Draft.Fact, Difficulty: q.Draft.Difficulty, Doubt: q.Draft.Doubt}
			for _, e := range q.Draft.Evidence {
				a.Draft.Evidence = append(a.Draft.Evidence, questions.Evidence{Line: e.Line, Text: e.Text})
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// sampleDraft is a draft with text that needs escaping in YAML.
func sampleDraft(id string) questions.Authored {
	return questions.Authored{Domain: 1, Stem: "「Canary」: 10% を移し、\"残り\" を後で移す設定は？ #not-a-comment",
		Options: []string{"Canary", "Linear", "AllAtOnce", "Blue/Green: 別環境"}, Answer: 0,
		Explanation: "Canary は 2 回に分けて移す。\nLinear は一定間隔で移す。", Source: "Canary: トラフィックを 2 回",
		Draft: &questions.Provenance{ID: id, Backend: "batch", Model: "m", Date: "2026-12-07", Fact: "Canary: 移行方式",
			Difficulty: "medium", Doubt: "line 6 may be out of date", Evidence: []questions.Evidence{{Line: 6, Text: "Canary: トラフィックを 2 回に分けて移行し"}}}}
}

// TestAppendDrafts: drafts are appended as text to the list, whatever its
// indentation; what was there — comments, order, odd formatting — is kept
// byte for byte; the result parses with every field intact.
func TestAppendDrafts(t *testing.T) {
	hand := `# The team's questions. Keep this comment.
questions:
    # an indented comment
    - domain: 2
      stem:   'hand-written, odd spacing'   # trailing comment
      options: [a, b,
                c, d]
      answer: 1
      explanation: >
        folded
        text
# a comment at the end, at column 0
`
	for _, tc := range []struct {
		name, old string
		prefix    string // what the file must still start with
		n         int
	}{
		{"missing file", "", "", 0},
		{"hand edits kept", hand, hand, 1},
		{"list at column 0, no final newline", "questions:\n- domain: 2\n  stem: x\n  options: [a, b, c, d]\n  answer: 0\n  explanation: y", "questions:\n- domain: 2\n  stem: x\n  options: [a, b, c, d]\n  answer: 0\n  explanation: y", 1},
		{"comments only", "# nothing yet\n", "# nothing yet\n", 0},
		{"empty flow list", "# c\nquestions: []  # none yet\n", "# c\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "exam.questions.yaml")
			if tc.old != "" {
				os.WriteFile(path, []byte(tc.old), 0o600)
			}
			if err := AppendDrafts(path, []questions.Authored{sampleDraft("a1"), sampleDraft("a2")}, parseQuestions); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(path)
			if !strings.HasPrefix(string(b), tc.prefix) {
				t.Errorf("the old text is not kept:\n%s", b)
			}
			qs, err := parseQuestions(b)
			if err != nil || len(qs) != tc.n+2 {
				t.Fatalf("parsed %d, %v:\n%s", len(qs), err, b)
			}
			got, want := qs[tc.n], sampleDraft("a1")
			if got.Stem != want.Stem || got.Explanation != want.Explanation || got.Source != want.Source ||
				strings.Join(got.Options, "|") != strings.Join(want.Options, "|") || got.Draft == nil {
				t.Fatalf("appended entry %+v, want %+v", got, want)
			}
			if gd, wd := got.Draft, want.Draft; gd.ID != wd.ID || gd.Fact != wd.Fact || gd.Doubt != wd.Doubt || len(gd.Evidence) != 1 || gd.Evidence[0] != wd.Evidence[0] {
				t.Errorf("provenance %+v, want %+v", gd, wd)
			}
			if st, _ := os.Stat(path); tc.old != "" && st.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want the file's own 0600", st.Mode().Perm())
			}
		})
	}
}

// TestAppendDraftsRefuses: a file that does not parse, or whose list the
// text cannot be appended to, is left exactly as it was.
func TestAppendDraftsRefuses(t *testing.T) {
	for name, old := range map[string]string{
		"broken YAML":     "questions:\n  - domain: [\n",
		"flow-style list": "questions: [{domain: 1, stem: x, options: [a, b, c, d], answer: 0, explanation: y}]\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "exam.questions.yaml")
			os.WriteFile(path, []byte(old), 0o644)
			if err := AppendDrafts(path, []questions.Authored{sampleDraft("a1")}, parseQuestions); err == nil {
				t.Fatal("appended")
			}
			if b, _ := os.ReadFile(path); string(b) != old {
				t.Errorf("the file changed:\n%s", b)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("%d files left in the directory (a temp file?)", len(ents))
			}
		})
	}
}
