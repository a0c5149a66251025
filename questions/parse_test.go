package questions

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string) *Memo {
	t.Helper()
	m, err := Parse([]byte(src), ParseOptions{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

func TestParseDomainHeading(t *testing.T) {
	tests := []struct {
		in     string
		num    int
		title  string
		weight float64
		ok     bool
	}{
		{"第 1 分野: SDLC のオートメーション", 1, "SDLC のオートメーション", 0, true},
		{"第２分野：設定管理と IaC", 2, "設定管理と IaC", 0, true},
		{"第 3 分野 耐障害性 (採点対象コンテンツの 15%)", 3, "耐障害性", 15, true},
		{"4. Monitoring and Logging (15%)", 4, "Monitoring and Logging", 15, true},
		{"Domain 5: Incident Response", 5, "Incident Response", 0, true},
		{"試験メモ", 0, "", 0, false},
		{"1.1 Manage RBAC", 0, "", 0, false},
		{"Other", 0, "", 0, false},
	}
	for _, tt := range tests {
		num, title, weight, ok := parseDomainHeading(tt.in)
		if num != tt.num || title != tt.title || weight != tt.weight || ok != tt.ok {
			t.Errorf("parseDomainHeading(%q) = %d, %q, %v, %v; want %d, %q, %v, %v", tt.in, num, title, weight, ok, tt.num, tt.title, tt.weight, tt.ok)
		}
	}
}

func TestSplitTerm(t *testing.T) {
	tests := []struct {
		in, term, def string
		ok            bool
	}{
		{"CodeDeploy: デプロイを自動化するサービス", "CodeDeploy", "デプロイを自動化するサービス", true},
		{"cfn-init：メタデータを読み取り適用する", "cfn-init", "メタデータを読み取り適用する", true},
		{"etcd → the key-value store", "etcd", "the key-value store", true},
		{"buildspec.yml:", "buildspec.yml", "", true},
		{"コード、イメージ: 設定", "", "", false},
		{"https://example.com/x", "", "", false},
		{"ただの文です。", "", "", false},
	}
	for _, tt := range tests {
		term, def, ok := splitTerm(tt.in)
		if term != tt.term || def != tt.def || ok != tt.ok {
			t.Errorf("splitTerm(%q) = %q, %q, %v; want %q, %q, %v", tt.in, term, def, ok, tt.term, tt.def, tt.ok)
		}
	}
}

const shapesMemo = `Before any heading: this line is kept.

## 第 1 分野: デプロイ

- パイプラインを設計する

### 試験メモ

- CodeDeploy
  - デプロイを自動化するサービス
  - 目的: アプリケーションのリリースを安全にする
  - ![image](https://example.com/a.png)
  - 詳しくは [公式ドキュメント](https://docs.aws.amazon.com/) を参照
- buildspec.yml: CodeBuild の設定ファイル。` + "`phases`" + ` にコマンドを書く
- 理由
  - 1. 再現性: 毎回同じ手順で作る
  - 2. 速度: 手作業より速い
- デプロイが失敗したらどうする？
  - CloudWatch アラームで自動ロールバックする。

## 第 2 分野: 監視

### 試験メモ

- CloudWatch Logs: ログを集めて保存し、検索できるサービス
- CloudWatch アラーム: メトリクスがしきい値を超えたら通知するもの

## Other

- CloudWatch Logs Insights: CloudWatch Logs のログを検索して分析するクエリ機能
- 宇宙旅行の持ち物リスト: 帽子と傘
`

func TestParseShapes(t *testing.T) {
	m := mustParse(t, shapesMemo)
	byText := map[string]*Item{}
	for _, it := range m.Items {
		byText[it.Text] = it
	}
	if it := byText["Before any heading: this line is kept."]; it == nil {
		t.Error("text before the first heading was dropped")
	}
	if it := byText["パイプラインを設計する"]; it == nil || it.Kind != KindObjective || it.Domain != 1 {
		t.Errorf("objective under domain heading: %+v", it)
	}
	cd := byText["CodeDeploy"]
	if cd == nil || cd.Kind != KindDefinition || cd.Def != "デプロイを自動化するサービス" {
		t.Fatalf("term with children not read as a definition: %+v", cd)
	}
	if cd.Attrs["目的"] != "アプリケーションのリリースを安全にする" {
		t.Errorf("label not kept as attribute of its parent: %v", cd.Attrs)
	}
	for _, it := range m.Items {
		if strings.Contains(it.Text, "![") || strings.Contains(it.Text, "](") || strings.Contains(it.Text, "https://") {
			t.Errorf("markup left in %q", it.Text)
		}
	}
	if it := byText["詳しくは 公式ドキュメント を参照"]; it == nil {
		t.Error("link label not kept as text")
	}
	bs := byText["buildspec.yml: CodeBuild の設定ファイル。`phases` にコマンドを書く"]
	if bs == nil || bs.Term != "buildspec.yml" {
		t.Errorf("inline code not kept as code: %+v", bs)
	}
	if it := byText["再現性: 毎回同じ手順で作る"]; it == nil || it.Number != 1 || it.Parent == nil || it.Parent.Text != "理由" {
		t.Errorf("numbered sub-item: %+v", it)
	}
	sc := byText["デプロイが失敗したらどうする？"]
	if sc == nil || sc.Kind != KindScenario || sc.Def != "CloudWatch アラームで自動ロールバックする。" {
		t.Errorf("scenario: %+v", sc)
	}
	// Sections outside any domain go to the closest domain, or "other".
	if it := byText["CloudWatch Logs Insights: CloudWatch Logs のログを検索して分析するクエリ機能"]; it == nil || it.Domain != 2 || !it.InOther {
		t.Errorf("outside item not assigned to the monitoring domain: %+v", it)
	}
	if it := byText["宇宙旅行の持ち物リスト: 帽子と傘"]; it == nil || it.Domain != OtherDomain {
		t.Errorf("unrelated outside item not in the other bucket: %+v", it)
	}
	if m.Domain(OtherDomain) == nil {
		t.Error("other bucket missing although used")
	}
}

func TestConflictsReported(t *testing.T) {
	m := mustParse(t, `## 第 1 分野: IaC

- cfn-init: メタデータを監視し、変更を適用する
- cfn-hup: テンプレートの更新を監視して構成を更新する
- cfn-signal: インスタンスの準備ができたことを通知する
- cfn-init: CloudFormation のメタデータを読み取り、インスタンスに適用する
- cfn-signal: インスタンスの準備ができたことを通知する
- CreationPolicy: 指定数のシグナルを受けるまで作成の完了を待たせる属性
- UpdatePolicy: 更新のときにインスタンスをどう入れ替えるかを決める属性
- DeletionPolicy: スタック削除のときにリソースを残すかどうかを決める属性
- StackSets: 複数のアカウントとリージョンにスタックを展開する機能
`)
	kinds := map[string]string{}
	for _, p := range m.Problems {
		kinds[p.Term] = p.Kind
	}
	if kinds["cfn-init"] != "conflict" || kinds["cfn-signal"] != "duplicate" {
		t.Fatalf("problems = %+v", m.Problems)
	}
	b, err := NewBank(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range b.Questions {
		if q.Correct().Text == "cfn-init" || strings.Contains(q.Stem, "cfn-init") {
			t.Errorf("question about a conflicting term: %s", q.Stem)
		}
	}
}

func TestAliases(t *testing.T) {
	m := mustParse(t, `## 第 1 分野: x

- AWS CodeDeploy: デプロイを自動化する
- IAM Identity Center（旧称 AWS SSO）: シングルサインオンのサービス
- Amazon GuardDuty: 脅威を検出するサービス
`)
	a := m.Aliases()
	same := [][2]string{
		{"CodeDeploy", "AWS CodeDeploy"},
		{"ＣｏｄｅＤｅｐｌｏｙ", "AWS CodeDeploy"},
		{"AWS SSO", "IAM Identity Center（旧称 AWS SSO）"},
		{"IAM Identity Center", "SSO"},
		{"GuardDuty", "Amazon GuardDuty"},
	}
	for _, p := range same {
		if !a.Same(p[0], p[1]) {
			t.Errorf("Same(%q, %q) = false", p[0], p[1])
		}
	}
	if a.Same("CodeDeploy", "GuardDuty") {
		t.Error("CodeDeploy and GuardDuty grouped together")
	}
}

// TestParseTestdataMemos checks that memos of other shapes are read
// completely (every line of text ends up in an item, table or heading) and
// yield questions in every domain.
func TestParseTestdataMemos(t *testing.T) {
	files, _ := filepath.Glob("testdata/memos/*.md")
	if len(files) < 2 {
		t.Fatalf("want at least two extra memos, found %d", len(files))
	}
	strip := regexp.MustCompile(`^\s*(#+|[-*+]|\d+(\.\d+)*\.?|\|)?\s*`)
	markup := regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|<[^>]+>`)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Build(src, ParseOptions{})
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			var all strings.Builder
			for _, it := range b.Memo.Items {
				all.WriteString(Normalize(it.Text) + "\n")
			}
			for _, tb := range b.Memo.Tables {
				all.WriteString(Normalize(tableText(tb)) + "\n")
			}
			for _, h := range b.Memo.Headings {
				all.WriteString(Normalize(h.Text) + "\n")
			}
			all.WriteString(Normalize(b.Memo.Title))
			text := all.String()
			front := strings.HasPrefix(string(src), "---\n")
			for i, line := range strings.Split(string(src), "\n") {
				if front {
					if i > 0 && line == "---" {
						front = false
					}
					continue
				}
				l := markup.ReplaceAllString(line, "$1")
				l = strings.TrimSpace(strip.ReplaceAllString(strip.ReplaceAllString(l, ""), ""))
				l = strings.Trim(l, "| ")
				if l == "" || strings.Trim(l, "-| ") == "" {
					continue
				}
				for _, cell := range strings.Split(l, "|") {
					if k := Normalize(strings.TrimSpace(cell)); k != "" && !strings.Contains(text, k) {
						t.Errorf("line %d not read: %q", i+1, line)
					}
				}
			}
			r := b.Lint()
			if r.Total < 8 {
				t.Errorf("only %d questions", r.Total)
			}
		})
	}
}

func TestFrontMatterWeights(t *testing.T) {
	src, err := os.ReadFile("testdata/memos/sec-nested.md")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(src, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]float64{1: 40, 2: 35, 3: 25}
	for n, w := range want {
		if d := m.Domain(n); d == nil || d.Weight != w {
			t.Errorf("domain %d weight = %+v, want %v", n, d, w)
		}
	}
	if m.Exam == "" {
		t.Error("exam name from front matter missing")
	}
	// the line numbers still point into the original file
	for _, it := range m.Items {
		if it.Text == "試験前に見直すメモ。見出しの前の文も読み込まれる。" && it.Line != 10 {
			t.Errorf("line = %d, want 10", it.Line)
		}
	}
}

func TestParseRejects(t *testing.T) {
	if _, err := Parse([]byte("   \n\n"), ParseOptions{}); err == nil {
		t.Error("empty memo accepted")
	}
	if _, err := Parse(make([]byte, MaxMemoBytes+1), ParseOptions{}); err == nil {
		t.Error("oversized memo accepted")
	}
	if _, err := ParseConfig([]byte("weights:\n  x: 1\n")); err == nil {
		t.Error("bad weight accepted")
	}
	if _, err := ParseWeights("1=22,2=abc"); err == nil {
		t.Error("bad weights flag accepted")
	}
}

// TestDomainShapes checks domain detection on memo shapes the bundled memo
// does not have: an overview list of numbered headings before the real
// sections, and numbering that starts at 2 with domain 1's notes before it.
func TestDomainShapes(t *testing.T) {
	tests := []struct {
		file    string
		titles  map[int]string
		weights map[int]float64
		item    string // a note that must land in domain itemDom
		itemDom int
	}{
		{"saa-overview.md",
			map[int]string{1: "セキュアなアーキテクチャの設計", 2: "弾力性に優れたアーキテクチャの設計", 3: "高性能なアーキテクチャの設計", 4: "コストを最適化したアーキテクチャの設計"},
			map[int]float64{1: 30, 2: 26, 3: 24, 4: 20}, "S3 のストレージクラス", 4},
		{"net-childdefs.md",
			map[int]string{1: "基礎", 2: "ルーティングとスイッチング", 3: "無線 LAN", 4: "ネットワークセキュリティ"},
			nil, "主要なプロトコル", 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile("testdata/memos/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(src, ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[int]string{}
			for _, d := range m.Domains {
				if d.Number != OtherDomain {
					got[d.Number] = d.Title
				}
			}
			if len(got) != len(tt.titles) {
				t.Errorf("domains = %v, want %v", got, tt.titles)
			}
			for n, title := range tt.titles {
				if got[n] != title {
					t.Errorf("domain %d = %q, want %q", n, got[n], title)
				}
				if w, ok := tt.weights[n]; ok && m.Domain(n).Weight != w {
					t.Errorf("domain %d weight = %v, want %v", n, m.Domain(n).Weight, w)
				}
			}
			found := false
			for _, it := range m.Items {
				if it.Text == tt.item {
					found = true
					if it.Domain != tt.itemDom || it.InOther {
						t.Errorf("%q in domain %d (outside: %v), want %d", tt.item, it.Domain, it.InOther, tt.itemDom)
					}
				}
			}
			if !found {
				t.Errorf("no note %q", tt.item)
			}
		})
	}
}

// TestDeepNestingIsBounded reads a memo nested far deeper than any note
// needs: it parses, no item sits deeper than MaxIndent allows, line numbers
// still point into the file, and lint reports the lines read shallower.
func TestDeepNestingIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("## 第 1 分野: 入れ子\n\n")
	for d := 0; d < 200; d++ {
		fmt.Fprintf(&b, "%s- 項目%d: 説明 %d です。\n", strings.Repeat("  ", d), d, d)
	}
	b.WriteString("> > > > > > > > > > > > 深い引用\n")
	m, err := Parse([]byte(b.String()), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	maxDepth := 0
	for _, it := range m.Items {
		d := 0
		for p := it.Parent; p != nil; p = p.Parent {
			d++
		}
		maxDepth = max(maxDepth, d)
		if it.Term == "項目150" && it.Line != 153 {
			t.Errorf("項目150 on line %d, want 153", it.Line)
		}
	}
	if maxDepth > MaxIndent/2+1 || maxDepth < MaxIndent/2-1 {
		t.Errorf("deepest item at depth %d, want about %d", maxDepth, MaxIndent/2)
	}
	found := false
	for _, p := range m.Problems {
		if p.Kind == "parse" && strings.Contains(p.Detail, "deeper") && len(p.Lines) > 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("no parse problem reported: %+v", m.Problems)
	}
	if !strings.Contains(strings.Join(itemTexts(m), "\n"), "深い引用") {
		t.Error("the deep quote was lost")
	}
}

func itemTexts(m *Memo) []string {
	var out []string
	for _, it := range m.Items {
		out = append(out, it.Text)
	}
	return out
}
