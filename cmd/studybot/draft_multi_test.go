package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/studybot/studybot/questions/draft"
	"github.com/studybot/studybot/questions/draft/drafttest"
)

// multiMemo has five passages of sibling services in one domain: with
// --count 5 the plan asks one question of each, and the fifth request (the
// audit services) asks for a multi-answer question (one request in five).
const multiMemo = `# 監視メモ

## 第 1 分野: 監視と記録

### コンピューティング

- コンピューティング
  - Amazon EC2: 仮想サーバーを必要な分だけ起動して使う
  - AWS Lambda: サーバーを管理せずにイベントでコードを実行する
  - AWS Fargate: サーバーを管理せずにコンテナを実行する
  - AWS Batch: 大量のバッチジョブをキューに入れて実行する
### ストレージ

- ストレージ
  - Amazon S3: オブジェクトを保存するストレージ
  - Amazon EBS: EC2 にアタッチするブロックストレージ
  - Amazon EFS: 複数の EC2 から共有できるファイルストレージ
  - Amazon S3 Glacier: 長期アーカイブ向けの低コストなストレージ
### データベース

- データベース
  - Amazon RDS: マネージドなリレーショナルデータベース
  - Amazon DynamoDB: フルマネージドな NoSQL データベース
  - Amazon Aurora: MySQL や PostgreSQL と互換の高性能なデータベース
  - Amazon Redshift: ペタバイト規模のデータウェアハウス
### メッセージング

- メッセージング
  - Amazon SQS: メッセージをキューに入れて非同期に処理する
  - Amazon SNS: トピックの購読者へ通知をプッシュする
  - Amazon EventBridge: イベントをルールでターゲットへ振り分ける
  - Amazon Kinesis Data Streams: ストリーミングデータをリアルタイムに取り込む
### 記録と監視のサービス

- 記録と監視のサービス
  - AWS CloudTrail: アカウント内の API 呼び出しを記録する
  - AWS Config: リソースの設定変更を記録し、ルールで準拠状況を評価する
  - AWS X-Ray: 分散トレーシングでリクエストの経路を可視化する
  - Amazon Inspector: EC2 やコンテナイメージの脆弱性をスキャンする
  - AWS Trusted Advisor: コストやセキュリティのベストプラクティスを確認する
  - Amazon GuardDuty: ログを分析して脅威を検出する
`

// multiDraft is the scripted model's "choose two" question.
var multiDraft = map[string]any{"stem": "監査のため、誰がいつどの操作を呼び出したかと、各リソースがいつどのように変わったかを後から調べられるようにしたい。有効にするサービスはどれか？（2つ選択）",
	"options": []string{"AWS CloudTrail", "AWS Config", "AWS X-Ray", "Amazon Inspector", "AWS Trusted Advisor"}, "answer": 0, "answers": []int{0, 1}, "choose": 2,
	"explanation": "操作の記録は AWS CloudTrail、構成の変更履歴は AWS Config が残す。X-Ray はリクエストの経路を追うだけで、誰の操作かは残さない。",
	"evidence":    []string{"AWS CloudTrail: アカウント内の API 呼び出しを記録する", "AWS Config: リソースの設定変更を記録し、ルールで準拠状況を評価する"},
	"domain":      1, "difficulty": "medium", "fact": "操作の記録と設定変更の記録", "doubt": ""}

var reMultiOption = regexp.MustCompile(`(?m)^([A-F])\. (.*)$`)

// multiModel answers a request asking for a multi-answer question with
// multiDraft and any other drafting request with no question; it verifies
// a multi-answer question by choosing the options named in picks.
func multiModel(picks []string) func(drafttest.ChatRequest) drafttest.Outcome {
	return func(r drafttest.ChatRequest) drafttest.Outcome {
		user := r.User()
		var v any
		switch {
		case isDraftRequest(user) && strings.Contains(user, "Multi-answer question"):
			v = map[string]any{"questions": []any{multiDraft}}
		case isDraftRequest(user):
			v = map[string]any{"questions": []any{}}
		default:
			var letters []string
			for _, m := range reMultiOption.FindAllStringSubmatch(user, -1) {
				if slices.Contains(picks, m[2]) {
					letters = append(letters, m[1])
				}
			}
			v = map[string]any{"answers": letters, "other_defensible": []string{}, "reason": "scripted"}
		}
		b, _ := json.Marshal(v)
		return drafttest.Answer(string(b))
	}
}

// TestDraftLiveMulti: through openai-go against the strict fake, one
// request in five asks for a multi-answer question in its own schema; the
// draft is verified as a set and appended with answers/choose when the
// verifier chooses the keyed set, and joins the bank; when it chooses
// another set, nothing is appended.
func TestDraftLiveMulti(t *testing.T) {
	for _, tc := range []struct {
		name  string
		picks []string
		kept  bool
	}{
		{"the verifier agrees", []string{"AWS CloudTrail", "AWS Config"}, true},
		{"the verifier chooses another set", []string{"AWS CloudTrail", "AWS X-Ray"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			backoffWaits(t)
			dir := t.TempDir()
			l := liveDir{memo: filepath.Join(dir, "multi.md"), qfile: filepath.Join(dir, "multi.questions.yaml"), cache: filepath.Join(dir, "cache")}
			if err := os.WriteFile(l.memo, []byte(multiMemo), 0o644); err != nil {
				t.Fatal(err)
			}
			srv := drafttest.NewOpenAIServer(t)
			srv.Key = draftKey
			srv.Respond(multiModel(tc.picks))
			code, out, errs := l.draft(t, openAIEnv, "--backend", "openai", "--base-url", srv.URL, "--model", "m", "--count", "5", "--concurrency", "1")
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			if inv := srv.Invalid(); len(inv) > 0 {
				t.Fatalf("the server rejected requests: %v", inv)
			}
			multi, verify := 0, 0
			for _, r := range srv.Requests() {
				name := r.ResponseFormat.JSONSchema.Name
				switch {
				case name == draft.DraftMultiSchemaName:
					multi++
				case name == draft.VerifyMultiSchemaName:
					verify++
					if !strings.Contains(r.User(), "Choose 2 options.") || !strings.Contains(r.User(), "E. ") {
						t.Errorf("multi verification:\n%s", r.User())
					}
				}
			}
			if multi != 1 || verify != 1 {
				t.Fatalf("%d multi drafting and %d multi verification requests, want 1 and 1", multi, verify)
			}
			rules := l.logRules(t)
			if !tc.kept {
				if rules[draft.RuleVerifyDisagree] != 1 || rules[draft.RuleKept] != 0 {
					t.Errorf("drafts log %v", rules)
				}
				if _, err := os.Stat(l.qfile); err == nil && bytes.Contains(l.file(t), []byte("choose:")) {
					t.Errorf("a rejected draft was appended:\n%s", l.file(t))
				}
				return
			}
			if rules[draft.RuleKept] != 1 {
				t.Fatalf("drafts log %v", rules)
			}
			qs, err := parseAuthored(l.file(t))
			if err != nil || len(qs) != 1 || qs[0].Choose != 2 || len(qs[0].Answers) != 2 {
				t.Fatalf("questions file: %v %+v\n%s", err, qs, l.file(t))
			}
			var got []string
			for _, i := range qs[0].Answers {
				got = append(got, qs[0].Options[i])
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.picks) {
				t.Errorf("appended answers %v, want %v", got, tc.picks)
			}
			// the appended question joins the bank: lint leaves nothing out, export shows it
			var o, e bytes.Buffer
			if code := run([]string{"questions", "export", "--memo", l.memo, "--format", "json"}, strings.NewReader(""), &o, &e, mapEnv(nil)); code != 0 ||
				!strings.Contains(o.String(), `"choose": 2`) || strings.Contains(e.String(), "left out") {
				t.Errorf("export: exit %d\n%s\n%s", code, e.String(), o.String())
			}
		})
	}
}
