package questions

import (
	"fmt"
	"os"
	"testing"
)

func TestDebugParse(t *testing.T) {
	src, _ := os.ReadFile("memo/dop-c02.md")
	m, err := Parse(src, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[ItemKind]int{}
	dom := map[int]int{}
	for _, it := range m.Items {
		kinds[it.Kind]++
		dom[it.Domain]++
	}
	fmt.Println("items", len(m.Items), kinds, dom, "tables", len(m.Tables))
	for _, d := range m.Domains {
		fmt.Println(d.Number, d.Title, d.Weight, len(d.Objectives))
	}
	for _, p := range m.Problems {
		fmt.Println(p)
	}
	n := 0
	for _, it := range m.Items {
		if it.Kind == KindDefinition && n < 400 {
			n++
			if n%5 == 0 {
				fmt.Printf("%d [%d] %q => %.60q\n", it.Line, it.Domain, it.Term, it.Def)
			}
		}
		if it.Kind == KindScenario {
			fmt.Printf("SCEN %d %.50q => %.50q\n", it.Line, it.Text, it.Def)
		}
	}
}

func TestDebugBank(t *testing.T) {
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	r := b.Lint()
	fmt.Printf("%+v\n", r.ByDomain)
	fmt.Printf("%+v\n", r.ByType)
	fmt.Printf("%+v %v %v total %d\n", r.Dropped, r.Positions, r.Warnings, r.Total)
	for i, q := range b.Questions {
		if i%23 == 0 || q.Type == TypeScenario {
			fmt.Printf("\n[%s d%d %s %s] %s\n", q.ID, q.Domain, q.Type, q.Kin, q.Stem)
			for j, o := range q.Options {
				mark := " "
				if j == q.Answer {
					mark = "*"
				}
				fmt.Printf("  %s%s %s\n", mark, Letter(j), o.Text)
			}
		}
	}
}

func TestDebugDrops(t *testing.T) {
	src, _ := os.ReadFile("memo/dop-c02.md")
	m, _ := Parse(src, ParseOptions{})
	g := newGenerator(m)
	fmt.Println("scen", len(g.scen))
	for _, q := range g.generate() {
		if rule, why := Check(q, m); rule == "explanation" || rule == "markup-length" {
			fmt.Printf("d%d %s %s: %s | %.60q\n", q.Domain, q.Type, rule, why, q.Stem)
		}
	}
}

func TestDebugD2(t *testing.T) {
	b, _ := Default()
	gen := map[int]int{}
	for _, q := range b.Questions {
		gen[q.Source.Line]++
	}
	for _, it := range b.Memo.Items {
		if it.Domain == 2 {
			fmt.Printf("%d k%d c%v g%d %.40q | %.30q\n", it.Line, it.Kind, it.Conflict, gen[it.Line], it.Text, it.Def)
		}
	}
}

func TestDebugLookup(t *testing.T) {
	b, _ := Default()
	for _, q := range []string{"CodeDeploy", "CodeDeploy ロールバック", "ＣｏｄｅＤｅｐｌｏｙ", "cfn-init", "ブルーグリーン", "IAM Identity Center", "AWS SSO"} {
		fmt.Println("==", q)
		for _, r := range b.Index.Search(q, 4) {
			fmt.Printf("  %s %d L%d %.50q | %.40q\n", r.Match, r.Score, r.Doc.Line, r.Doc.Text, r.Doc.Breadcrumb)
		}
	}
}
