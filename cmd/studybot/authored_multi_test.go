package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/questions/draft"
)

// TestParseAuthoredMulti: answers: and choose: are read (0-based), answer:
// beside them is an error, and the drafts writer writes them back the same.
func TestParseAuthoredMulti(t *testing.T) {
	tests := []struct {
		name, src string
		want      questions.Authored
		err       string
	}{
		{"choose two", `questions:
  - domain: 1
    stem: "s（2つ選択）"
    options: ["a", "b", "c", "d", "e"]
    answers: [1, 3]
    choose: 2
    explanation: "x"
    source: "p"
    sources: ["q"]
`, questions.Authored{Domain: 1, Stem: "s（2つ選択）", Options: []string{"a", "b", "c", "d", "e"}, Answers: []int{1, 3}, Choose: 2,
			Explanation: "x", Source: "p", Sources: []string{"q"}, Line: 2}, ""},
		{"single", `questions:
  - domain: 1
    stem: "s"
    options: ["a", "b", "c"]
    answer: 2
    explanation: "x"
`, questions.Authored{Domain: 1, Stem: "s", Options: []string{"a", "b", "c"}, Answer: 2, Explanation: "x", Line: 2}, ""},
		{"answer and answers", `questions:
  - domain: 1
    stem: "s"
    options: ["a", "b", "c", "d"]
    answer: 1
    answers: [1, 2]
    choose: 2
    explanation: "x"
`, questions.Authored{}, "answer: and answers:/choose: together"},
		{"typo", `questions:
  - domain: 1
    answer: [1, 2]
`, questions.Authored{}, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAuthored([]byte(tt.src))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Fatalf("got %+v, %v\nwant %+v", got, err, tt.want)
			}
			// the drafts writer keeps answers/choose/sources
			path := filepath.Join(t.TempDir(), "q.yaml")
			a := tt.want
			a.Draft = &questions.Provenance{ID: "d1", Backend: "fake", Model: "m", Date: "2026-12-07", Fact: "f", Difficulty: "hard",
				Evidence: []questions.Evidence{{Line: 3, Text: "p"}}}
			if err := draft.AppendDrafts(path, []questions.Authored{a}, parseAuthored); err != nil {
				t.Fatal(err)
			}
			back, err := parseAuthored(mustRead(t, path))
			if err != nil || len(back) != 1 {
				t.Fatalf("read back: %v %v", back, err)
			}
			b := back[0]
			if !reflect.DeepEqual(b.Answers, a.Answers) || b.Choose != a.Choose || b.Answer != a.Answer || !reflect.DeepEqual(b.Sources, a.Sources) {
				t.Errorf("round trip: %+v, want %+v", b, a)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReviewFileMulti: a review file's edit keeps answers: and choose:.
func TestReviewFileMulti(t *testing.T) {
	rf, err := parseReview([]byte(`abc1234567:
  status: edited
  options: ["a", "b", "c", "d", "e"]
  answers: [1, 4]
  choose: 2
`))
	if err != nil {
		t.Fatal(err)
	}
	ds := rf.decisions()
	if len(ds) != 1 || !reflect.DeepEqual(ds[0].Answers, []int{1, 4}) || ds[0].Choose != 2 || len(ds[0].Options) != 5 {
		t.Errorf("decisions %+v", ds)
	}
}
