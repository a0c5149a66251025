package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/render")

// golden compares m, as indented JSON, with testdata/render/name.golden
// (rewritten with -update).
func golden(t *testing.T, name string, m Message) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", "render", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

// The fixtures: one question, one post of it, fixed times in Tokyo.
var (
	tokyo, _  = time.LoadLocation("Asia/Tokyo")
	renderNow = time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo)
	renderQ   = &questions.Question{ID: "03e53e7ca1", Domain: 3, DomainTitle: "デプロイ", Type: "term",
		Stem: "デプロイを段階的に切り替え、失敗時に自動で戻せるサービスはどれか。",
		Options: []questions.Option{
			{ID: "o1", Text: "CodeDeploy"},
			{ID: "o2", Text: "CloudFormation", Quote: "CloudFormation はインフラをテンプレートで作る。"},
			{ID: "o3", Text: "CodeBuild", Quote: "CodeBuild はビルドとテストを行う。"},
			{ID: "o4", Text: "Elastic Beanstalk"},
		},
		Source: questions.Source{Path: []string{"第 3 分野", "CI/CD"}, Line: 42, Quote: "CodeDeploy は段階的デプロイと自動ロールバックができる。",
			Passage: "CodeDeploy は段階的デプロイと自動ロールバックができる。\n・Blue/Green に対応"}}
	renderSnap = store.Snapshot{QuestionID: renderQ.ID, Domain: 3, DomainTitle: "デプロイ", Type: "term", Stem: renderQ.Stem, AnswerID: "o1",
		Explanation: renderQ.Source.Quote + "\n— 第 3 分野 › CI/CD (L42)",
		Options: []store.SnapOption{{ID: "o1", Text: "CodeDeploy"}, {ID: "o2", Text: "CloudFormation", Why: renderQ.Options[1].Quote},
			{ID: "o3", Text: "CodeBuild", Why: renderQ.Options[2].Quote}, {ID: "o4", Text: "Elastic Beanstalk"}}}
	renderPost = store.Post{ID: "p0123456789abcdef", Number: 7, Question: renderSnap, Slot: renderNow.Add(-time.Hour),
		OpenedAt: renderNow.Add(-time.Hour), ClosesAt: renderNow.Add(7 * time.Hour), MessageRef: "card-1"}
	mention = func(u string) string { return "<@" + u + ">" }
)

// TestRenderGolden pins every message builder's output, in both languages
// where the texts differ.
func TestRenderGolden(t *testing.T) {
	closed := renderPost
	closed.Closed = true
	results := store.Results{Counts: map[string]int{"o1": 3, "o2": 1}, Total: 4, Correct: 3, FirstCorrect: []string{"U1", "U2"}}
	rec := &store.Recorded{Counted: true, Streak: store.Streak{Current: 5, Best: 9, Freezes: 1}, RankBefore: 4, RankAfter: 2}
	ch := store.Channel{ID: "C1", Cron: "0 9 * * 1-5", TZ: "Asia/Tokyo", Lang: "ja", Domains: []int{1, 3}, CloseAfter: 8 * time.Hour,
		LastError: "post card: not_in_channel", LastErrorAt: renderNow.Add(-time.Hour)}
	board := store.Board{Rows: []store.Row{{Rank: 1, User: "U1", Points: 12, Answered: 14, Accuracy: 12.0 / 14}, {Rank: 2, User: "U2", Points: 9, Answered: 9, Accuracy: 1}},
		Me: &store.Row{Rank: 5, User: "U5", Points: 3, Answered: 6, Accuracy: 0.5}, Players: 11}
	docs := []questions.Result{{Doc: &questions.Doc{Text: "CodeDeploy は段階的デプロイができる。", Details: []string{"Blue/Green", "カナリア"}, Breadcrumb: "第 3 分野 › CI/CD", Line: 42}}}
	stats := []store.DomainStat{{Domain: 3, Answered: 4, Correct: 1, Accuracy: 0.25, LastSeen: renderNow.Add(-2 * time.Hour)},
		{Domain: store.AllDomains, Answered: 4, Correct: 1, Accuracy: 0.25, LastSeen: renderNow.AddDate(0, 0, -2)}}
	label := func(d int) string { return "第 3 分野: デプロイ" }
	reports := map[string][]store.Report{"03e53e7ca1": {{Reason: "B も正しい"}, {Reason: "unclear"}}}
	for _, lang := range Languages {
		// what the core passes for a channel with the default pool and digest
		pool := T(lang, "pool.approved-first")
		digestOn := T(lang, "status.digest.on", map[string]string{"ja": "月曜", "en": "Monday"}[lang])
		cases := map[string]Message{
			"card":             CardMessage(renderPost, lang, "第 3 分野: デプロイ", 2, renderNow, tokyo),
			"card-closed":      CardMessage(closed, lang, "第 3 分野: デプロイ", 4, renderNow, tokyo),
			"practice":         PracticeCard(renderQ, lang, "第 3 分野: デプロイ"),
			"results":          ResultsMessage(closed, results, lang, "第 3 分野: デプロイ", mention, []Milestone{{Days: 7, Users: []string{"<@U2>"}}}),
			"results-none":     ResultsMessage(closed, store.Results{Counts: map[string]int{}}, lang, "第 3 分野: デプロイ", mention, nil),
			"feedback-right":   FeedbackMessage(renderSnap, "o1", lang, rec, ""),
			"feedback-wrong":   FeedbackMessage(renderSnap, "o3", lang, nil, T(lang, "fb.closed")),
			"explain":          ExplainMessage(renderQ, renderSnap, lang, "第 3 分野: デプロイ"),
			"status":           StatusMessage(ch, lang, StatusView{Now: renderNow, Next: renderNow.Add(23 * time.Hour), Bank: 120, Open: "03e53e7ca1", Pool: pool, Digest: digestOn}),
			"status-paused":    StatusMessage(store.Channel{Cron: "0 9 * * *", TZ: "UTC", Lang: "en", Paused: true, CloseAfter: time.Hour}, lang, StatusView{Now: renderNow, Bank: 3, Pool: pool, Digest: digestOn}),
			"leaderboard":      LeaderboardMessage(board, lang, "🏆", mention),
			"leaderboard-none": LeaderboardMessage(store.Board{}, lang, "🏆", mention),
			"lookup":           LookupMessage("CodeDeploy", docs, lang, 5),
			"lookup-none":      LookupMessage("zzz", nil, lang, 5),
			"streak":           StreakMessage(store.Streak{Current: 3, Best: 8, Freezes: 2}, lang),
			"stats":            StatsMessage(stats, lang, label, renderNow, tokyo),
			"reports":          ReportsMessage(reports, []string{"03e53e7ca1"}, lang),
		}
		for name, m := range cases {
			t.Run(name+"-"+lang, func(t *testing.T) { golden(t, name+"-"+lang, m) })
		}
	}
}
