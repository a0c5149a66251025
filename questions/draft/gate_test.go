package draft

import (
	"strings"
	"testing"

	"github.com/studybot/studybot/questions"
)

// TestFindQuote: evidence quotes are found in the memo after the model's
// additions are trimmed (line numbers, bullets, quotation marks, markup),
// with their line; lines with option letters, chat leftovers, quotes not
// in the memo and scraps too short to mean anything are refused.
func TestFindQuote(t *testing.T) {
	m := bundledMemo(t)
	p := questions.Passage{Domain: 2, First: 196, Last: 203}
	for _, tc := range []struct {
		name, quote string
		line        int
		refused     string // a piece of the reason, when refused
	}{
		{"verbatim", "CAPABILITY_IAM: テンプレート内で IAM ロールを定義していますが、名前を指定していない場合", 197, ""},
		{"bullet kept", "    - CAPABILITY_IAM: テンプレート内で IAM ロールを定義していますが、名前を指定していない場合", 197, ""},
		{"line number kept", "197| - CAPABILITY_IAM: テンプレート内で IAM ロールを定義していますが", 197, ""},
		{"quoted", "「AWS CF のメタデーターを 1 回実行する。」", 199, ""},
		{"full-width spaces and case", "ｃａｐａｂｉｌｉｔｙ_named_iam: テンプレート内で特定の名前を持つ IAM ロール", 196, ""},
		{"outside the passage", "高可用、スケーラブル、そして完全マネージド型の権威 DNS サーバです。", 254, ""},
		{"a table row, pipes and all", "| CodeDeployDefault.ECSCanary10Percent5Minutes       | 最初の増分でトラフィックの 10%をシフトします。", 987, ""},
		{"cut short inside", "CAPABILITY_IAM: テンプレート内で IAM ロールを…名前を指定していない場合", 197, ""},
		{"pieces from two lines", "CAPABILITY_IAM: テンプレート内で…メタデーターを 1 回実行する", 0, "not in the memo"},
		{"not in the memo", "cfn-init はメタデータの変更を 15 分ごとに確認する。", 0, "not in the memo"},
		{"paraphrased", "CAPABILITY_IAM: 名前を指定しない IAM ロールを定義する場合", 0, "not in the memo"},
		{"option letter", "D は正解です。cfn-hup はメタデータの変更を検出する。", 0, "option letters"},
		{"answer letter", "正解は B: RDS や Aurora でマルチリージョンにする場合", 0, "option letters"},
		{"chat leftover", "以下の選択肢から最も適切なものを選んでください", 0, "chat leftover"},
		{"too short", "IAM", 0, "not in the memo"},
		{"empty", " - ", 0, "empty"},
		{"points at a figure", "これは、図 7 に示されており、層ごとに 1 つの Amazon EC2 インスタンスがデプロイされています。", 0, "figure"},
		{"the same line without the figure", "ウォーム スタンバイでは、リクエストを処理できる最小限のデプロイメントが維持されますが", 343, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, why := m.findQuote(p, tc.quote)
			if tc.refused != "" {
				if !strings.Contains(why, tc.refused) {
					t.Errorf("got line %d, reason %q; want refused for %q", e.Line, why, tc.refused)
				}
				return
			}
			if why != "" || e.Line != tc.line {
				t.Errorf("got line %d, reason %q; want line %d", e.Line, why, tc.line)
			}
			if strings.HasPrefix(e.Text, "-") || strings.HasPrefix(e.Text, "197") || strings.HasPrefix(e.Text, "「") {
				t.Errorf("quote not trimmed: %q", e.Text)
			}
		})
	}
}

// TestSupported: the answer rests on the evidence when its text or enough
// of its words are in the quoted lines.
func TestSupported(t *testing.T) {
	m := bundledMemo(t)
	ev := func(lines ...int) []questions.Evidence {
		var out []questions.Evidence
		for _, l := range lines {
			out = append(out, questions.Evidence{Line: l})
		}
		return out
	}
	for _, tc := range []struct {
		answer string
		ev     []questions.Evidence
		want   bool
	}{
		{"CAPABILITY_IAM", ev(197), true},
		{"CAPABILITY_NAMED_IAM", ev(196), true},
		{"Amazon Route 53", ev(254), true}, // Route53 in the memo, a space in the option
		{"CodeDeployDefault.ECSCanary10Percent5Minutes", ev(987), true},
		{"cfn-signal", ev(197), false},
		{"フェイルオーバールーティング", ev(264), true}, // katakana against the memo's English
		{"加重ルーティング", ev(264), false},
		{"AWS Lambda のプロビジョニングされた同時実行", ev(196, 197), false},
		{"ボリュームゲートウェイ", ev(1035), true},            // a child bullet is about its parent
		{"テープゲートウェイ", ev(1035), false},             // …and about no other
		{"AWS IAM Identity Center", ev(844), true}, // a table row read with its header
		{"Amazon Cognito", ev(844), false},
	} {
		if got := m.supported(tc.answer, tc.ev); got != tc.want {
			t.Errorf("supported(%q, lines %v) = %v, want %v", tc.answer, tc.ev, got, tc.want)
		}
	}
}

// TestCheckSchema: the shape of each drafted question.
func TestCheckSchema(t *testing.T) {
	m := bundledMemo(t)
	good := Drafted{Stem: "問い？", Options: []string{"a1", "b1", "c1", "d1"}, Answer: 2, Explanation: "なぜ。", Evidence: []string{"x"},
		Domain: 2, Difficulty: "hard", Fact: "f"}
	for _, tc := range []struct {
		name string
		edit func(d *Drafted)
		want string
	}{
		{"good", func(d *Drafted) {}, ""},
		{"three options", func(d *Drafted) { d.Options = d.Options[:3] }, "3 options"},
		{"answer out of range", func(d *Drafted) { d.Answer = 4 }, "out of range"},
		{"negative answer", func(d *Drafted) { d.Answer = -1 }, "out of range"},
		{"same option twice after normalisation", func(d *Drafted) { d.Options[3] = "Ａ１" }, "twice"},
		{"lettered option", func(d *Drafted) { d.Options[0] = "A. a1" }, "letter"},
		{"no such domain", func(d *Drafted) { d.Domain = 9 }, "no domain 9"},
		{"the other bucket", func(d *Drafted) { d.Domain = 0 }, "no domain 0"},
		{"empty stem", func(d *Drafted) { d.Stem = " " }, "empty stem"},
		{"no evidence", func(d *Drafted) { d.Evidence = nil }, "no evidence"},
		{"no fact", func(d *Drafted) { d.Fact = "" }, "no fact"},
		{"bad difficulty", func(d *Drafted) { d.Difficulty = "expert" }, "difficulty"},
		{"explanation too long", func(d *Drafted) { d.Explanation = strings.Repeat("長", maxExplanationRunes+1) }, "explanation of"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := good
			d.Options = append([]string(nil), good.Options...)
			tc.edit(&d)
			got := checkSchema(m, d)
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("checkSchema = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCheckCue: the correct option may not be the longest by far, nor the
// only one of its shape; options of one family pass.
func TestCheckCue(t *testing.T) {
	for _, tc := range []struct {
		name    string
		options []string
		answer  int
		cue     bool
	}{
		{"cfn helpers", []string{"cfn-hup", "cfn-init", "cfn-signal", "cfn-get-metadata"}, 0, false},
		{"longest answer among names", []string{"cfn-hup", "cfn-init", "cfn-signal", "cfn-init を UserData から 1 回実行する"}, 3, true},
		{"a long distractor is no cue", []string{"cfn-hup", "cfn-init", "cfn-signal", "cfn-init を UserData から 1 回実行する"}, 0, false},
		{"sentences of one shape", []string{"リクエストを順に処理するため。", "キャッシュを共有するため。", "変更を検出して再適用するため。", "シグナルを待つため。"}, 2, false},
		{"the only sentence", []string{"CreationPolicy", "UpdatePolicy", "DeletionPolicy", "スタック更新時にリソースの置換を防ぐため、保持します。"}, 3, true},
		{"the only Japanese name", []string{"CreationPolicy", "UpdatePolicy", "DeletionPolicy", "スタックポリシー"}, 3, true},
		{"mixed families", []string{"DeletionPolicy 属性", "スタックポリシー", "UpdateReplacePolicy 属性", "終了保護"}, 1, false},
		// the reviewer's r-d1 BADs: the one option without an absolute
		{"every distractor says only", []string{"AMI のみ作成でき、コンテナイメージは CodeBuild で作る必要がある", "コンテナイメージのみ作成でき、AMI は Systems Manager で作る必要がある", "AMI とコンテナイメージを作れるが、AWS 上でのみ利用できる", "AMI とコンテナイメージに加え、オンプレミス用の VM イメージも作れる"}, 3, true},
		{"always and only against a choice", []string{"自動で実行するか手動で実行するかを選択できる", "非準拠を検出すると必ず自動で実行され、手動にはできない", "必ず手動で実行し、自動で実行することはできない", "Security Hub のカスタムアクションからのみ実行できる"}, 0, true},
		{"one absolute is no cue", []string{"自動で実行するか手動で実行するかを選択できる", "非準拠を検出すると必ず自動で実行される", "手動で実行する", "Security Hub のカスタムアクションから実行する"}, 0, false},
		{"できるだけ restricts nothing", []string{"1 台ずつデプロイする", "できるだけ多く一度にデプロイする", "半数のみずつデプロイする", "必ず 2 台ずつデプロイする"}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := checkCue(Drafted{Options: tc.options, Answer: tc.answer})
			if (got != "") != tc.cue {
				t.Errorf("checkCue = %q, want cue %v", got, tc.cue)
			}
		})
	}
}

// TestDuplicate: the same fact key, or the same answer to a stem asked
// much the same way, is a duplicate; a different question about the same
// answer is not.
func TestDuplicate(t *testing.T) {
	bank := []fingerprint{
		newFingerprint("AWS CloudFormation で、メタデータの変更を検出して設定を自動的に再適用させたい。常駐させるヘルパースクリプトはどれか？", "cfn-hup", "cfn-hup の役割"),
		newFingerprint("Amazon Route 53 で、通常はプライマリのみを返し、異常時に限りセカンダリを返したい。どのルーティングポリシーを使うか？", "フェイルオーバールーティング", ""),
	}
	for _, tc := range []struct {
		name, stem, answer, fact string
		dup                      bool
	}{
		{"same fact key, other wording", "cfn-hup は何をするか？", "メタデータの変更を検出する", "cfn-hup の役割", true},
		{"fact key differs in width and case", "別の問い", "別の答え", "ＣＦＮ-HUP の役割", true},
		{"same stem reworded a little, same answer", "AWS CloudFormation で、メタデータの変更を検出して設定を自動で再適用させたい。常駐させるヘルパーはどれか？", "cfn-hup", "", true},
		{"same answer, another question", "AWS CloudFormation で、cfn-init の再実行をフックとして設定できるデーモンはどれか？", "cfn-hup", "", false},
		{"another answer, another question", "AWS CloudFormation で、インスタンスの準備完了を通知するスクリプトはどれか？", "cfn-signal", "cfn-signal の役割", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := dupOf(newFingerprint(tc.stem, tc.answer, tc.fact), bank)
			if (got != "") != tc.dup {
				t.Errorf("dupOf = %q, want duplicate %v", got, tc.dup)
			}
		})
	}
}

// TestCleanQuote: what a model adds around a memo line is trimmed.
func TestCleanQuote(t *testing.T) {
	for in, want := range map[string]string{
		"  - cfn-hup :":           "cfn-hup :",
		"12| - a: b":              "a: b",
		"> - 引用":                  "引用",
		"「cfn-init: 適用する」":        "cfn-init: 適用する",
		"\"quoted\"":              "quoted",
		"1. 番号付き":                 "番号付き",
		"「A」と「B」":                 "「A」と「B」",
		"- **CAPABILITY_IAM**: x": "**CAPABILITY_IAM**: x",
	} {
		if got := cleanQuote(in); got != want {
			t.Errorf("cleanQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEvidenceTooLong: quotes read in chat, at most maxEvidenceRunes in all.
func TestEvidenceTooLong(t *testing.T) {
	short := questions.Evidence{Line: 1, Text: strings.Repeat("あ", 200)}
	if why := evidenceTooLong([]questions.Evidence{short, short}); why != "" {
		t.Errorf("400 characters refused: %s", why)
	}
	if why := evidenceTooLong([]questions.Evidence{short, short, short}); !strings.Contains(why, "600 characters") {
		t.Errorf("600 characters: %q, want refused", why)
	}
}
