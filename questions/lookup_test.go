package questions

import (
	"strings"
	"sync"
	"testing"
)

// lookupQueries are the fixed mixed Japanese/English queries of the lookup
// tests and benchmarks.
var lookupQueries = []string{
	"CodeDeploy", "CodeDeploy ロールバック", "ＣｏｄｅＤｅｐｌｏｙ", "cfn-init", "ブルーグリーン",
	"Blue/Green", "IAM Identity Center", "AWS SSO", "GuardDuty", "CloudWatch アラーム",
	"Auto Scaling ライフサイクルフック", "StackSets", "buildspec.yml", "Route 53 フェイルオーバー", "RPO",
	"RTO", "Aurora グローバルデータベース", "Kinesis Data Firehose", "SQS デッドレターキュー", "Systems Manager",
	"Config ルール", "Control Tower", "SCP", "Organizations", "X-Ray",
	"EventBridge", "カナリア", "ローリング", "Immutable", "Elastic Beanstalk",
	"Parameter Store", "パラメータ", "CodeArtifact", "ECR", "Lambda エイリアス",
}

func TestLookupRanking(t *testing.T) {
	x := bundledBank(t).Index
	tests := []struct {
		query string
		check func(r []Result) bool
		want  string
	}{
		{"CodeDeploy", func(r []Result) bool {
			return r[0].Match == MatchExact && strings.Contains(r[0].Doc.Term, "CodeDeploy")
		}, "exact term first"},
		{"ＣｏｄｅＤｅｐｌｏｙ", func(r []Result) bool {
			return r[0].Match == MatchExact && strings.Contains(r[0].Doc.Term, "CodeDeploy")
		}, "full-width folded to the term"},
		{"cfn-init", func(r []Result) bool { return r[0].Match == MatchExact && strings.HasPrefix(r[0].Doc.Term, "cfn-init") }, "exact term"},
		{"AWS SSO", func(r []Result) bool {
			return r[0].Match == MatchExact && strings.Contains(r[0].Doc.Term, "Identity Center")
		}, "alias from parenthetical"},
		{"ブルーグリーン", func(r []Result) bool {
			return strings.Contains(Normalize(r[0].Doc.Text), Normalize("ブルーグリーン"))
		}, "ブルー/グリーン found"},
		{"CodeDeploy ロールバック", func(r []Result) bool {
			n := Normalize(r[0].Doc.Text + strings.Join(r[0].Doc.Details, ""))
			return strings.Contains(n, "codedeploy") && strings.Contains(n, Normalize("ロールバック"))
		}, "both words in the first result"},
		{"試験メモ", func(r []Result) bool { return r[0].Doc.Kind == DocHeading }, "heading first"},
	}
	for _, tt := range tests {
		r := x.Search(tt.query, 5)
		if len(r) == 0 || !tt.check(r) {
			var got []string
			for _, x := range r {
				got = append(got, x.Match.String()+":"+x.Doc.Text)
			}
			t.Errorf("Search(%q): want %s, got %q", tt.query, tt.want, got)
		}
		for _, x := range r {
			if x.Doc.Breadcrumb == "" || x.Doc.Line == 0 {
				t.Errorf("Search(%q): result without breadcrumb or line: %+v", tt.query, x.Doc)
			}
		}
	}
	if r := x.Search("   ", 5); r != nil {
		t.Errorf("blank query gave %d results", len(r))
	}
	if r := x.Search("存在しないクエリxyz", 5); len(r) != 0 {
		t.Errorf("nonsense query gave %d results", len(r))
	}
}

// TestLookupAgreesWithScan checks the index finds exactly the passages the
// linear scan finds holding every word of the query.
func TestLookupAgreesWithScan(t *testing.T) {
	x := bundledBank(t).Index
	if len(lookupQueries) < 30 {
		t.Fatalf("want at least 30 benchmark queries, have %d", len(lookupQueries))
	}
	for _, q := range lookupQueries {
		scan, idx := x.scanSearch(q), countAll(x, q)
		if scan != idx {
			t.Errorf("%q: scan found %d passages, index %d", q, scan, idx)
		}
		if scan == 0 {
			t.Errorf("%q: benchmark query finds nothing", q)
		}
	}
}

func coversAll(d *Doc, q string) bool {
	for _, f := range strings.Fields(q) {
		if !strings.Contains(d.norm, Normalize(f)) {
			return false
		}
	}
	return true
}

// countAll counts the Search results that hold every word of q.
func countAll(x *Index, q string) int {
	n := 0
	for _, r := range x.Search(q, x.Len()) {
		if coversAll(r.Doc, q) {
			n++
		}
	}
	return n
}

// TestLookupTopKMatchesFullRanking checks the early-stopping search: the
// first k results equal the first k of the full ranking, for every k.
func TestLookupTopKMatchesFullRanking(t *testing.T) {
	x := bundledBank(t).Index
	queries := append([]string{}, lookupQueries...)
	queries = append(queries, "AWS", "CodeDeploy AWS", "AWS Lambda ロールバック", "デプロイ", "の", "a", "S3 バケット ポリシー", "Route 53 ヘルスチェック フェイルオーバー")
	for _, q := range queries {
		full := x.Search(q, x.Len())
		for k := 1; k <= 10; k++ {
			got := x.Search(q, k)
			want := full[:min(k, len(full))]
			if len(got) != len(want) {
				t.Fatalf("%q k=%d: %d results, want %d", q, k, len(got), len(want))
			}
			for i := range got {
				if got[i].Doc != want[i].Doc || got[i].Score != want[i].Score {
					t.Fatalf("%q k=%d result %d: %q (%d), full ranking has %q (%d)", q, k, i, got[i].Doc.Text, got[i].Score, want[i].Doc.Text, want[i].Score)
				}
			}
		}
	}
}

// TestLookupConcurrent searches from many goroutines at once (run with
// -race): the index and its scratch pool are shared.
func TestLookupConcurrent(t *testing.T) {
	x := bundledBank(t).Index
	want := map[string]string{}
	for _, q := range lookupQueries {
		want[q] = x.Search(q, 3)[0].Doc.Text
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				for _, q := range lookupQueries {
					if got := x.Search(q, 3); len(got) == 0 || got[0].Doc.Text != want[q] {
						t.Errorf("%q: concurrent search differs", q)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
