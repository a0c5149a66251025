package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func noEnv(string) string { return "" }

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb, noEnv)
	return code, out.String(), errb.String()
}

func TestQuestionsLint(t *testing.T) {
	code, out, errs := runCmd(t, "questions", "lint")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"第 1 分野: SDLC のオートメーション", "22%", "by type:", "cloze", "dropped by rule:", "conflict  cfn-init",
		"rejected", "token leaks in what ships: 0", "distractors from:", "sibling", "options name:", "definitions not asked about:", "inside a worked scenario"} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q", want)
		}
	}
}

func TestQuestionsLintBadMemo(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.md")
	os.WriteFile(empty, []byte("\n\n"), 0o644)
	if code, _, errs := runCmd(t, "questions", "lint", "--memo", empty); code == 0 || !strings.Contains(errs, "no text") {
		t.Errorf("empty memo: exit %d, %q", code, errs)
	}
	thin := filepath.Join(dir, "thin.md")
	os.WriteFile(thin, []byte("## 第 1 分野: x\n\n- one note only\n"), 0o644)
	if code, out, errs := runCmd(t, "questions", "lint", "--memo", thin); code == 0 || !strings.Contains(errs, "no usable questions") || !strings.Contains(out, "questions kept: 0") {
		t.Errorf("memo without questions: exit %d, %q", code, errs)
	}
	if code, _, errs := runCmd(t, "questions", "lint", "--memo", filepath.Join(dir, "missing.md")); code == 0 || !strings.Contains(errs, "missing.md") {
		t.Errorf("missing memo: exit %d, %q", code, errs)
	}
	if code, _, errs := runCmd(t, "questions", "lint", "--weights", "1=x"); code == 0 || !strings.Contains(errs, "weights") {
		t.Errorf("bad weights: exit %d, %q", code, errs)
	}
}

func TestQuestionsExportJSONAndYAML(t *testing.T) {
	code, out, errs := runCmd(t, "questions", "export")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) < 20 {
		t.Fatalf("exported %d questions", len(recs))
	}
	for _, k := range []string{"id", "domain", "domain_title", "type", "stem", "options", "answer", "explanation", "source", "confidence", "rank"} {
		if _, ok := recs[0][k]; !ok {
			t.Errorf("export record lacks %q", k)
		}
	}
	src := recs[0]["source"].(map[string]any)
	if _, ok := src["path"]; !ok || src["line"].(float64) < 1 {
		t.Errorf("source = %v", src)
	}
	code, out, _ = runCmd(t, "questions", "export", "--format", "yaml")
	var yrecs []map[string]any
	if code != 0 || yaml.Unmarshal([]byte(out), &yrecs) != nil || len(yrecs) != len(recs) {
		t.Errorf("yaml export: exit %d, %d records", code, len(yrecs))
	}
	if code, _, _ := runCmd(t, "questions", "export", "--format", "xml"); code == 0 {
		t.Error("unknown format accepted")
	}
	// show the first exported question
	id := recs[0]["id"].(string)
	code, out, _ = runCmd(t, "questions", "show", id)
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "正解:") || !strings.Contains(out, "A. ") {
		t.Errorf("show: exit %d\n%s", code, out)
	}
	if code, _, errs := runCmd(t, "questions", "show", "nope"); code == 0 || !strings.Contains(errs, "not found") {
		t.Errorf("show unknown: exit %d, %q", code, errs)
	}
}

func TestLookupCommand(t *testing.T) {
	code, out, errs := runCmd(t, "lookup", "CodeDeploy")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "1. 第 1 分野: SDLC のオートメーション") || !strings.Contains(out, "exact") {
		t.Errorf("lookup output:\n%s", out)
	}
	// flags may follow the query
	code, out, _ = runCmd(t, "lookup", "cfn-init", "-n", "1")
	if code != 0 || strings.Count(out, "\n1. ") != 0 || !strings.Contains(out, "cfn-init") || strings.Contains(out, "\n2. ") {
		t.Errorf("lookup -n 1:\n%s", out)
	}
	if code, _, _ := runCmd(t, "lookup"); code != 2 {
		t.Errorf("lookup without query: exit %d", code)
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, _, errs := runCmd(t, "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("exit %d, %q", code, errs)
	}
	if code, out, _ := runCmd(t, "version"); code != 0 || !strings.Contains(out, "go1.") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

var update = flag.Bool("update", false, "rewrite golden files")
