package draft

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSummarize: the drafts log counts each draft once, by its latest
// verdict, across the runs that appended to it.
func TestSummarize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "exam.drafts.log.jsonl")
	if LogFile(filepath.Join("d", "exam.questions.yaml")) != filepath.Join("d", "exam.drafts.log.jsonl") {
		t.Errorf("LogFile %q", LogFile("d/exam.questions.yaml"))
	}
	round2 := []Record{{ID: "a", Rule: RuleQualityPrefix + "leak"}, {ID: "b", Rule: RuleEvidence}, {ID: "r1", Rule: RuleRefused}}
	round3 := []Record{{ID: "a", Rule: RuleQualityPrefix + "leak"}, {ID: "b", Rule: RuleEvidence}, {ID: "c", Rule: RuleKept, Doubt: true},
		{ID: "d", Rule: RuleKept}, {ID: "e", Rule: RuleVerifyDisagree}}
	for _, rs := range [][]Record{round2, round3} {
		if err := AppendLog(path, rs); err != nil {
			t.Fatal(err)
		}
	}
	s, ok, err := SummarizeFile(path)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if s.Drafts != 6 || s.Kept != 2 || s.Doubt != 1 || s.Dropped[RuleQualityPrefix+"leak"] != 1 || s.Dropped[RuleVerifyDisagree] != 1 || s.Dropped[RuleRefused] != 1 {
		t.Errorf("summary %+v", s)
	}
	if got := strings.Join(s.Rules(), ","); got != "evidence,quality:leak,refused,verify-disagree" {
		t.Errorf("rules %s", got)
	}
	if _, ok, err := SummarizeFile(filepath.Join(t.TempDir(), "none")); ok || err != nil {
		t.Errorf("missing log: %v %v", ok, err)
	}
	os.WriteFile(path, []byte("{not json\n"), 0o644)
	if _, _, err := SummarizeFile(path); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad log: %v", err)
	}
}
