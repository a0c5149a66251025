package render

import (
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// The multi-answer fixtures: a choose-two question of five options and a
// choose-three question of six.
var (
	multi2Q = &questions.Question{ID: "m2q0000001", Domain: 3, DomainTitle: "デプロイ", Type: "term",
		Stem: "段階的なデプロイと自動ロールバックに使えるサービスはどれか。2 つ選択してください。",
		Options: []questions.Option{{ID: "a1", Text: "CodeDeploy"}, {ID: "a2", Text: "CloudFormation", Quote: "CloudFormation はインフラをテンプレートで作る。"},
			{ID: "a3", Text: "Elastic Beanstalk"}, {ID: "a4", Text: "CodeBuild", Quote: "CodeBuild はビルドとテストを行う。"}, {ID: "a5", Text: "CodeCommit"}},
		Answer: 0, Answers: []int{0, 2}, Choose: 2,
		Source: questions.Source{Path: []string{"第 3 分野", "CI/CD"}, Line: 42, Quote: "CodeDeploy と Elastic Beanstalk は段階的デプロイができる。"}}
	multi3Q = &questions.Question{ID: "m3q0000001", Domain: 6, DomainTitle: "耐障害性", Type: "term",
		Stem: "マルチ AZ で可用性を高められるものはどれか。3 つ選択してください。",
		Options: []questions.Option{{ID: "b1", Text: "RDS Multi-AZ"}, {ID: "b2", Text: "S3 Glacier Deep Archive"}, {ID: "b3", Text: "ALB"},
			{ID: "b4", Text: "EC2 Auto Scaling グループ（複数 AZ）"}, {ID: "b5", Text: "EBS スナップショット", Quote: "スナップショットはバックアップでありフェイルオーバーではない。"}, {ID: "b6", Text: "CloudFront"}},
		Answer: 0, Answers: []int{3, 0, 2}, Choose: 3,
		Source: questions.Source{Path: []string{"第 6 分野"}, Line: 7, Quote: "RDS Multi-AZ、ALB、複数 AZ の Auto Scaling は AZ 障害に耐える。"}}
)

// multiSnap freezes a multi-answer fixture as the quiz posts it.
func multiSnap(q *questions.Question) store.Snapshot {
	s := store.Snapshot{QuestionID: q.ID, Domain: q.Domain, DomainTitle: q.DomainTitle, Type: string(q.Type), Stem: q.Stem,
		AnswerID: q.AnswerKey(), Explanation: QuoteSource(q.Source.Quote, q.Source)}
	for _, o := range q.Options {
		s.Options = append(s.Options, store.SnapOption{ID: o.ID, Text: o.Text, Why: o.Quote})
	}
	return s
}

// TestMultiGolden pins the choose-two and choose-three card (open and
// closed), practice card, results and replies in both languages.
func TestMultiGolden(t *testing.T) {
	for _, lang := range Languages {
		for _, fx := range []struct {
			name    string
			q       *questions.Question
			results store.Results
			right   []string
			wrong   []string
		}{
			{"choose2", multi2Q, store.Results{Counts: map[string]int{"a1+a3": 3, "a1+a2": 2, "a4+a5": 1}, Total: 6, Correct: 3, FirstCorrect: []string{"U1"}},
				[]string{"a3", "a1"}, []string{"a1", "a2"}},
			{"choose3", multi3Q, store.Results{Counts: map[string]int{"b1+b3+b4": 2, "b1+b3+b5": 1}, Total: 3, Correct: 2},
				[]string{"b1", "b3", "b4"}, []string{"b1", "b3", "b5"}},
		} {
			snap := multiSnap(fx.q)
			post := store.Post{ID: "p" + fx.q.ID, Number: 8, Question: snap, Slot: renderNow.Add(-time.Hour),
				OpenedAt: renderNow.Add(-time.Hour), ClosesAt: renderNow.Add(7 * time.Hour)}
			closed := post
			closed.Closed = true
			cases := map[string]Message{
				"card":           CardMessage(post, lang, "第 3 分野", 2, renderNow, tokyo),
				"card-closed":    CardMessage(closed, lang, "第 3 分野", fx.results.Total, renderNow, tokyo),
				"practice":       PracticeCard(fx.q, lang, "第 3 分野"),
				"results":        ResultsMessage(closed, fx.results, lang, "第 3 分野", mention, nil),
				"feedback-right": FeedbackMessage(snap, questions.SetKey(fx.right), lang, nil, ""),
				"feedback-wrong": FeedbackMessage(snap, questions.SetKey(fx.wrong), lang, nil, ""),
				"explain":        ExplainMessage(fx.q, snap, lang, "第 3 分野"),
			}
			for name, m := range cases {
				t.Run(fx.name+"-"+name+"-"+lang, func(t *testing.T) { golden(t, fx.name+"-"+name+"-"+lang, m) })
			}
		}
	}
}

// TestMultiModel checks what the goldens only show: the card's
// multi-select asks for exactly the number to choose, carries every
// option's ID and submits through SubmitOption; results count per option.
func TestMultiModel(t *testing.T) {
	snap := multiSnap(multi3Q)
	post := store.Post{ID: "pm3", Question: snap, ClosesAt: renderNow.Add(time.Hour)}
	m := CardMessage(post, "en", "d", 0, renderNow, tokyo)
	if m.Choose != 3 || m.Submit == nil || m.Submit.ActionID != AnswerAction("pm3", SubmitOption) || m.Submit.Disabled {
		t.Fatalf("card: choose %d submit %+v", m.Choose, m.Submit)
	}
	for i, b := range m.Buttons {
		if b.Value != snap.Options[i].ID {
			t.Errorf("option %d value %q", i, b.Value)
		}
	}
	if !strings.HasSuffix(m.Body, "☑️ Choose 3") {
		t.Errorf("body lacks the hint: %q", m.Body)
	}
	if ChooseCount(snap) != 3 || ChooseCount(renderSnap) != 1 {
		t.Errorf("ChooseCount %d %d", ChooseCount(snap), ChooseCount(renderSnap))
	}
	if got := ChoiceLetters(snap, "b4+b1+b3"); got != "A, C, D" {
		t.Errorf("ChoiceLetters = %q", got)
	}
	r := ResultsMessage(store.Post{Question: snap, Closed: true}, store.Results{Counts: map[string]int{"b1+b3+b4": 2, "b1+b3+b5": 1}, Total: 3}, "en", "d", mention, nil)
	want := []string{" 3 (100%)", " 0 (0%)", " 3 (100%)", " 2 (67%)", " 1 (33%)", " 0 (0%)"}
	for i, f := range r.Fields {
		if !strings.HasSuffix(f.Value, want[i]) || strings.HasSuffix(f.Name, "✅") != multi3Q.IsCorrectIndex(i) {
			t.Errorf("results field %d: %+v", i, f)
		}
	}
	if single := CardMessage(renderPost, "en", "d", 0, renderNow, tokyo); single.Choose != 0 || single.Submit != nil || single.Buttons[0].Value != "" {
		t.Errorf("a single-answer card became a multi-select: %+v", single)
	}
}
