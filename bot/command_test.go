package bot_test

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
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

// TestCommands runs each row as its own subtest in a channel of its own,
// after the row's setup commands (run as an admin), so that no row
// depends on another.
func TestCommands(t *testing.T) {
	h := bottest.New(t, monday.Add(2*time.Hour), bot.Config{Admins: []string{"boss"}})
	tests := []struct {
		name  string
		setup [][]string // admin commands run first in the row's channel
		user  string
		admin bool
		cmd   string
		args  []string
		want  []string // substrings of the reply
		kind  bot.Kind
	}{
		{"memo", nil, "ann", false, "memo", []string{"CodeDeploy", "ロールバック"}, []string{"メモ検索", "CodeDeploy", "L"}, bot.KindLookup},
		{"memo full-width", nil, "ann", false, "memo", []string{"ＣｏｄｅＤｅｐｌｏｙ"}, []string{"CodeDeploy"}, bot.KindLookup},
		{"memo empty", nil, "ann", false, "memo", nil, []string{"検索語", "例: /memo"}, bot.KindError},
		{"memo nothing", nil, "ann", false, "memo", []string{"zzzqqq"}, []string{"ありません"}, bot.KindLookup},
		{"quiz bad domain", nil, "ann", false, "quiz", []string{"9"}, []string{"分野の指定", "例: /quiz 3"}, bot.KindError},
		{"quiz two domains", nil, "ann", false, "quiz", []string{"1", "2"}, []string{"分野の番号を 1 つ", "例: /quiz 3"}, bot.KindError},
		{"leaderboard bad", nil, "ann", false, "leaderboard", []string{"9"}, []string{"例: /leaderboard"}, bot.KindError},
		{"leaderboard bad word", nil, "ann", false, "leaderboard", []string{"yesterday"}, []string{"期間", "例: /leaderboard"}, bot.KindError},
		{"leaderboard empty", nil, "ann", false, "leaderboard", []string{"3", "month"}, []string{"第 3 分野", "今月", "まだ誰も"}, bot.KindLeaderboard},
		{"lb alias", nil, "ann", false, "lb", []string{"3", "month"}, []string{"第 3 分野", "今月"}, bot.KindLeaderboard},
		{"leaderboard accuracy", nil, "ann", false, "leaderboard", []string{"accuracy"}, []string{"正解率ランキング"}, bot.KindLeaderboard},
		{"streak", nil, "ann", false, "streak", nil, []string{"現在 0 日", "フリーズ"}, bot.KindText},
		{"stats empty", nil, "ann", false, "stats", nil, []string{"まだ回答"}, bot.KindText},
		{"explain none", nil, "ann", false, "explain", nil, []string{"問題 ID を 1 つ", "例: /explain"}, bot.KindError},
		{"explain bad", nil, "ann", false, "explain", []string{"nope"}, []string{"問題 nope は見つかりません", "例: /explain"}, bot.KindError},
		{"report short", nil, "ann", false, "report", []string{"x"}, []string{"理由", "例: /report"}, bot.KindError},
		{"report bad", nil, "ann", false, "report", []string{"nope", "why"}, []string{"問題 nope は見つかりません", "例: /report"}, bot.KindError},
		{"unknown", nil, "ann", false, "frob", nil, []string{"知らないコマンド"}, bot.KindError},
		{"help", nil, "ann", false, "help", nil, []string{"/quiz", "/explain <question-id>", "/studybot schedule|"}, bot.KindText},
		{"admin refused", nil, "ann", false, "studybot", []string{"pause"}, []string{"管理者だけ"}, bot.KindError},
		{"admin by config", nil, "boss", false, "studybot", []string{"status"}, []string{"スケジュール", "0 9 * * 1-5", "Asia/Tokyo"}, bot.KindText},
		{"admin no sub", nil, "adm", true, "studybot", nil, []string{"サブコマンド", "schedule|close-after", "例: /studybot status"}, bot.KindError},
		{"bad cron", nil, "adm", true, "studybot", []string{"schedule", "61", "9", "*", "*", "*"}, []string{"cron の書式", "例: /studybot schedule 0 9 * * 1-5 Asia/Tokyo"}, bot.KindError},
		{"bad zone", nil, "adm", true, "studybot", []string{"schedule", "0", "9", "*", "*", "*", "Mars/Olympus"}, []string{"タイムゾーン", "Mars/Olympus"}, bot.KindError},
		{"schedule", nil, "adm", true, "studybot", []string{"schedule", "30", "8", "*", "*", "1-5", "Asia/Tokyo"}, []string{"30 8 * * 1-5", "次の出題"}, bot.KindText},
		{"close-after bad", nil, "adm", true, "studybot", []string{"close-after", "soon"}, []string{"時間の書式", "例: /studybot close-after 8h"}, bot.KindError},
		{"close-after", nil, "adm", true, "studybot", []string{"close-after", "6h"}, []string{"6h0m0s"}, bot.KindText},
		{"domains bad", nil, "adm", true, "studybot", []string{"domains", "1,9"}, []string{"分野の指定", "9", "1,2,3,4,5,6"}, bot.KindError},
		{"domains", nil, "adm", true, "studybot", []string{"domains", "1,3,6"}, []string{"出題分野: 1,3,6"}, bot.KindText},
		{"lang bad", nil, "adm", true, "studybot", []string{"lang", "fr"}, []string{"ja か en"}, bot.KindError},
		{"pause", nil, "adm", true, "studybot", []string{"pause"}, []string{"一時停止"}, bot.KindText},
		{"status paused", [][]string{{"schedule", "30", "8", "*", "*", "1-5"}, {"close-after", "6h"}, {"domains", "1,3,6"}, {"pause"}},
			"adm", true, "studybot", []string{"status"}, []string{"一時停止中", "30 8 * * 1-5", "1,3,6", "6h0m0s"}, bot.KindText},
		{"resume", [][]string{{"pause"}}, "adm", true, "studybot", []string{"resume"}, []string{"再開"}, bot.KindText},
		{"reports none", nil, "adm", true, "studybot", []string{"reports"}, []string{"報告はありません"}, bot.KindText},
		{"clear-report none", nil, "adm", true, "studybot", []string{"clear-report"}, []string{"報告を消す問題 ID", "例: /studybot clear-report"}, bot.KindError},
		{"unknown sub", nil, "adm", true, "studybot", []string{"explode"}, []string{"知らないコマンド"}, bot.KindError},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			channel := fmt.Sprintf("c%d", i)
			for _, args := range tt.setup {
				if r := h.Command("adm", channel, true, "studybot", args...); r.Messages[0].Kind == bot.KindError {
					t.Fatalf("setup %v: %s", args, body(r))
				}
			}
			r := h.Command(tt.user, channel, tt.admin, tt.cmd, tt.args...)
			if len(r.Messages) == 0 {
				t.Fatal("no reply")
			}
			got := body(r)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("reply lacks %q:\n%s", w, got)
				}
			}
			if r.Messages[0].Kind != tt.kind {
				t.Errorf("kind %d, want %d", r.Messages[0].Kind, tt.kind)
			}
		})
	}
}

// TestAdminSettingsSaved: the admin subcommands store what they say.
func TestAdminSettingsSaved(t *testing.T) {
	h := bottest.New(t, monday.Add(2*time.Hour), bot.Config{})
	for _, args := range [][]string{{"schedule", "30", "8", "*", "*", "1-5", "Asia/Tokyo"}, {"close-after", "6h"}, {"domains", "1,3,6"}, {"pause"}, {"resume"}} {
		if r := h.Command("adm", "general", true, "studybot", args...); r.Messages[0].Kind == bot.KindError {
			t.Fatalf("%v: %s", args, body(r))
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
	bank, err := questions.Default()
	if err != nil {
		t.Fatal(err)
	}
	addMadeUp(t, bank, 1, 2) // the bundled memo makes 3 in domain 1
	h := bottest.New(t, monday.Add(2*time.Hour), bot.Config{Bank: bank})
	// the domain with the most questions, in draw order
	byDomain := map[int][]*questions.Question{}
	dom := 0
	for _, q := range h.Bot.Bank().Top(0) {
		byDomain[q.Domain] = append(byDomain[q.Domain], q)
		if len(byDomain[q.Domain]) > len(byDomain[dom]) {
			dom = q.Domain
		}
	}
	pool := byDomain[dom]
	if len(pool) < 4 {
		t.Fatalf("no domain of the bundled bank has 4 questions (domain %d: %d)", dom, len(pool))
	}
	r := h.Command("zed", "general", false, "quiz", strconv.Itoa(dom))
	card := r.Messages[0]
	if len(card.Buttons) == 0 {
		t.Fatalf("/quiz %d: %+v", dom, card)
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

// TestRegistry checks every command and admin subcommand has what the
// adapters and usage errors need: descriptions and option labels in both
// languages, and usage and example texts in both catalogs.
func TestRegistry(t *testing.T) {
	has := func(key string) bool {
		return slices.Contains(bot.CatalogKeys("ja"), key) && slices.Contains(bot.CatalogKeys("en"), key)
	}
	seen := map[string]bool{}
	for _, c := range bot.Commands {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if seen[n] {
				t.Errorf("%s: name used twice", n)
			}
			seen[n] = true
		}
		for _, l := range bot.Languages {
			if c.Description[l] == "" {
				t.Errorf("%s lacks a %s description", c.Name, l)
			}
			for _, o := range c.Options {
				if o.Label[l] == "" || o.Description[l] == "" {
					t.Errorf("%s option %s lacks a %s label or description", c.Name, o.Name, l)
				}
				for _, ch := range o.Choices {
					if ch.Label[l] == "" {
						t.Errorf("%s option %s choice %s lacks a %s label", c.Name, o.Name, ch.Value, l)
					}
				}
			}
		}
		if (len(c.Options) > 0) != (c.Usage != "" && c.Example != "") {
			t.Errorf("%s: options %d, usage %q, example %q", c.Name, len(c.Options), c.Usage, c.Example)
		}
		for _, k := range []string{c.Usage, c.Example} {
			if k != "" && !has(k) {
				t.Errorf("%s: text %q missing", c.Name, k)
			}
		}
	}
	for _, s := range bot.AdminCommands {
		if (s.Usage == "") != (s.Example == "") {
			t.Errorf("studybot %s: usage %q, example %q", s.Name, s.Usage, s.Example)
		}
		for _, k := range []string{s.Usage, s.Example} {
			if k != "" && !has(k) {
				t.Errorf("studybot %s: text %q missing", s.Name, k)
			}
		}
	}
}

// TestRegistryUsage: a command or /studybot subcommand called without its
// arguments answers with its own registry entry's usage text and example,
// never another command's.
func TestRegistryUsage(t *testing.T) {
	h := bottest.New(t, monday.Add(2*time.Hour), bot.Config{Lang: "en"})
	if r := h.Command("adm", "general", true, "studybot", "lang", "en"); r.Messages[0].Kind == bot.KindError {
		t.Fatal(body(r))
	}
	check := func(name string, r bot.Response, usage, example string) {
		t.Helper()
		got := body(r)
		// a usage text with a verb (domains.usage) is checked up to it
		want := strings.SplitN(bot.T("en", usage), "%", 2)[0]
		if r.Messages[0].Kind != bot.KindError || !strings.Contains(got, want) || !strings.Contains(got, bot.T("en", example)) {
			t.Errorf("%s without arguments:\n%s\nwant %q and %q", name, got, want, bot.T("en", example))
		}
	}
	for _, c := range bot.Commands {
		required := false
		for _, o := range c.Options {
			required = required || o.Required
		}
		if !required || c.Name == "studybot" {
			continue
		}
		check("/"+c.Name, h.Command("adm", "general", true, c.Name), c.Usage, c.Example)
	}
	for _, s := range bot.AdminCommands {
		if s.Usage == "" {
			continue
		}
		check("/studybot "+s.Name, h.Command("adm", "general", true, "studybot", s.Name), s.Usage, s.Example)
	}
	spec := bot.Commands[slices.IndexFunc(bot.Commands, func(c bot.CommandSpec) bool { return c.Name == "studybot" })]
	check("/studybot", h.Command("adm", "general", true, "studybot"), spec.Usage, spec.Example)
}

// TestCommandKinds: adapters learn from the registry which commands need
// an admin and which make the bot post in the channel.
func TestCommandKinds(t *testing.T) {
	tests := []struct {
		c            bot.Command
		admin, posts bool
	}{
		{bot.Command{Name: "quiz", Channel: "C1"}, false, false},
		{bot.Command{Name: "lb", Channel: "C1"}, false, false},
		{bot.Command{Name: "studybot", Channel: "C1", Args: []string{"status"}}, true, false},
		{bot.Command{Name: "studybot", Channel: "C1", Args: []string{"schedule", "0", "9", "*", "*", "*"}}, true, true},
		{bot.Command{Name: "/studybot", Channel: "C1", Args: []string{"Post-Now"}}, true, true},
		{bot.Command{Name: "studybot", Channel: "C1", Args: []string{"resume"}}, true, true},
		{bot.Command{Name: "studybot", DM: true, Args: []string{"post-now"}}, true, false},
		{bot.Command{Name: "studybot", Channel: "C1"}, true, false},
		{bot.Command{Name: "frob", Channel: "C1", Args: []string{"post-now"}}, false, false},
	}
	for _, tt := range tests {
		if a, p := tt.c.IsAdmin(), tt.c.PostsHere(); a != tt.admin || p != tt.posts {
			t.Errorf("%s %v: admin %v posts %v, want %v %v", tt.c.Name, tt.c.Args, a, p, tt.admin, tt.posts)
		}
	}
}
