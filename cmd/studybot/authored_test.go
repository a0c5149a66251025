package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuthoredQuestionsFile: the questions file beside a memo joins the
// bank; a question the rules refuse is named by file, line and rule, and
// lint fails on it; a malformed file is a clear error.
func TestAuthoredQuestionsFile(t *testing.T) {
	dir := t.TempDir()
	memo := filepath.Join(dir, "exam.md")
	os.WriteFile(memo, []byte(`## 第 1 分野: デプロイ

- デプロイ方式
  - Canary: 一部のトラフィックだけを新バージョンに送り、問題がなければ残りを切り替える方式
  - Linear: 一定間隔で同じ割合ずつトラフィックを新バージョンへ移す方式
  - AllAtOnce: すべてのトラフィックを一度に新バージョンへ移す方式
  - Blue/Green: 新しい環境を別に用意し、検証後にトラフィックを切り替える方式
`), 0o644)
	qfile := filepath.Join(dir, "exam.questions.yaml")
	os.WriteFile(qfile, []byte(`questions:
  - domain: 1
    stem: "本番前に新しい環境を丸ごと用意して検証し、切り替えるデプロイ方式はどれか？"
    options: ["Blue/Green", "Canary", "Linear", "AllAtOnce"]
    answer: 0
    explanation: "別環境を用意して切り替えるのは Blue/Green。"
    source: "新しい環境を別に用意し"
  - domain: 1
    stem: "次のうち誤っているデプロイ方式はどれですか？"
    options: ["Blue/Green", "Canary", "Linear", "AllAtOnce"]
    answer: 1
    explanation: "否定の問い。"
`), 0o644)
	code, out, errs := runCmd(t, "questions", "lint", "--memo", memo)
	if code != 1 || !strings.Contains(out, "exam.questions.yaml:8: negative-stem") || !strings.Contains(errs, "1 authored questions left out") {
		t.Errorf("lint: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "authored") {
		t.Errorf("lint does not count the authored question:\n%s", out)
	}
	code, out, _ = runCmd(t, "questions", "export", "--top", "1", "--memo", memo)
	if code != 0 || !strings.Contains(out, `"type": "authored"`) || !strings.Contains(out, "別環境を用意して切り替えるのは") {
		t.Errorf("export --top 1: exit %d\n%s", code, out)
	}
	os.WriteFile(qfile, []byte("questions:\n  - domian: 1\n"), 0o644)
	if code, _, errs := runCmd(t, "questions", "lint", "--memo", memo); code == 0 || !strings.Contains(errs, "exam.questions.yaml") || !strings.Contains(errs, "domian") {
		t.Errorf("typo in questions file: exit %d, %q", code, errs)
	}
}
