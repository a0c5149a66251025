package questions

import "testing"

// TestTokenLeaks holds the leak check to the review's cases: a word the
// stem and the answer share, in the same script or across a translation,
// and no distractor holds.
func TestTokenLeaks(t *testing.T) {
	tests := []struct {
		stem, answer string
		distractors  []string
		leak         bool
	}{
		{"承認済み製品のカタログを管理する", "Service Catalog", []string{"Control Tower", "Organizations", "Config"}, true},
		{"アーティファクト管理ツールです", "AWS CodeArtifact", []string{"AWS CodeBuild", "AWS CodeDeploy", "AWS CodeCommit"}, true},
		{"フルマネージドなビルドサービス", "CodeBuild", []string{"CodePipeline", "CodeDeploy", "CodeCommit"}, true},
		{"プライマリが利用できない場合にセカンダリにフェイルオーバーさせる", "Failover Routing Policy", []string{"Simple Routing Policy", "Weighted Routing Policy", "Latency-Based Routing Policy"}, true},
		{"アプリケーションを一度に一つのインスタンスにデプロイする", "OneAtATime", []string{"AllAtOnce", "HalfAtATime", "Custom"}, true},
		{"＿＿＿（継続的インテグレーション）のパイプライン", "CI", []string{"CD", "IaC", "SRE"}, true},
		{"複数のリソースに異なる重みを設定する", "Weighted Routing Policy", []string{"Simple Routing Policy", "Failover Routing Policy", "Geolocation Routing Policy"}, true},
		{"毎分 10% ずつ直線的に推移する", "Linear", []string{"Canary", "AllAtOnce", "Rolling"}, true},
		{"全般的な最適化アドバイスを行う", "Trusted Advisor", []string{"GuardDuty", "Config", "Security Hub"}, true},
		// an English name read in Japanese (a reviewer's verdict)
		{"メトリクスの目標値を保ちながらスケーリングする", "Target Tracking Scaling", []string{"Step Scaling", "Predictive Scaling", "Scheduled Scaling"}, true},
		{"単一のリソースにトラフィックを転送します", "Simple Routing Policy", []string{"Weighted Routing Policy", "Failover Routing Policy", "Latency-Based Routing Policy"}, true},
		{"1 つのリソースにトラフィックを送る基本の方式", "シンプルルーティング", []string{"加重ルーティング", "フェイルオーバールーティング", "位置情報ルーティング"}, true},
		{"最も古い起動時間を持つインスタンスから終了する", "OldestInstance", []string{"NewestInstance", "Default", "AllocationStrategy"}, true},
		{"メッセージの配信を遅らせる", "遅延キュー", []string{"デッドレターキュー", "FIFO キュー", "標準キュー"}, true},
		{"S3 が管理するキーで暗号化する", "SSE-S3", []string{"SSE-KMS", "SSE-C", "DSSE-KMS"}, true},
		// a run inside the answer's longer run, though a distractor shares another part of it
		{"ユーザーにアタッチして、そのアイデンティティができる操作を定義するポリシー", "アイデンティティベースポリシー", []string{"リソースベースポリシー", "セッションポリシー", "SCP"}, true},
		// words every option shares, or names that translate to nothing, give nothing away
		{"ソースコードのレビューと推奨を行う機械学習ベースのサービス", "CodeGuru", []string{"CodeArtifact", "CodeBuild", "CodeDeploy"}, false},
		{"悪意のある活動の検出に特化", "GuardDuty", []string{"Config", "Security Hub", "Trusted Advisor"}, false},
	}
	for _, tt := range tests {
		var ds []tokenSet
		for _, d := range tt.distractors {
			ds = append(ds, leakTokens(d))
		}
		got := leakBetween(leakTokens(tt.stem), leakTokens(tt.answer), ds)
		if (got != "") != tt.leak {
			t.Errorf("stem %q, answer %q: leak %q, want leak %v", tt.stem, tt.answer, got, tt.leak)
		}
	}
}

func TestSplitCamel(t *testing.T) {
	tests := map[string]string{"OneAtATime": "One|At|A|Time", "CodeBuild": "Code|Build", "AWSCodeBuild": "AWS|Code|Build", "EC2": "EC|2", "run": "run"}
	for in, want := range tests {
		got := ""
		for i, p := range splitCamel(in) {
			if i > 0 {
				got += "|"
			}
			got += p
		}
		if got != want {
			t.Errorf("splitCamel(%q) = %q, want %q", in, got, want)
		}
	}
}
