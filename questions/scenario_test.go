package questions

import (
	"strings"
	"testing"
)

// TestWorkedQuestions turns the memo's worked questions into questions when
// the worked answer opens with a defined term: the options are that term and
// its kin, the explanation quotes the worked answer. A yes/no question and
// an answer that only starts a longer name make none.
func TestWorkedQuestions(t *testing.T) {
	m := mustParse(t, `## 第 1 分野: 無線

- アクセス制御
  - CSMA/CA: 送信前に電波が空いているか確かめ、ランダムな時間待ってから送る方式
  - RTS/CTS: 送信前に短いフレームを交換して送信権を予約する仕組み
  - バックオフ: 衝突を避けるために送信を待つ時間をランダムに決める手順
  - ポイントコーディネーション: アクセスポイントが順番に送信権を与えるポーリング方式

- 隠れ端末問題を緩和する仕組みは？
  - RTS/CTS で送信権を予約し、周りの端末に送信を控えさせる。
- 無線 LAN で衝突は必ず防げるか？
  - CSMA/CA でも完全には防げない。
- 電波が届かない端末同士の衝突を避けるには？
  - RTS/CTS フレームの長さを調整する。
`)
	b, err := NewBank(m)
	if err != nil {
		t.Fatal(err)
	}
	var got []*Question
	for _, q := range b.Questions {
		if q.Type == TypeScenario {
			got = append(got, q)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d worked questions, want 1 (the yes/no one and the longer name make none): %+v", len(got), got)
	}
	q := got[0]
	if q.Stem != "隠れ端末問題を緩和する仕組みは？" || q.Correct().Text != "RTS/CTS" || len(q.Options) != 4 {
		t.Errorf("worked question: %q, answer %q, %d options", q.Stem, q.Correct().Text, len(q.Options))
	}
	for _, o := range q.Options {
		if strings.Contains(o.Text, "。") {
			t.Errorf("option %q is a sentence, want a term of the answer's kin", o.Text)
		}
	}
	if !strings.Contains(q.Explanation, "> RTS/CTS で送信権を予約し") {
		t.Errorf("explanation does not quote the worked answer:\n%s", q.Explanation)
	}
}
