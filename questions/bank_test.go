package questions

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	bundledOnce sync.Once
	bundled     *Bank
	bundledErr  error
)

func bundledBank(t testing.TB) *Bank {
	t.Helper()
	bundledOnce.Do(func() { bundled, bundledErr = Default() })
	if bundledErr != nil {
		t.Fatalf("Default: %v", bundledErr)
	}
	return bundled
}

// TestBundledTargets holds the bundled memo to the targets.
func TestBundledTargets(t *testing.T) {
	b := bundledBank(t)
	r := b.Lint()
	// Precision over volume: the bank ships only questions that stand on
	// same-kind kin (see doc.go); these floors catch a generator that
	// silently stops making a type or a domain.
	// 10 since reviews r9 and r10 (translation leaks of Health, Advisor and
	// Linear dropped, four more rejected in the memo config); 9 since
	// review b1 rejected a gloss over the memo's misspelt service names
	if r.Total < 9 {
		t.Errorf("kept %d questions, want at least 9", r.Total)
	}
	for n := 1; n <= 6; n++ {
		if r.ByDomain[n] < 1 {
			t.Errorf("domain %d has no question", n)
		}
	}
	for _, ty := range []Type{TypeDefinitionTerm, TypeTableRow} {
		if r.ByType[ty] == 0 {
			t.Errorf("no %s question", ty)
		}
	}
	if r.TokenLeaks != 0 {
		t.Errorf("%d shipped questions leak their answer through a shared token", r.TokenLeaks)
	}
	for _, w := range r.Warnings {
		// a thin domain is the memo's (lint says so); an empty one or a
		// skewed answer position is the generator's
		if strings.Contains(w, "no questions") || strings.Contains(w, "correct answer at") {
			t.Errorf("bank warning: %s", w)
		}
	}
	ids, stems := map[string]bool{}, map[string]bool{}
	for _, q := range b.Questions {
		if rule, why := Check(q, b.Memo); rule != "" {
			t.Errorf("kept question %s fails %s: %s", q.ID, rule, why)
		}
		if ids[q.ID] || stems[Normalize(q.Stem)] {
			t.Errorf("duplicate id or stem: %s %q", q.ID, q.Stem)
		}
		ids[q.ID], stems[Normalize(q.Stem)] = true, true
		if q.DomainTitle == "" || q.Explanation == "" || len(q.Source.Path) == 0 || q.Source.Line == 0 {
			t.Errorf("question %s lacks domain title, explanation or source", q.ID)
		}
		if q.Confidence < MinConfidence || q.Rank < 1 {
			t.Errorf("question %s: confidence %.2f, rank %d", q.ID, q.Confidence, q.Rank)
		}
		if q.Kin != "sibling" && q.Kin != "section" {
			t.Errorf("question %s: distractors from %s, want kin only", q.ID, q.Kin)
		}
		if n := runeLen(q.Explanation); n > 700 {
			t.Errorf("question %s: explanation of %d runes, want a chat-sized quote", q.ID, n)
		}
	}
	w := b.Memo.Domain(1).Weight
	if w != 22 {
		t.Errorf("domain 1 weight = %v, want 22 from the bundled config", w)
	}
}

func TestDeterministic(t *testing.T) {
	a, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a.Questions)
	jb, _ := json.Marshal(b.Questions)
	if !bytes.Equal(ja, jb) {
		t.Fatal("two builds of the same memo differ")
	}
}

// TestStableIDs edits the memo elsewhere (a new note at the top, one passage
// reworded) and checks that question IDs and option IDs survive.
func TestStableIDs(t *testing.T) {
	before := bundledBank(t)
	src := string(DefaultMemo())
	src = strings.Replace(src, "# exam_memo\n", "# exam_memo\n\nA new note at the top.\n\n", 1)
	src = strings.Replace(src, "CD(Continuous Delivery): 自動で頻繁に本番環境へリリースを行うこと", "CD(Continuous Delivery): 本番環境へのリリースを自動で頻繁に行うこと", 1)
	after, err := Build([]byte(src), ParseOptions{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, q := range before.Questions {
		if q2, err := after.Get(q.ID); err == nil {
			kept++
			if q2.Correct().ID != q.Correct().ID && !strings.Contains(q.Correct().Text, "自動で頻繁に本番環境へ") {
				t.Errorf("%s: answer identity changed", q.ID)
			}
		}
	}
	if share := float64(kept) / float64(len(before.Questions)); share < 0.97 {
		t.Errorf("only %.0f%% of question IDs survived an unrelated edit", share*100)
	}
}

func TestOptionIdentityIndependentOfOrder(t *testing.T) {
	b := bundledBank(t)
	for _, q := range b.Questions {
		for i, o := range q.Options {
			if o.ID != hashID(Normalize(o.Text))[:6] {
				t.Fatalf("%s option %d id depends on more than its text", q.ID, i)
			}
			if q.OptionIndex(o.ID) != i {
				t.Fatalf("%s: OptionIndex(%s) != %d", q.ID, o.ID, i)
			}
		}
	}
}

// TestExplanationQuotesMemo checks the quoted passage is the memo's own
// text: each quoted line appears in the memo at the source line.
func TestExplanationQuotesMemo(t *testing.T) {
	b := bundledBank(t)
	lines := strings.Split(string(DefaultMemo()), "\n")
	checked := 0
	for _, q := range b.Questions {
		if q.Type == TypeTableRow {
			continue
		}
		// a paragraph may continue on the next lines
		src := strings.Join(lines[q.Source.Line-1:min(len(lines), q.Source.Line+4)], " ")
		if strings.ContainsAny(src, "[<*") {
			continue // the memo line has markup the quote leaves out
		}
		first := strings.Split(q.Source.Quote, "\n")[0]
		if !strings.Contains(Normalize(src), Normalize(first)) {
			t.Errorf("%s: quote %q is not memo line %d %q", q.ID, first, q.Source.Line, src)
		}
		if !strings.Contains(q.Explanation, "> "+first) || !strings.Contains(q.Explanation, q.Correct().Text) {
			t.Errorf("%s: explanation lacks quote or answer", q.ID)
		}
		checked++
	}
	if checked < 4 { // 4 since review b1 rejected one (see TestBundledTargets)
		t.Errorf("only %d questions checked", checked)
	}
}

// TestRules builds a bad question for each rule and checks that rule, and
// only a rule, catches it.
func TestRules(t *testing.T) {
	m := mustParse(t, `## 第 1 分野: x

- AWS CodeDeploy: デプロイを自動化するサービス
- CodeBuild: ビルドを実行するサービス
`)
	good := func() *Question {
		q := &Question{ID: "q", Domain: 1, Type: TypeDefinitionTerm, Stem: "次の説明に当てはまるものはどれですか？\n「ソースコードをコンパイルして成果物を作るサービス」",
			Source: Source{Path: []string{"x"}, Line: 4, Quote: "CodeBuild: ビルドを実行するサービス"}}
		for _, o := range []string{"CodeBuild", "CodePipeline", "CodeCommit", "CodeStar"} {
			q.Options = append(q.Options, Option{ID: optionID(o), Text: o, owner: o})
		}
		q.buildExplanation()
		return q
	}
	if rule, why := Check(good(), m); rule != "" {
		t.Fatalf("good question fails %s: %s", rule, why)
	}
	tests := []struct {
		rule   string
		break_ func(q *Question)
	}{
		{"options", func(q *Question) { q.Options = q.Options[:2] }},
		{"options", func(q *Question) { q.Answer = 7 }},
		{"options", func(q *Question) { q.Options[1].Text = "code build"; q.Options[1].ID = "x" }},
		{"leak", func(q *Question) {
			q.Stem = "CodeBuild で、ビルドを実行するサービスはどれですか？"
		}},
		{"leak", func(q *Question) { // a translation: ビルド is Build
			q.Stem = "次の説明に当てはまるものはどれですか？\n「フルマネージドなビルドサービス」"
		}},
		{"leak", func(q *Question) { // a loanword: カタログ is Catalog
			q.Stem = "次の説明に当てはまるものはどれですか？\n「承認済み製品のカタログを管理する」"
			q.Options[0] = Option{ID: optionID("Service Catalog"), Text: "Service Catalog", owner: "Service Catalog"}
			q.Source.Quote = "Service Catalog: 承認済み製品のカタログを管理する"
			q.buildExplanation()
		}},
		{"stem", func(q *Question) {
			q.Stem = "次の説明に当てはまるものはどれですか？\n「例えば、ソースコードをコンパイルする」"
		}},
		{"stem", func(q *Question) {
			q.Stem = "空欄に当てはまる語句はどれですか？\n「EC2、Lambda、＿＿＿ などで動かす」"
		}},
		{"substring", func(q *Question) { q.Options[1] = Option{ID: "y", Text: "AWS CodeBuild Pro", owner: "x"} }},
		{"also-right", func(q *Question) {
			q.Options[1] = Option{ID: "z", Text: "AWS CodeDeployment", owner: "AWS CodeDeploy"}
			q.Options[0].owner = "CodeDeploy"
		}},
		{"mixed-kinds", func(q *Question) { // a setting key among services
			q.Options[2] = Option{ID: "k", Text: "buildspec.yml", owner: "buildspec.yml"}
		}},
		{"mixed-kinds", func(q *Question) {
			q.Options[0].Text = "CodeBuild Enterprise Edition Runner"
			q.Source.Quote = "CodeBuild Enterprise Edition Runner: x"
			q.buildExplanation()
		}},
		{"generic-answer", func(q *Question) {
			q.Options[0] = Option{ID: "g", Text: "目的", owner: "目的"}
			q.Options[1] = Option{ID: "h", Text: "対策", owner: "対策"}
			q.Options[2] = Option{ID: "i", Text: "概要", owner: "概要"}
			q.Options[3] = Option{ID: "j", Text: "手順", owner: "手順"}
			q.Source.Quote = "目的"
			q.buildExplanation()
		}},
		{"markup-length", func(q *Question) { q.Stem += " ![image](x.png)" }},
		{"markup-length", func(q *Question) { q.Stem = strings.Repeat("長", MaxStemRunes+1) }},
		{"markup-length", func(q *Question) { q.Options[3].Text = "`CodeStar"; q.Options[3].ID = "c" }},
		{"negative-stem", func(q *Question) { q.Stem = "次のうち誤っているものはどれですか？" }},
		{"negative-stem", func(q *Question) { q.Options[3].Text = "all of the above"; q.Options[3].ID = "a" }},
		{"explanation", func(q *Question) { q.Explanation = "正解: CodeBuild" }},
		{"explanation", func(q *Question) { q.Source.Quote = "ビルドを実行するサービス"; q.buildExplanation() }},
	}
	for _, tt := range tests {
		q := good()
		tt.break_(q)
		if rule, why := Check(q, m); rule != tt.rule {
			t.Errorf("want rule %s, got %q (%s) for %+v", tt.rule, rule, why, q.Options)
		}
	}
}

func TestBankRejectsNothingUsable(t *testing.T) {
	_, err := Build([]byte("## 第 1 分野: x\n\n- 一つだけのメモ\n"), ParseOptions{})
	if !errors.Is(err, ErrNoQuestions) {
		t.Fatalf("err = %v, want ErrNoQuestions", err)
	}
	if _, err := bundledBank(t).Get("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get unknown: %v", err)
	}
}

// TestGoldenSample keeps a readable sample of the bank under testdata so
// that reviewers see question changes as diffs. Run with -update to accept.
func TestGoldenSample(t *testing.T) {
	b := bundledBank(t)
	var buf bytes.Buffer
	for i, q := range b.Questions {
		if i%15 != 0 {
			continue
		}
		fmt.Fprintf(&buf, "## %s [%s, 第 %d 分野, %s, difficulty %d]\n%s\n", q.ID, q.Type, q.Domain, q.Kin, q.Difficulty, q.Stem)
		for j, o := range q.Options {
			mark := " "
			if j == q.Answer {
				mark = "*"
			}
			fmt.Fprintf(&buf, "%s %s. %s\n", mark, Letter(j), o.Text)
		}
		fmt.Fprintf(&buf, "%s\n\n", q.Explanation)
	}
	const path = "testdata/golden/dop-c02-sample.txt"
	if *update {
		if err := os.MkdirAll("testdata/golden", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./questions -run TestGoldenSample -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("generated sample differs from %s; review and run with -update", path)
	}
}
