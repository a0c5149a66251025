package questions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPassages: passages come in memo order, never cross a heading, name
// their domain first in the breadcrumb, and skip exam objectives, worked
// questions and link lists; every definition a question could ask about
// lies in some passage.
func TestPassages(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "memos", "*.md"))
	if len(files) == 0 {
		t.Fatal("no test memos")
	}
	skips := map[string]int{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(src, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		ps := m.Passages(lines)
		covered := map[int]bool{}
		for i, p := range ps {
			if p.First > p.Last || p.Last > len(lines) {
				t.Errorf("%s: passage %d spans %d–%d", f, i, p.First, p.Last)
			}
			if i > 0 && p.First <= ps[i-1].Last {
				t.Errorf("%s: passage at %d overlaps the one before (%d–%d)", f, p.First, ps[i-1].First, ps[i-1].Last)
			}
			for _, h := range m.Headings {
				if h.Line > p.First && h.Line <= p.Last {
					t.Errorf("%s: passage %d–%d crosses heading %q", f, p.First, p.Last, h.Text)
				}
			}
			if d := m.Domain(p.Domain); d == nil || len(p.Path) == 0 || p.Path[0] != d.Label() {
				t.Errorf("%s: passage %d–%d path %v, domain %d", f, p.First, p.Last, p.Path, p.Domain)
			}
			if p.Skip != "" {
				skips[p.Skip]++
				continue
			}
			for _, it := range p.Items {
				covered[it.Line] = true
			}
		}
		g := newGenerator(m)
		for it := range g.usable {
			if !covered[it.Line] && ancestorReason(it, nil) == "" && it.Kind == KindDefinition && m.Domain(it.Domain) != nil && it.Domain != OtherDomain {
				if !skippedLine(ps, it.Line) {
					t.Errorf("%s: definition %q (line %d) is in no passage", f, it.Term, it.Line)
				}
			}
		}
	}
	for _, why := range []string{"exam objectives", "inside a worked question"} {
		if skips[why] == 0 {
			t.Errorf("no passage skipped as %q: %v", why, skips)
		}
	}
}

// skippedLine reports whether line lies in a skipped passage.
func skippedLine(ps []Passage, line int) bool {
	for _, p := range ps {
		if p.Skip != "" && line >= p.First && line <= p.Last {
			return true
		}
	}
	return false
}

// TestCheckAuthoredDraft: a drafted question is checked like any authored
// one, and keeps its provenance into the bank.
func TestCheckAuthoredDraft(t *testing.T) {
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	good := Authored{Domain: 2, Stem: "AWS CloudFormation で、メタデータの変更を検出して設定を自動的に再適用させたい。インスタンスに常駐させるヘルパースクリプトはどれか？",
		Options: []string{"cfn-hup", "cfn-init", "cfn-signal", "cfn-get-metadata"}, Answer: 0, Explanation: "cfn-hup は変更を検出する。",
		Draft: &Provenance{ID: "x1", Doubt: "line 198 says cfn-hup runs the metadata once; AWS says cfn-init does"}}
	if err := b.Memo.CheckAuthored(good); err != nil {
		t.Fatalf("a good draft: %v", err)
	}
	leak := good
	leak.Stem = "AWS CloudFormation で cfn-hup の役割に当たるヘルパーはどれか？"
	if err := b.Memo.CheckAuthored(leak); err == nil || !strings.Contains(err.Error(), "leak") && !strings.Contains(err.Error(), "substring") {
		t.Errorf("a leaking draft: %v", err)
	}
	if errs := b.AddAuthored([]Authored{good}); len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, q := range b.Questions {
		if q.Stem == good.Stem {
			if !q.Draft || q.Doubt != good.Draft.Doubt || q.Confidence != DraftConfidence {
				t.Errorf("draft in the bank: draft %v, doubt %q, confidence %v", q.Draft, q.Doubt, q.Confidence)
			}
			return
		}
	}
	t.Error("the draft is not in the bank")
}

// TestItemAt: items are found by their first line.
func TestItemAt(t *testing.T) {
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range b.Memo.Items {
		if got := b.Memo.ItemAt(it.Line); got == nil || got.Line != it.Line {
			t.Fatalf("ItemAt(%d) = %v", it.Line, got)
		}
	}
	if b.Memo.ItemAt(1) != nil {
		t.Error("an item on the title line")
	}
}

// TestPassagesNotesUnderDomainHeading: a domain whose notes sit straight
// under its heading, with no sub-heading, is asked about; a domain with an
// objectives list before its notes skips the list.
func TestPassagesNotesUnderDomainHeading(t *testing.T) {
	src := "## 第 1 分野: 基礎\n\nGo のチャネルはゴルーチン間でデータを受け渡すための型付きの通り道である。\n\n" +
		"- select 文は準備ができたチャネル操作を一つ選んで実行する。\n- context パッケージはキャンセルと期限をゴルーチンの木に伝える。\n\n" +
		"## 第 2 分野: ツール\n\n- go vet でよくある誤りを見つける\n- go test -race でデータ競合を見つける\n\n### メモ\n\n" +
		"- go vet: 疑わしい構文を報告する静的解析ツール\n- gofmt: コードを標準の書式に整えるツール\n"
	m, err := Parse([]byte(src), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	asked := map[int]int{}
	skipped := map[int]int{}
	for _, p := range m.Passages(strings.Split(src, "\n")) {
		if p.Skip == "" {
			asked[p.Domain]++
		} else if p.Skip == skipObjectives {
			skipped[p.Domain]++
		}
	}
	if asked[1] == 0 || skipped[1] != 0 {
		t.Errorf("domain 1 (notes under its heading): %d passages, %d skipped as objectives", asked[1], skipped[1])
	}
	if asked[2] == 0 || skipped[2] == 0 {
		t.Errorf("domain 2 (objectives, then notes): %d passages, %d skipped as objectives", asked[2], skipped[2])
	}
}
