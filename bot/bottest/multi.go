package bottest

import (
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/render"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// MultiBank returns a bank of the bundled memo built afresh (not the shared
// one Bank returns) in which every question asks to choose two: its
// correct option and the one after it. The questions file format for
// choose-N questions is not needed: adapters' end-to-end tests post these.
func MultiBank(tb testing.TB) *questions.Bank {
	tb.Helper()
	b, err := questions.Default()
	if err != nil {
		tb.Fatal(err)
	}
	for _, q := range b.Questions {
		q.Answers, q.Choose = []int{q.Answer, (q.Answer + 1) % len(q.Options)}, 2
	}
	return b
}

// MultiCase is one rendered multi-answer message for the adapters' goldens.
type MultiCase struct {
	// Name names the golden file.
	Name string
	// Message is what the core would send.
	Message bot.Message
}

// multiFixture is a choose-N question with the answers a closed post got.
type multiFixture struct {
	name   string
	q      *questions.Question
	counts map[string]int
}

var multiFixtures = []multiFixture{
	{"choose2", &questions.Question{ID: "m2q0000001", Domain: 3, DomainTitle: "デプロイ", Type: "term",
		Stem: "段階的なデプロイと自動ロールバックに使えるサービスはどれか。2 つ選択してください。",
		Options: []questions.Option{{ID: "a1", Text: "CodeDeploy"}, {ID: "a2", Text: "CloudFormation", Quote: "CloudFormation はインフラをテンプレートで作る。"},
			{ID: "a3", Text: "Elastic Beanstalk"}, {ID: "a4", Text: "CodeBuild", Quote: "CodeBuild はビルドとテストを行う。"}, {ID: "a5", Text: "CodeCommit <main> & dev"}},
		Answers: []int{0, 2}, Choose: 2,
		Source: questions.Source{Path: []string{"第 3 分野", "CI/CD"}, Line: 42, Quote: "CodeDeploy と Elastic Beanstalk は段階的デプロイができる。"}},
		map[string]int{"a1+a3": 3, "a1+a2": 2, "a4+a5": 1}},
	{"choose3", &questions.Question{ID: "m3q0000001", Domain: 6, DomainTitle: "耐障害性", Type: "term",
		Stem: "マルチ AZ で可用性を高められるものはどれか。3 つ選択してください。",
		Options: []questions.Option{{ID: "b1", Text: "RDS Multi-AZ"}, {ID: "b2", Text: "S3 Glacier Deep Archive"}, {ID: "b3", Text: "ALB"},
			{ID: "b4", Text: "EC2 Auto Scaling グループを複数のアベイラビリティーゾーンにまたがって構成し、ヘルスチェックで異常なインスタンスを自動的に置き換え、さらにライフサイクルフックで接続のドレインとウォームアップも行う構成（Discord のラベル上限を超える長い選択肢）"},
			{ID: "b5", Text: "EBS スナップショット", Quote: "スナップショットはバックアップでありフェイルオーバーではない。"}, {ID: "b6", Text: "CloudFront"}},
		Answers: []int{0, 2, 3}, Choose: 3,
		Source: questions.Source{Path: []string{"第 6 分野"}, Line: 7, Quote: "RDS Multi-AZ、ALB、複数 AZ の Auto Scaling は AZ 障害に耐える。"}},
		map[string]int{"b1+b3+b4": 2, "b1+b3+b5": 1}},
}

// MultiCases returns a choose-two and a choose-three question's messages
// in lang as the core renders them: the card open and closed (with
// answer counts), the results with counts per option, and a wrong
// answer's reply. One option's text is longer than Slack's 75-character
// option limit, one carries mrkdwn's special characters.
func MultiCases(lang string) []MultiCase {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo)
	var out []MultiCase
	for _, fx := range multiFixtures {
		q := fx.q
		snap := store.Snapshot{QuestionID: q.ID, Domain: q.Domain, DomainTitle: q.DomainTitle, Type: string(q.Type), Stem: q.Stem,
			AnswerID: q.AnswerKey(), Explanation: render.QuoteSource(q.Source.Quote, q.Source)}
		for _, o := range q.Options {
			snap.Options = append(snap.Options, store.SnapOption{ID: o.ID, Text: o.Text, Why: o.Quote})
		}
		post := store.Post{ID: "p" + q.ID, Number: 8, Question: snap, Slot: now.Add(-time.Hour), OpenedAt: now.Add(-time.Hour), ClosesAt: now.Add(7 * time.Hour)}
		closed := post
		closed.Closed = true
		res := store.Results{Counts: fx.counts}
		for k, n := range fx.counts {
			res.Total += n
			if k == snap.AnswerID {
				res.Correct += n
			}
		}
		label := render.T(lang, "domain.n", q.Domain)
		wrong := questions.SetKey([]string{q.Options[0].ID, q.Options[1].ID})
		out = append(out,
			MultiCase{fx.name + "-card-" + lang, render.CardMessage(post, lang, label, 2, now, tokyo)},
			MultiCase{fx.name + "-card-closed-" + lang, render.CardMessage(closed, lang, label, res.Total, now, tokyo)},
			MultiCase{fx.name + "-results-" + lang, render.ResultsMessage(closed, res, lang, label, func(u string) string { return "@" + u }, nil)},
			MultiCase{fx.name + "-feedback-" + lang, render.FeedbackMessage(snap, wrong, lang, nil, "")},
		)
	}
	return out
}
