package questions

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const multiMemo = `## 第 1 分野: 監視

- 記録のサービス
  - AWS CloudTrail: アカウント内の API 呼び出しを記録する
  - AWS Config: リソースの設定変更を記録し、ルールで準拠状況を評価する
  - AWS X-Ray: 分散トレーシングでリクエストの経路を可視化する
  - Amazon Inspector: EC2 やコンテナイメージの脆弱性をスキャンする
  - AWS Trusted Advisor: コストやセキュリティのベストプラクティスを確認する
  - Amazon GuardDuty: 脅威を検出する
`

// goodMulti is a choose-two question on multiMemo that passes every rule.
func goodMulti() Authored {
	return Authored{Domain: 1, Line: 7,
		Stem:        "監査のため、誰がいつどの操作を呼び出したかと、各リソースがいつどのように変わったかを後から調べられるようにしたい。使用するサービスを 2 つ選択してください。",
		Options:     []string{"AWS CloudTrail", "AWS X-Ray", "AWS Config", "Amazon Inspector", "AWS Trusted Advisor"},
		Answers:     []int{2, 0},
		Choose:      2,
		Explanation: "操作の記録は AWS CloudTrail、構成の変更履歴は AWS Config が残す。X-Ray はリクエストの経路を追うだけで、誰の操作かは残さない。",
		Source:      "アカウント内の API 呼び出しを記録する",
		Sources:     []string{"リソースの設定変更を記録し"}}
}

func TestAuthoredMulti(t *testing.T) {
	tests := []struct {
		name string
		edit func(a *Authored)
		rule string // "" when the question is added
	}{
		{"good", func(a *Authored) {}, ""},
		{"full-width number", func(a *Authored) {
			a.Stem = strings.Replace(a.Stem, "2 つ選択してください", "（２つ選択）", 1)
		}, ""},
		{"english number", func(a *Authored) {
			a.Stem = strings.Replace(a.Stem, "使用するサービスを 2 つ選択してください。", "Choose two.", 1)
		}, ""},
		{"six options", func(a *Authored) { a.Options = append(a.Options, "Amazon GuardDuty") }, ""},
		{"choose three", func(a *Authored) {
			a.Options = append(a.Options, "Amazon GuardDuty")
			a.Answers, a.Choose = []int{0, 2, 5}, 3
			a.Stem = strings.Replace(a.Stem, "2 つ", "3 つ", 1)
			a.Stem = strings.Replace(a.Stem, "調べられるようにしたい。", "調べられ、不審な通信も見つけたい。", 1)
			a.Sources = append(a.Sources, "脅威を検出する")
			a.Explanation += "脅威の検出は Amazon GuardDuty。"
		}, ""},
		{"choose one", func(a *Authored) { a.Choose, a.Answers = 1, []int{0} }, "choose"},
		{"choose four", func(a *Authored) { a.Choose, a.Answers = 4, []int{0, 1, 2, 3} }, "choose"},
		{"answers without choose", func(a *Authored) { a.Choose = 0 }, "choose"},
		{"fewer answers than choose", func(a *Authored) { a.Answers = []int{0} }, "answers"},
		{"answer twice", func(a *Authored) { a.Answers = []int{0, 0} }, "answers"},
		{"answer out of range", func(a *Authored) { a.Answers = []int{0, 5} }, "answers"},
		{"negative answer", func(a *Authored) { a.Answers = []int{-1, 0} }, "answers"},
		{"too few options for choose three", func(a *Authored) {
			a.Options = a.Options[:4]
			a.Answers, a.Choose = []int{0, 1, 2}, 3
		}, "options"},
		{"seven options", func(a *Authored) { a.Options = append(a.Options, "Amazon GuardDuty", "AWS Shield") }, "options"},
		{"number not stated", func(a *Authored) {
			a.Stem = strings.Replace(a.Stem, "2 つ選択してください", "選択してください", 1)
		}, "choose"},
		{"another number stated", func(a *Authored) { a.Stem = strings.Replace(a.Stem, "2 つ", "3 つ", 1) }, "choose"},
		{"option names two others by letter", func(a *Authored) { a.Options[4] = "A と C の両方" }, "superset"},
		{"option is the set of two others", func(a *Authored) { a.Options[4] = "AWS CloudTrail と AWS Config" }, "superset"},
		{"correct option without evidence", func(a *Authored) { a.Answers = []int{0, 3} }, "evidence"},
		{"multi without a source", func(a *Authored) { a.Source, a.Sources = "", nil }, "evidence"},
		{"a second source not in the memo", func(a *Authored) { a.Sources = []string{"どこにもない文"} }, "source"},
		{"the correct options are the longest", func(a *Authored) {
			a.Options = []string{"AWS CloudTrail で全リージョンの管理イベントを記録する", "X-Ray", "AWS Config で設定変更の履歴を記録して保存する", "Inspector", "GuardDuty"}
		}, "mixed-kinds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Build([]byte(multiMemo), ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			a := goodMulti()
			tt.edit(&a)
			errs := b.AddAuthored([]Authored{a})
			if tt.rule != "" {
				var ae *AuthoredError
				if len(errs) != 1 || !errors.As(errs[0], &ae) || ae.Rule != tt.rule || ae.Line != 7 {
					t.Fatalf("errs = %v, want one %s error at line 7", errs, tt.rule)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("refused: %v", errs)
			}
			q := b.Top(1)[0]
			if !q.Multi() || q.Choose != a.Choose || q.Answer != q.Answers[0] {
				t.Fatalf("not multi: answer %d answers %v choose %d", q.Answer, q.Answers, q.Choose)
			}
			var ids []string
			for _, i := range a.Answers {
				ids = append(ids, q.Options[i].ID)
				if !strings.Contains(q.Explanation, a.Options[i]) {
					t.Errorf("explanation does not name %q:\n%s", a.Options[i], q.Explanation)
				}
			}
			if q.AnswerKey() != SetKey(ids) || len(SplitSet(q.AnswerKey())) != a.Choose {
				t.Errorf("answer key %q, want the set of %v", q.AnswerKey(), ids)
			}
			for _, l := range []string{"> AWS CloudTrail: アカウント内の API 呼び出しを記録する", "> AWS Config: リソースの設定変更を記録し"} {
				if !strings.Contains(q.Explanation, l) {
					t.Errorf("explanation does not quote %q:\n%s", l, q.Explanation)
				}
			}
		})
	}
}

// TestSupersetSingle: the superset rule holds for single-answer questions
// too, and only it refuses an option naming others by letter.
func TestSupersetSingle(t *testing.T) {
	q := &Question{Type: TypeAuthored, Stem: "どれか？", Options: []Option{{Text: "cfn-init"}, {Text: "cfn-hup"}, {Text: "cfn-signal"}, {Text: "A と B"}}}
	if why := checkSuperset(q, nil); why == "" {
		t.Error("checkSuperset passed 「A と B」")
	}
	if why := checkSubstring(q, nil); why != "" {
		t.Errorf("substring already refuses it (%s): the superset rule adds nothing", why)
	}
	q.Options[3] = Option{Text: "cfn-get-metadata"}
	if why := checkSuperset(q, nil); why != "" {
		t.Errorf("checkSuperset refused plain options: %s", why)
	}
	// "X のみ / Y のみ / 両方" is a fair single-answer question
	q.Options = []Option{{Text: "ステートフルルールグループのみ"}, {Text: "ステートレスルールグループのみ"}, {Text: "ステートフルとステートレスの両方"}, {Text: "デフォルトアクションのみ"}}
	if why := checkSuperset(q, nil); why != "" {
		t.Errorf("checkSuperset refused a single-answer 両方: %s", why)
	}
}

func TestStatedChoose(t *testing.T) {
	tests := []struct {
		stem string
		want int
	}{
		{"正しいものを 2 つ選択してください。", 2},
		{"正しいものを2つ選んでください。", 2},
		{"どの組み合わせか？（2つ選択）", 2},
		{"どの組み合わせか？(３つ選択)", 3},
		{"該当するものを二つ選びなさい。", 2},
		{"Which services meet the requirement? (Choose two.)", 2},
		{"Select THREE.", 3},
		{"どれか 3 個選択してください", 3},
		{"最も適したサービスはどれか？", 0},
		{"2 つの AZ にまたがる構成で、最も適したものはどれか？", 0},
	}
	for _, tt := range tests {
		if got := StatedChoose(tt.stem); got != tt.want {
			t.Errorf("StatedChoose(%q) = %d, want %d", tt.stem, got, tt.want)
		}
	}
}

// TestSingleStatesNoOtherNumber: a single-answer stem saying "choose two"
// fails the choose rule.
func TestSingleStatesNoOtherNumber(t *testing.T) {
	q := &Question{Stem: "正しいものを 2 つ選択してください。", Options: []Option{{Text: "a"}, {Text: "b"}, {Text: "c"}}}
	if checkChoose(q, nil) == "" {
		t.Error("a single-answer question asking for two passed")
	}
}

// TestReviewEditMulti: an edit can make a question multi-answer, and keeps
// its answers through the edit path.
func TestReviewEditMulti(t *testing.T) {
	b, err := Build([]byte(multiMemo), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := b.AddAuthored([]Authored{goodMulti()}); len(errs) > 0 {
		t.Fatal(errs)
	}
	var id string
	for _, q := range b.Questions {
		if q.Multi() {
			id = q.ID
		}
	}
	g := goodMulti()
	tests := []struct {
		name string
		d    Decision
		rule string
	}{
		{"keep answers, new explanation", Decision{ID: id, Verdict: Edited, Explanation: g.Explanation + "Inspector は脆弱性の検査。"}, ""},
		{"new options, choose two", Decision{ID: id, Verdict: Edited, Options: g.Options, Answers: []int{0, 2}, Choose: 2}, ""},
		{"answers out of range", Decision{ID: id, Verdict: Edited, Options: g.Options, Answers: []int{0, 9}, Choose: 2}, "answers"},
		{"choose without answers", Decision{ID: id, Verdict: Edited, Options: g.Options, Choose: 2}, "answers"},
		{"options without answers make a single answer", Decision{ID: id, Verdict: Edited, Options: g.Options, Answer: 0}, "options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := b.CheckEdit(tt.d)
			if tt.rule != "" {
				var re *ReviewError
				if !errors.As(err, &re) || re.Rule != tt.rule {
					t.Fatalf("err = %v, want rule %s", err, tt.rule)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !e.Multi() || e.Choose != 2 || len(e.Answers) != 2 || !strings.Contains(e.Explanation, "AWS Config") {
				t.Errorf("edited question lost its answers: %+v", e)
			}
		})
	}
}

func TestSetKeyAndIsRight(t *testing.T) {
	for _, tt := range []struct {
		ids  []string
		want string
	}{
		{[]string{"d4", "b2"}, "b2+d4"},
		{[]string{"b2", "d4", "b2"}, "b2+d4"},
		{[]string{"a1"}, "a1"},
		{nil, ""},
	} {
		if got := SetKey(tt.ids); got != tt.want {
			t.Errorf("SetKey(%v) = %q, want %q", tt.ids, got, tt.want)
		}
		if got := SetKey(SplitSet(tt.want)); got != tt.want {
			t.Errorf("SetKey(SplitSet(%q)) = %q", tt.want, got)
		}
	}
	q := &Question{Answer: 1, Answers: []int{3, 1}, Choose: 2}
	for _, id := range []string{"a1", "b2", "c3", "d4", "e5"} {
		q.Options = append(q.Options, Option{ID: id})
	}
	for choice, want := range map[string]bool{"b2+d4": true, "d4+b2": false, "b2": false, "b2+c3+d4": false, "": false} {
		if q.IsRight(choice) != want {
			t.Errorf("IsRight(%q) = %v, want %v", choice, !want, want)
		}
	}
	single := &Question{Answer: 2, Options: q.Options[:4]}
	if !single.IsRight("c3") || single.IsRight("c3+d4") || single.Multi() {
		t.Error("single-answer grading changed")
	}
}

// TestDiffMultiAnswers: a multi-answer question whose set changes is
// changed in "answer", even when its first answer stays.
func TestDiffMultiAnswers(t *testing.T) {
	multi := func(answers ...int) func(q *Question) {
		return func(q *Question) {
			q.Options = append(q.Options, Option{ID: "d", Text: "Inspector"})
			q.Answers, q.Choose, q.Answer = answers, len(answers), answers[0]
		}
	}
	old := diffBank(diffQ("q1", multi(0, 2)))
	changes, _ := Diff(old, diffBank(diffQ("q1", multi(0, 3))))
	if len(changes) != 1 || !slices.Contains(changes[0].Fields, "answer") {
		t.Errorf("changes %+v", changes)
	}
	if changes, _ := Diff(old, diffBank(diffQ("q1", multi(0, 2)))); len(changes) != 0 {
		t.Errorf("the same set is a change: %+v", changes)
	}
}
