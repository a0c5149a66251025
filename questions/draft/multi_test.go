package draft

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/questions"
)

// auditMemo has one passage of six sibling services: room for a
// "choose two" question.
const auditMemo = `# テスト試験メモ

## 第 1 分野: 監視

- 記録と監視のサービス
  - AWS CloudTrail: アカウント内の API 呼び出しを記録する
  - AWS Config: リソースの設定変更を記録し、ルールで準拠状況を評価する
  - AWS X-Ray: 分散トレーシングでリクエストの経路を可視化する
  - Amazon Inspector: EC2 やコンテナイメージの脆弱性をスキャンする
  - AWS Trusted Advisor: コストやセキュリティのベストプラクティスを確認する
  - Amazon GuardDuty: ログを分析して脅威を検出する
`

// auditPair is a "choose two" draft on auditMemo.
var auditPair = Drafted{Stem: "監査のため、誰がいつどの操作を呼び出したかと、各リソースがいつどのように変わったかを後から調べられるようにしたい。有効にするサービスはどれか？（2つ選択）",
	Options: []string{"AWS CloudTrail", "AWS Config", "AWS X-Ray", "Amazon Inspector", "AWS Trusted Advisor"}, Answer: 0, Answers: []int{0, 1}, Choose: 2,
	Explanation: "操作の記録は AWS CloudTrail、構成の変更履歴は AWS Config が残す。X-Ray はリクエストの経路を追うだけで、誰の操作かは残さない。",
	Evidence:    []string{"AWS CloudTrail: アカウント内の API 呼び出しを記録する", "AWS Config: リソースの設定変更を記録し、ルールで準拠状況を評価する"},
	Domain:      1, Difficulty: "medium", Fact: "操作の記録と設定変更の記録"}

// newAuditPipeline is a pipeline over auditMemo asking one request for
// multiEvery.
func newAuditPipeline(t *testing.T, s *script, multiEvery int) *Pipeline {
	t.Helper()
	m := parseMemo(t, auditMemo)
	return &Pipeline{Memo: m, Drafter: questions.NewDrafter(m.Parsed), Model: "fake-1", Seed: 5,
		Options: PlanOptions{Count: 2, MultiEvery: multiEvery}, Runner: &Runner{Backend: fakeBackend{s}, Concurrency: 1, Sleep: noSleep},
		Now: func() time.Time { return time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) }}
}

// TestPipelineMulti: a multi-answer draft is asked for in its own schema,
// verified blind as a set, and kept only when the verifier chooses exactly
// the keyed set and finds nothing else defensible.
func TestPipelineMulti(t *testing.T) {
	pair := []string{"AWS CloudTrail", "AWS Config"}
	tests := []struct {
		name       string
		multiEvery int
		picks      []string
		other      []string
		rule       string
	}{
		{"kept", 1, pair, nil, RuleKept},
		{"the verifier chooses another set", 1, []string{"AWS CloudTrail", "AWS X-Ray"}, nil, RuleVerifyDisagree},
		{"the verifier chooses one more", 1, []string{"AWS CloudTrail", "AWS Config", "AWS X-Ray"}, nil, RuleVerifyDisagree},
		{"the verifier chooses a part", 1, []string{"AWS Config"}, nil, RuleVerifyDisagree},
		{"a third option is defensible", 1, pair, []string{"Amazon Inspector"}, RuleVerifyDisagree},
		{"not asked for", -1, pair, nil, RuleSchema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{drafts: map[int]string{1: answerJSON(t, auditPair)},
				picks: map[string][]string{auditPair.Stem: tt.picks}, other: map[string][]string{auditPair.Stem: tt.other}}
			p := newAuditPipeline(t, s, tt.multiEvery)
			pl := p.Plan()
			if len(pl.Asks) != 1 || pl.Asks[0].Multi != (tt.multiEvery > 0) || pl.Multi != btoi(tt.multiEvery > 0) {
				t.Fatalf("plan: %+v", pl.Asks)
			}
			out, err := p.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if out.Rules[tt.rule] != 1 || len(out.Records) != 1 {
				t.Fatalf("rules %v, want one %s (%v)", out.Rules, tt.rule, out.Records)
			}
			if tt.multiEvery > 0 {
				d, v := s.calls[0], s.calls[1]
				if d.SchemaName != DraftMultiSchemaName || !strings.Contains(d.User, "（2つ選択）") || v.SchemaName != VerifyMultiSchemaName ||
					!strings.Contains(v.User, "Choose 2 options.") || !strings.Contains(v.User, "E. ") {
					t.Errorf("requests: draft %s, verify %s\n%s", d.SchemaName, v.SchemaName, v.User)
				}
			}
			if tt.rule != RuleKept {
				if len(out.Kept) != 0 {
					t.Errorf("kept %+v", out.Kept)
				}
				return
			}
			a := out.Kept[0]
			if a.Choose != 2 || len(a.Answers) != 2 || a.Answer != a.Answers[0] || len(a.Options) != 5 {
				t.Fatalf("kept draft %+v", a)
			}
			var got []string
			for _, i := range a.Answers {
				got = append(got, a.Options[i])
			}
			slices.Sort(got)
			if !slices.Equal(got, pair) {
				t.Errorf("kept answers %v, want %v (options %v)", got, pair, a.Options)
			}
			if len(a.Draft.Evidence) != 2 {
				t.Errorf("evidence %+v", a.Draft.Evidence)
			}
			if err := p.Memo.Parsed.CheckAuthored(a); err != nil {
				t.Errorf("a kept multi draft fails the authored checks: %v", err)
			}
		})
	}
}

// TestMultiGates: the schema, evidence and cue gates of multi-answer drafts.
func TestMultiGates(t *testing.T) {
	m := parseMemo(t, auditMemo)
	edit := func(f func(d *Drafted)) Drafted {
		d := auditPair
		d.Options = slices.Clone(auditPair.Options)
		d.Answers = slices.Clone(auditPair.Answers)
		d.Evidence = slices.Clone(auditPair.Evidence)
		f(&d)
		return d
	}
	tests := []struct {
		name string
		d    Drafted
		rule string
	}{
		{"good", auditPair, ""},
		{"choose four", edit(func(d *Drafted) { d.Choose = 4; d.Answers = []int{0, 1, 2, 3} }), RuleSchema},
		{"four options for choose two", edit(func(d *Drafted) { d.Options = d.Options[:4] }), RuleSchema},
		{"six options for choose two", edit(func(d *Drafted) { d.Options = append(d.Options, "Amazon GuardDuty") }), RuleSchema},
		{"answer twice", edit(func(d *Drafted) { d.Answers = []int{1, 1} }), RuleSchema},
		{"answer out of range", edit(func(d *Drafted) { d.Answers = []int{1, 7} }), RuleSchema},
		{"one answer for choose two", edit(func(d *Drafted) { d.Answers = []int{1} }), RuleSchema},
		{"a correct option without evidence", edit(func(d *Drafted) { d.Answers = []int{0, 3} }), RuleEvidence},
		{"the correct options are the longest", edit(func(d *Drafted) {
			d.Options = []string{"AWS CloudTrail で全リージョンの API 呼び出しを記録する", "AWS Config でリソースの設定変更を記録して評価する", "X-Ray", "Inspector", "Trusted Advisor"}
		}), RuleAnswerCue},
		{"every wrong option restricts itself", edit(func(d *Drafted) {
			d.Options = []string{"API 呼び出しを記録する", "設定変更を記録する", "経路だけを可視化する", "脆弱性のみを調べる", "常に助言だけを返す"}
		}), RuleAnswerCue},
		{"the correct options alone are sentences", edit(func(d *Drafted) {
			d.Options = []string{"操作を記録します。", "変更を記録します。", "X-Ray", "Inspector", "Trusted Advisor"}
		}), RuleAnswerCue},
		{"the number is not stated", edit(func(d *Drafted) { d.Stem = strings.TrimSuffix(d.Stem, "（2つ選択）") }), RuleQualityPrefix + "choose"},
		{"an option names two others", edit(func(d *Drafted) { d.Options[4] = "A と B の両方" }), RuleQualityPrefix + "superset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Pipeline{Memo: m}
			c := &candidate{d: tt.d, ask: &Ask{Passage: m.Parsed.Passages(m.Lines)[0], Multi: true}}
			rule, why := p.gate(c, nil)
			if rule != tt.rule {
				t.Errorf("gate = %q (%s), want %q", rule, why, tt.rule)
			}
		})
	}
}

// TestPlanMulti: about one request in MultiEvery asks for a multi-answer
// question, only about passages with enough sibling definitions, the same
// every time.
func TestPlanMulti(t *testing.T) {
	m := bundledMemo(t)
	dr := questions.NewDrafter(m.Parsed)
	pl := NewPlan(m, dr, nil, PlanOptions{Count: 200})
	if pl.Multi == 0 || pl.Multi*DefaultMultiEvery > len(pl.Asks) {
		t.Fatalf("%d of %d requests ask for a multi-answer question, want some and at most one in %d", pl.Multi, len(pl.Asks), DefaultMultiEvery)
	}
	n := 0
	for i, a := range pl.Asks {
		if a.Multi {
			n++
			if a.Passage.WithKin < MinMultiKin {
				t.Errorf("ask %d: a multi-answer question about a passage of %d kin", i, a.Passage.WithKin)
			}
			if n*DefaultMultiEvery > i+1 {
				t.Errorf("ask %d is the %dth multi-answer ask: more than one in %d so far", i, n, DefaultMultiEvery)
			}
		}
	}
	again := NewPlan(m, dr, nil, PlanOptions{Count: 200})
	for i := range pl.Asks {
		if pl.Asks[i].Multi != again.Asks[i].Multi {
			t.Fatal("the plan's multi-answer asks changed between runs")
		}
	}
	if none := NewPlan(m, dr, nil, PlanOptions{Count: 200, MultiEvery: -1}); none.Multi != 0 {
		t.Errorf("MultiEvery -1 planned %d", none.Multi)
	}
	// measuring: every passage with enough siblings, and nothing else
	only := NewPlan(m, dr, nil, PlanOptions{Count: 200, MultiEvery: 1, MultiOnly: true})
	if only.Multi == 0 || only.Multi != len(only.Asks) || only.Multi <= pl.Multi {
		t.Errorf("MultiOnly with MultiEvery 1: %d multi of %d asks (default plan: %d)", only.Multi, len(only.Asks), pl.Multi)
	}
	for i, a := range only.Asks {
		if a.Passage.WithKin < MinMultiKin {
			t.Errorf("multi-only ask %d: a passage of %d kin", i, a.Passage.WithKin)
		}
	}
}
