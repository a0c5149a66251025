package questions

import (
	"errors"
	"testing"
)

func TestAddAuthored(t *testing.T) {
	src := `## 第 1 分野: デプロイ

- デプロイ方式
  - Canary: 一部のトラフィックだけを新バージョンに送り、問題がなければ残りを切り替える方式
  - Linear: 一定間隔で同じ割合ずつトラフィックを新バージョンへ移す方式
  - AllAtOnce: すべてのトラフィックを一度に新バージョンへ移す方式
  - Blue/Green: 新しい環境を別に用意し、検証後にトラフィックを切り替える方式
`
	good := Authored{Domain: 1, Line: 3,
		Stem:        "Lambda 関数の新バージョンへ、決まった間隔で同じ割合ずつトラフィックを移したい。CodeDeploy のどのデプロイ方式を選ぶか？",
		Options:     []string{"Canary", "Linear", "AllAtOnce", "Blue/Green"},
		Answer:      1,
		Explanation: "一定間隔で同じ割合ずつ移すのは Linear。Canary は 2 回に分けて移す。",
		Source:      "一定間隔で同じ割合ずつ"}
	tests := []struct {
		name string
		edit func(a *Authored)
		rule string // "" when the question is added
	}{
		{"good", func(a *Authored) {}, ""},
		{"no source", func(a *Authored) { a.Source = "" }, ""},
		{"source not in the memo", func(a *Authored) { a.Source = "どこにもない文" }, "source"},
		{"unknown domain", func(a *Authored) { a.Domain = 9 }, "domain"},
		{"answer out of range", func(a *Authored) { a.Answer = 4 }, "answer"},
		{"two options", func(a *Authored) { a.Options = a.Options[:2]; a.Answer = 1 }, "options"},
		{"leak", func(a *Authored) {
			a.Stem = "一定間隔で同じ割合ずつ移す Linear 方式の設定はどれか？"
		}, "leak"},
		{"negative stem", func(a *Authored) { a.Stem = "次のうち誤っているデプロイ設定はどれですか？" }, "negative-stem"},
		{"no explanation", func(a *Authored) { a.Explanation = " " }, "explanation"},
		{"replaces nothing", func(a *Authored) { a.Replaces = "0000000000" }, "replaces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Build([]byte(src), ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			before := len(b.Questions)
			a := good
			a.Options = append([]string(nil), good.Options...)
			tt.edit(&a)
			errs := b.AddAuthored([]Authored{a})
			if tt.rule == "" {
				if len(errs) > 0 {
					t.Fatalf("refused: %v", errs)
				}
				q := b.Top(1)[0]
				if q.Type != TypeAuthored || q.Confidence != 1 || len(b.Questions) != before+1 {
					t.Errorf("authored question not first in the draw: %+v", q)
				}
				if q.Correct().Text != a.Options[a.Answer] || !contains(q.Explanation, a.Explanation) {
					t.Errorf("answer %q, explanation %q", q.Correct().Text, q.Explanation)
				}
				if a.Source != "" && !contains(q.Explanation, "> Linear: 一定間隔で同じ割合ずつ") {
					t.Errorf("explanation does not quote the memo line:\n%s", q.Explanation)
				}
				return
			}
			var ae *AuthoredError
			if len(errs) != 1 || !errors.As(errs[0], &ae) || ae.Rule != tt.rule || ae.Line != 3 {
				t.Fatalf("errs = %v, want one %s error at line 3", errs, tt.rule)
			}
			if len(b.Questions) != before {
				t.Error("a refused question joined the bank")
			}
		})
	}
}

// TestAuthoredReplaces: an authored question about an item takes the place
// of the generated one.
func TestAuthoredReplaces(t *testing.T) {
	b, err := Build([]byte(`## 第 1 分野: デプロイ

- デプロイ方式
  - Canary: 一部のトラフィックだけを新バージョンに送り、問題がなければ残りを切り替える方式
  - Linear: 一定間隔で同じ割合ずつトラフィックを新バージョンへ移す方式
  - AllAtOnce: すべてのトラフィックを一度に新バージョンへ移す方式
  - Blue/Green: 新しい環境を別に用意し、検証後にトラフィックを切り替える方式
`), ParseOptions{})
	if err != nil || len(b.Questions) == 0 {
		t.Fatalf("build: %v, %d questions", err, len(b.Questions))
	}
	old := b.Questions[0].ID
	errs := b.AddAuthored([]Authored{{Domain: 1, Line: 1, Replaces: old,
		Stem:    "本番前に新環境を丸ごと用意して検証し、切り替える方式はどれか？",
		Options: []string{"Blue/Green", "Canary", "Linear", "AllAtOnce"}, Answer: 0,
		Explanation: "別環境を用意して切り替えるのは Blue/Green。"}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if _, err := b.Get(old); !errors.Is(err, ErrNotFound) {
		t.Errorf("replaced question %s still in the bank", old)
	}
}

func contains(s, sub string) bool { return len(sub) == 0 || indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestEvidenceLine: a quoted table row reads without the table's bars.
func TestEvidenceLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"| a | b c |", "a | b c"},
		{"  plain line ", "plain line"},
		{"|x||y|", "x | y"},
	} {
		if got := evidenceLine(c.in); got != c.want {
			t.Errorf("evidenceLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
