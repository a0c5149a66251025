package draft

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/questions"
)

// deployMemo is a small memo of two domains with sibling definitions.
const deployMemo = `# テスト試験メモ

## 第 1 分野: デプロイ

- AWS CodeDeploy のデプロイ設定
  - Canary: トラフィックを 2 回に分けて移行し、1 回目の割合と 2 回目までの間隔を指定する方式
  - Linear: 一定間隔ごとに同じ割合ずつトラフィックを移行する方式
  - AllAtOnce: すべてのトラフィックを一度に移行する方式
  - Blue/Green: 新しい環境を別に用意し、検証後にトラフィックを切り替える方式

## 第 2 分野: 監視

- Amazon CloudWatch
  - CloudWatch アラーム: メトリクスがしきい値を超えたときに通知やアクションを実行する
  - CloudWatch Logs: ログを収集して保存し、検索できる
  - CloudWatch Synthetics: Canary スクリプトでエンドポイントを定期的に監視する
  - CloudWatch Contributor Insights: ログから上位の寄与者を分析する
`

// script is what the fake model answers: per domain of the drafting
// request, the questions; per stem, the verification verdict (a letter
// chosen by option text).
type script struct {
	drafts  map[int]string // domain → answer content (JSON or junk)
	refuse  map[int]bool   // domain → refuse the drafting request
	down    map[int]bool   // domain → the server is down (retryable, never answered)
	pick    map[string]string
	picks   map[string][]string // stem → the options a multi-answer verification chooses
	other   map[string][]string
	calls   []Request
	verdict func(stem string, options map[string]string) (string, []string)
}

// noSleep skips the Runner's backoff waits.
func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// fakeBackend answers from a script.
type fakeBackend struct{ s *script }

func (f fakeBackend) Name() string { return "fake" }

var (
	reDomain = regexp.MustCompile(`(?m)^Domain: (\d+)`)
	reOption = regexp.MustCompile(`(?m)^([A-F])\. (.*)$`)
)

func (f fakeBackend) Complete(_ context.Context, req Request) (Response, error) {
	f.s.calls = append(f.s.calls, req)
	resp := Response{Key: req.Key, Backend: "fake", Model: "fake-1", Usage: Usage{Input: 100, Output: 10}}
	switch req.Kind {
	case KindDraft:
		var d int
		fmt.Sscan(reDomain.FindStringSubmatch(req.User)[1], &d)
		switch {
		case f.s.refuse[d]:
			return Response{}, fmt.Errorf("fake: %w", ErrRefused)
		case f.s.down[d]:
			return Response{}, fmt.Errorf("fake: %w", ErrServer)
		}
		resp.Content = f.s.drafts[d]
	case KindVerify:
		stem := strings.SplitN(strings.SplitN(req.User, "Question:\n", 2)[1], "\n\n", 2)[0]
		letters := map[string]string{}
		for _, m := range reOption.FindAllStringSubmatch(req.User, -1) {
			letters[m[2]] = m[1]
		}
		v := Verdict{Answer: letters[f.s.pick[stem]], OtherDefensible: []string{}, Reason: "fake"}
		if picks, ok := f.s.picks[stem]; ok {
			v.Answer = ""
			for _, o := range picks {
				v.Answers = append(v.Answers, letters[o])
			}
		}
		for _, o := range f.s.other[stem] {
			v.OtherDefensible = append(v.OtherDefensible, letters[o])
		}
		b, _ := json.Marshal(v)
		resp.Content = string(b)
	}
	return resp, nil
}

// answerJSON renders drafted questions as a model's answer.
func answerJSON(t *testing.T, qs ...Drafted) string {
	t.Helper()
	b, err := json.Marshal(Answer{Questions: qs})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	canary = Drafted{Stem: "AWS CodeDeploy で Lambda 関数を更新する際、まず 10% のトラフィックを新バージョンへ移し、指定した分数が経過したら残りの 90% を移したい。どのデプロイ設定を選ぶか？",
		Options: []string{"Canary", "Linear", "AllAtOnce", "Blue/Green"}, Answer: 0,
		Explanation: "Canary は 2 回に分けて移行する。Linear は一定間隔ごとに同じ割合ずつ移し続ける。",
		Evidence:    []string{"- Canary: トラフィックを 2 回に分けて移行し、1 回目の割合と 2 回目までの間隔を指定する方式"},
		Domain:      1, Difficulty: "medium", Fact: "CodeDeploy Canary の移行方式"}
	leaky = Drafted{Stem: "AWS CodeDeploy で、一度にすべてのトラフィックを新バージョンへ移すデプロイ設定はどれか？",
		Options: []string{"Canary", "Linear", "AllAtOnce", "Blue/Green"}, Answer: 2,
		Explanation: "AllAtOnce は一度にすべて移す。", Evidence: []string{"AllAtOnce: すべてのトラフィックを一度に移行する方式"},
		Domain: 1, Difficulty: "easy", Fact: "AllAtOnce"}
	madeUpQuote = Drafted{Stem: "AWS CodeDeploy で、新しい環境を別に用意して検証後に切り替えたい。どのデプロイ方式か？",
		Options: []string{"Canary", "Linear", "AllAtOnce", "Blue/Green"}, Answer: 3,
		Explanation: "Blue/Green は別環境を用意する。", Evidence: []string{"Blue/Green はダウンタイムなしで切り替える方式"},
		Domain: 1, Difficulty: "easy", Fact: "Blue/Green"}
	leakyLogs = Drafted{Stem: "Amazon CloudWatch で、アプリケーションのログを収集して保存し、後から検索したい。使う機能はどれか？",
		Options: []string{"CloudWatch アラーム", "CloudWatch Logs", "CloudWatch Synthetics", "CloudWatch Contributor Insights"}, Answer: 1,
		Explanation: "Logs はログを収集して保存する。", Evidence: []string{"CloudWatch Logs: ログを収集して保存し、検索できる"},
		Domain: 2, Difficulty: "easy", Fact: "CloudWatch Logs"}
	synthetics = Drafted{Stem: "Amazon CloudWatch で、API の応答を外部から数分ごとに確かめるスクリプトを動かしたい。使う機能はどれか？",
		Options: []string{"CloudWatch アラーム", "CloudWatch Logs", "CloudWatch Synthetics", "CloudWatch Contributor Insights"}, Answer: 2,
		Explanation: "Synthetics は Canary スクリプトでエンドポイントを定期的に監視する。アラームはメトリクスのしきい値で動く。",
		Evidence:    []string{"CloudWatch Synthetics: Canary スクリプトでエンドポイントを定期的に監視する"},
		Domain:      2, Difficulty: "medium", Fact: "CloudWatch Synthetics"}
)

// newTestPipeline builds a pipeline over the deploy memo with a fake model.
func newTestPipeline(t *testing.T, s *script, existing []Existing) *Pipeline {
	t.Helper()
	m := parseMemo(t, deployMemo)
	return &Pipeline{Memo: m, Drafter: questions.NewDrafter(m.Parsed), Existing: existing, Model: "fake-1", Seed: 3,
		Options: PlanOptions{Count: 6}, Runner: &Runner{Backend: fakeBackend{s}, Concurrency: 1, Sleep: noSleep},
		Now: func() time.Time { return time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) }}
}

// TestPipelineGates: each draft goes through the gates in order and is
// kept or dropped under its rule; a kept draft carries its provenance.
func TestPipelineGates(t *testing.T) {
	s := &script{
		drafts: map[int]string{
			1: answerJSON(t, canary, madeUpQuote, leaky), // two asked: the third is one too many
			2: answerJSON(t, synthetics, leakyLogs),
		},
		pick:  map[string]string{canary.Stem: "Canary", synthetics.Stem: "CloudWatch Synthetics"},
		other: map[string][]string{synthetics.Stem: {"CloudWatch アラーム"}},
	}
	p := newTestPipeline(t, s, nil)
	out, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range p.Plan().Asks {
		if a.Count != 2 {
			t.Fatalf("the test wants two questions asked per domain: %d in domain %d", a.Count, a.Passage.Domain)
		}
	}
	want := map[string]int{RuleKept: 1, RuleQualityPrefix + "leak": 1, RuleEvidence: 1, RuleVerifyDisagree: 1, RuleSchema: 1}
	for rule, n := range want {
		if out.Rules[rule] != n {
			t.Errorf("rule %s: %d, want %d (all: %v; records %v)", rule, out.Rules[rule], n, out.Rules, out.Records)
		}
	}
	if len(out.Kept) != 1 || len(out.Pending) != 0 {
		t.Fatalf("kept %d, pending %d", len(out.Kept), len(out.Pending))
	}
	a := out.Kept[0]
	if a.Options[a.Answer] != "Canary" || a.Draft == nil || a.Draft.Backend != "fake" || a.Draft.Model != "fake-1" ||
		a.Draft.Date != "2026-12-07" || a.Draft.Fact != canary.Fact || len(a.Draft.Evidence) != 1 || a.Draft.Evidence[0].Line != 6 {
		t.Errorf("kept draft: %+v %+v", a, a.Draft)
	}
	// the model's order, rotated: the distractors keep their cycle
	for i, o := range canary.Options {
		if a.Options[(i+a.Answer)%4] != o {
			t.Errorf("options %v are not a rotation of %v", a.Options, canary.Options)
			break
		}
	}
	if err := p.Memo.Parsed.CheckAuthored(a); err != nil {
		t.Errorf("a kept draft fails the authored checks: %v", err)
	}
	if out.Usage.Input == 0 {
		t.Error("no tokens counted")
	}
}

// TestPipelineFailures: a refused request and a malformed answer are
// logged under their rules; a request a server never answered stays
// pending; nothing else is lost.
func TestPipelineFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		s       *script
		rule    string
		pending int
	}{
		{"refused", &script{drafts: map[int]string{}, refuse: map[int]bool{1: true, 2: true}}, RuleRefused, 0},
		{"truncated JSON", &script{drafts: map[int]string{1: `{"questions":[{"stem":"x"`, 2: `not json`}}, RuleMalformed, 0},
		{"unknown field", &script{drafts: map[int]string{1: `{"questions":[],"note":"x"}`, 2: `{"questions":[{"stem":"x","optionz":[]}]}`}}, RuleMalformed, 0},
		{"server down", &script{drafts: map[int]string{}, down: map[int]bool{1: true, 2: true}}, "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := newTestPipeline(t, tc.s, nil).Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Pending) != tc.pending {
				t.Errorf("pending %d, want %d", len(out.Pending), tc.pending)
			}
			if tc.rule != "" && out.Rules[tc.rule] != 2 {
				t.Errorf("rules %v, want 2 × %s", out.Rules, tc.rule)
			}
		})
	}
}

// TestPipelineRerun: a rerun keeps no draft already in the questions file
// (the rerun's prompts list the file's drafts as asked, so its requests are
// new ones; the model answering the same drafts again, they are dropped as
// duplicates of the file's), and a draft repeating a question of the bank
// is dropped.
func TestPipelineRerun(t *testing.T) {
	s := &script{drafts: map[int]string{1: answerJSON(t, canary), 2: answerJSON(t, synthetics)},
		pick: map[string]string{canary.Stem: "Canary", synthetics.Stem: "CloudWatch Synthetics"}}
	out, err := newTestPipeline(t, s, nil).Run(context.Background())
	if err != nil || len(out.Kept) != 2 {
		t.Fatalf("first run: %v, kept %d (%v)", err, len(out.Kept), out.Records)
	}
	var existing []Existing
	for _, a := range out.Kept {
		existing = append(existing, Existing{Domain: a.Domain, Stem: a.Stem, Answer: a.Options[a.Answer], DraftID: a.Draft.ID,
			Fact: a.Draft.Fact, Covers: true, Position: a.Answer, Lines: []int{a.Draft.Evidence[0].Line}})
	}
	// a rerun tops up: the same drafts again are duplicates of the file's
	p := newTestPipeline(t, s, existing)
	p.Options.Count = 6 + len(existing)
	out, err = p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Kept) != 0 || out.Rules[RuleDuplicate] == 0 {
		t.Errorf("rerun kept %d drafts again (rules %v), want none, dropped as duplicates", len(out.Kept), out.Rules)
	}
	// a hand-written question asking the same: the draft is a duplicate
	hand := []Existing{{Domain: 1, Stem: canary.Stem, Answer: "Canary", Position: -1}}
	out, err = newTestPipeline(t, s, hand).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if out.Rules[RuleDuplicate] != 1 {
		t.Errorf("rules %v, want one duplicate", out.Rules)
	}
}
