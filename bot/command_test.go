package bot_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/questions"
)

func body(r bot.Response) string {
	var parts []string
	for _, m := range r.Messages {
		parts = append(parts, m.Text())
	}
	return strings.Join(parts, "\n")
}

func TestCommands(t *testing.T) {
	h := bottest.New(t, monday.Add(2*time.Hour), bot.Config{Admins: []string{"boss"}})
	tests := []struct {
		name  string
		user  string
		admin bool
		cmd   string
		args  []string
		want  []string // substrings of the reply
		kind  bot.Kind
	}{
		{"memo", "ann", false, "memo", []string{"CodeDeploy", "ロールバック"}, []string{"メモ検索", "CodeDeploy", "L"}, bot.KindLookup},
		{"memo full-width", "ann", false, "memo", []string{"ＣｏｄｅＤｅｐｌｏｙ"}, []string{"CodeDeploy"}, bot.KindLookup},
		{"memo empty", "ann", false, "memo", nil, []string{"検索語", "例: /memo"}, bot.KindError},
		{"memo nothing", "ann", false, "memo", []string{"zzzqqq"}, []string{"ありません"}, bot.KindLookup},
		{"quiz bad domain", "ann", false, "quiz", []string{"9"}, []string{"分野の指定", "例: /quiz 3"}, bot.KindError},
		{"leaderboard bad", "ann", false, "leaderboard", []string{"9"}, []string{"例: /leaderboard"}, bot.KindError},
		{"leaderboard empty", "ann", false, "leaderboard", []string{"3", "month"}, []string{"第 3 分野", "今月", "まだ誰も"}, bot.KindLeaderboard},
		{"leaderboard accuracy", "ann", false, "leaderboard", []string{"accuracy"}, []string{"正解率ランキング"}, bot.KindLeaderboard},
		{"streak", "ann", false, "streak", nil, []string{"現在 0 日", "フリーズ"}, bot.KindText},
		{"stats empty", "ann", false, "stats", nil, []string{"まだ回答"}, bot.KindText},
		{"explain bad", "ann", false, "explain", []string{"nope"}, []string{"not found", "例: /explain"}, bot.KindError},
		{"report short", "ann", false, "report", []string{"x"}, []string{"例: /report"}, bot.KindError},
		{"unknown", "ann", false, "frob", nil, []string{"知らないコマンド"}, bot.KindError},
		{"help", "ann", false, "help", nil, []string{"/quiz", "/studybot"}, bot.KindText},
		{"admin refused", "ann", false, "studybot", []string{"pause"}, []string{"管理者だけ"}, bot.KindError},
		{"admin by config", "boss", false, "studybot", []string{"status"}, []string{"スケジュール", "0 9 * * 1-5", "Asia/Tokyo"}, bot.KindText},
		{"bad cron", "adm", true, "studybot", []string{"schedule", "61", "9", "*", "*", "*"}, []string{"cron の書式", "例: /studybot schedule 0 9 * * 1-5 Asia/Tokyo"}, bot.KindError},
		{"bad zone", "adm", true, "studybot", []string{"schedule", "0", "9", "*", "*", "*", "Mars/Olympus"}, []string{"タイムゾーン", "Mars/Olympus"}, bot.KindError},
		{"schedule", "adm", true, "studybot", []string{"schedule", "30", "8", "*", "*", "1-5", "Asia/Tokyo"}, []string{"30 8 * * 1-5", "次の出題"}, bot.KindText},
		{"close-after bad", "adm", true, "studybot", []string{"close-after", "soon"}, []string{"時間の書式", "例: /studybot close-after 8h"}, bot.KindError},
		{"close-after", "adm", true, "studybot", []string{"close-after", "6h"}, []string{"6h0m0s"}, bot.KindText},
		{"domains bad", "adm", true, "studybot", []string{"domains", "1,9"}, []string{"分野の指定", "9", "1,2,3,4,5,6"}, bot.KindError},
		{"domains", "adm", true, "studybot", []string{"domains", "1,3,6"}, []string{"出題分野: 1,3,6"}, bot.KindText},
		{"lang bad", "adm", true, "studybot", []string{"lang", "fr"}, []string{"ja か en"}, bot.KindError},
		{"pause", "adm", true, "studybot", []string{"pause"}, []string{"一時停止"}, bot.KindText},
		{"status paused", "adm", true, "studybot", []string{"status"}, []string{"一時停止中", "30 8 * * 1-5", "1,3,6", "6h0m0s"}, bot.KindText},
		{"resume", "adm", true, "studybot", []string{"resume"}, []string{"再開"}, bot.KindText},
		{"reports none", "adm", true, "studybot", []string{"reports"}, []string{"報告はありません"}, bot.KindText},
		{"unknown sub", "adm", true, "studybot", []string{"explode"}, []string{"知らないコマンド"}, bot.KindError},
	}
	for _, tt := range tests {
		r := h.Command(tt.user, "general", tt.admin, tt.cmd, tt.args...)
		if len(r.Messages) == 0 {
			t.Errorf("%s: no reply", tt.name)
			continue
		}
		got := body(r)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: reply lacks %q:\n%s", tt.name, w, got)
			}
		}
		if r.Messages[0].Kind != tt.kind {
			t.Errorf("%s: kind %d, want %d", tt.name, r.Messages[0].Kind, tt.kind)
		}
	}
	ch, err := h.DB.GetChannel(h.Space, "general")
	if err != nil || ch.Cron != "30 8 * * 1-5" || ch.CloseAfter != 6*time.Hour || len(ch.Domains) != 3 || ch.Paused {
		t.Errorf("settings not saved: %+v %v", ch, err)
	}
}

func TestReportAndExplainFlow(t *testing.T) {
	h := bottest.New(t, monday.Add(2*time.Hour), bot.Config{})
	q := h.Bot.Bank().Questions[3]
	qid := q.ID
	r := h.Command("ann", "general", false, "explain", qid)
	if got := body(r); !strings.Contains(got, qid) || !strings.Contains(got, "正解は") || !strings.Contains(got, "> ") {
		t.Errorf("/explain:\n%s", got)
	}
	// /explain shows the whole passage, the answer's reply only its proof
	if got := body(r); q.Source.Passage == "" || !strings.Contains(got, strings.Split(q.Source.Passage, "\n")[0]) {
		t.Errorf("/explain lacks the passage %q:\n%s", q.Source.Passage, got)
	}
	if got := body(h.Command("ann", "general", false, "report", qid, "B", "も正しい")); !strings.Contains(got, "報告 1 件") {
		t.Errorf("report 1: %s", got)
	}
	if got := body(h.Command("ben", "general", false, "report", qid, "unclear")); !strings.Contains(got, "報告 2 件") {
		t.Errorf("report 2: %s", got)
	}
	if got := body(h.Command("adm", "general", true, "studybot", "reports")); !strings.Contains(got, qid) || !strings.Contains(got, "B も正しい") {
		t.Errorf("reports: %s", got)
	}
	if got := body(h.Command("adm", "general", true, "studybot", "clear-report", qid)); !strings.Contains(got, "2 件") {
		t.Errorf("clear: %s", got)
	}
}

func TestLanguageSwitch(t *testing.T) {
	h := bottest.New(t, monday.Add(2*time.Hour), bot.Config{})
	if got := body(h.Command("adm", "general", true, "studybot", "lang", "en")); !strings.Contains(got, "English") {
		t.Fatalf("lang en: %s", got)
	}
	if got := body(h.Command("ann", "general", false, "streak")); !strings.Contains(got, "Current 0 days") {
		t.Errorf("English streak: %s", got)
	}
	if got := body(h.Command("ann", "general", false, "frob")); !strings.Contains(got, "Unknown command") {
		t.Errorf("English error: %s", got)
	}
	// DMs and other channels keep the default
	r := h.Bot.HandleCommand(t.Context(), bot.Command{Space: h.Space, DM: true, User: "ann", Name: "leaderboard"})
	if got := body(r); !strings.Contains(got, "チャンネルで") {
		t.Errorf("DM leaderboard: %s", got)
	}
}

func TestPostNowAndStatus(t *testing.T) {
	h := bottest.New(t, monday.Add(2*time.Hour), bot.Config{})
	if got := body(h.Command("adm", "general", true, "studybot", "post-now")); !strings.Contains(got, "今すぐ") {
		t.Fatalf("post-now: %s", got)
	}
	h.Bot.Close() // waits for the background post
	if cards := h.Platform.Sent("card"); len(cards) != 1 {
		t.Fatalf("%d cards after post-now", len(cards))
	}
	p, err := h.DB.LatestPost(h.Space, "general")
	if err != nil || p.MessageRef != "card-1" {
		t.Errorf("post: %+v %v", p, err)
	}
	// closes 8 hours later, or before the next 09:00 slot
	if want := h.Clock.Now().Add(8 * time.Hour); !p.ClosesAt.Equal(want) {
		t.Errorf("closes at %v, want %v", p.ClosesAt, want)
	}
}

// TestCloseBeforeNextPost: with an hourly schedule, a question closes one
// minute before the next one opens, not after 8 hours.
func TestCloseBeforeNextPost(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{})
	ch, _ := h.Bot.EnsureChannel(h.Space, "general")
	ch.Cron = "0 * * * *"
	h.DB.PutChannel(ch)
	h.Clock.Set(monday.Add(time.Hour))
	h.RunDue()
	p, _ := h.DB.LatestPost(h.Space, "general")
	if want := monday.Add(2*time.Hour - time.Minute); !p.ClosesAt.Equal(want) {
		t.Errorf("closes %v, want %v", p.ClosesAt, want)
	}
}

func TestCatalogsMatch(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[\d+\])?[dsvq%]`)
	ja, en := bot.CatalogKeys("ja"), bot.CatalogKeys("en")
	if strings.Join(ja, ",") != strings.Join(en, ",") {
		t.Fatalf("catalog keys differ:\nja %v\nen %v", ja, en)
	}
	for _, k := range ja {
		a, b := verbs.FindAllString(bot.T("ja", k), -1), verbs.FindAllString(bot.T("en", k), -1)
		if len(a) != len(b) {
			t.Errorf("%s: ja has %d verbs, en %d", k, len(a), len(b))
		}
	}
}

// TestCommandsListed checks every command has descriptions in both languages.
func TestCommandsListed(t *testing.T) {
	for _, c := range bot.Commands {
		if c.Description["ja"] == "" || c.Description["en"] == "" {
			t.Errorf("%s lacks a description", c.Name)
		}
	}
}

func TestMissedSlotBeyondGrace(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{})
	h.Bot.EnsureChannel(h.Space, "general")
	// down from Monday 08:00 to Monday 16:00: 09:00 is 7 hours old, past the 6h grace
	h.Clock.Set(monday.Add(8 * time.Hour))
	h.RunDue()
	if n := len(h.Platform.Sent("card")); n != 0 {
		t.Fatalf("posted a slot beyond grace")
	}
	ch, _ := h.DB.GetChannel(h.Space, "general")
	if ch.LastFired.IsZero() {
		t.Error("skipped slot not recorded")
	}
}

// TestPostNowAndScheduleDoNotDoublePost: a post-now at a slot's time and
// the schedule firing for that slot make one card, in either order.
func TestPostNowAndScheduleDoNotDoublePost(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{})
	h.Bot.EnsureChannel(h.Space, "general")
	h.Clock.Set(monday.Add(time.Hour)) // 09:00, a slot
	if _, err := h.Bot.PostNow(t.Context(), h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	h.RunDue()
	if n := len(h.Platform.Sent("card")); n != 1 {
		t.Errorf("post-now then schedule: %d cards", n)
	}
	h2 := bottest.New(t, monday, bot.Config{})
	h2.Bot.EnsureChannel(h2.Space, "general")
	h2.Clock.Set(monday.Add(time.Hour))
	h2.RunDue()
	if _, err := h2.Bot.PostNow(t.Context(), h2.Space, "general"); err == nil {
		t.Error("post-now for an already posted slot succeeded")
	}
	if n := len(h2.Platform.Sent("card")); n != 1 {
		t.Errorf("schedule then post-now: %d cards", n)
	}
}

// TestQuizDrawsMostConfidentFirst: a member's practice questions walk down
// the bank's draw order, so a newcomer sees one of the most confident.
func TestQuizDrawsMostConfidentFirst(t *testing.T) {
	h := bottest.New(t, monday.Add(2*time.Hour), bot.Config{})
	var pool []*questions.Question
	for _, q := range h.Bot.Bank().Top(0) {
		if q.Domain == 4 {
			pool = append(pool, q)
		}
	}
	if len(pool) < 4 {
		t.Skipf("domain 4 has %d questions", len(pool))
	}
	r := h.Command("zed", "general", false, "quiz", "4")
	card := r.Messages[0]
	if len(card.Buttons) == 0 {
		t.Fatalf("/quiz 4: %+v", card)
	}
	id := strings.Split(card.Buttons[0].ActionID, ":")
	qid := id[len(id)-2]
	for _, q := range pool[:3] {
		if q.ID == qid {
			return
		}
	}
	t.Errorf("first practice question %s is not among the domain's three best-ranked %s, %s, %s", qid, pool[0].ID, pool[1].ID, pool[2].ID)
}
