package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/render"
)

// meText is a response's messages as plain text, with each button's
// label and action ID.
func meText(r bot.Response) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString(m.Text() + "\n")
		for _, btn := range m.Buttons {
			b.WriteString("[" + btn.Label + "] " + btn.ActionID + "\n")
		}
	}
	return b.String()
}

// TestMeView: /me shows the streak, today's question (not answered, then
// answered), the reviews due with a Start review button that runs
// /review, the readiness bars after an answer, the reminder with buttons
// that set it, and the admins' block only to admins.
func TestMeView(t *testing.T) {
	nine := time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo)
	h := bottest.New(t, nine, bot.Config{})
	if _, err := h.Bot.EnsureChannel(h.Space, "c1"); err != nil {
		t.Fatal(err)
	}
	h.RunDue()
	cards := h.Platform.Sent("card")
	if len(cards) != 1 {
		t.Fatalf("%d cards posted", len(cards))
	}
	card := cards[0].Msg

	r := h.Command("alice", "c1", false, "me")
	got := meText(r)
	if !r.Private || len(r.Messages) < 5 {
		t.Fatalf("me: private %v, %d messages:\n%s", r.Private, len(r.Messages), got)
	}
	for _, w := range []string{"📊 あなたの学習状況", "連続 0 日", "#1", "未回答", render.OpenCardAction(card.PostID),
		"いま復習する項目: 0 件", render.CommandAction("review"), "まだ記録がありません", "設定されていません",
		render.SettingAction("review", "remind", "21:00"), "Asia/Tokyo"} {
		if !strings.Contains(got, w) {
			t.Errorf("me lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "管理者向け") {
		t.Errorf("a non-admin sees the admins' block:\n%s", got)
	}
	for _, m := range r.Messages {
		if m.Kind != bot.KindMe {
			t.Errorf("message of kind %d in the view", m.Kind)
		}
	}

	// answer today's card: answered, a streak, readiness
	h.Click("alice", "c1", card.Buttons[0].ActionID)
	got = meText(h.Command("alice", "c1", false, "me"))
	for _, w := range []string{"✅ 回答済み", "連続 1 日", "全体 ", "█", "いちばん弱い分野"} {
		if !strings.Contains(got, w) {
			t.Errorf("after answering, me lacks %q:\n%s", w, got)
		}
	}

	// the buttons: show the card, start a review, set the reminder
	if c := h.Click("alice", "", render.OpenCardAction(card.PostID)); len(c.Messages) != 1 || c.Messages[0].Kind != bot.KindCard || !c.Private {
		t.Errorf("show card: %+v", c)
	}
	if c := h.Click("alice", "", render.CommandAction("review")); len(c.Messages) != 1 || c.Messages[0].Kind != bot.KindCard {
		t.Errorf("start review: %+v", c)
	}
	if c := h.Click("alice", "", render.SettingAction("review", "remind", "21:00")); len(c.Messages) != 1 || c.Messages[0].Tone != bot.Good {
		t.Errorf("set reminder: %+v", c)
	}
	h.Click("alice", "", render.SettingAction("review", "tz", "UTC"))
	got = meText(h.Command("alice", "c1", false, "me"))
	for _, w := range []string{"毎日 21:00", "タイムゾーン: UTC", render.SettingAction("review", "remind", "off"), render.SettingAction("review", "tz", "Asia/Tokyo")} {
		if !strings.Contains(got, w) {
			t.Errorf("after the settings, me lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, render.SettingAction("review", "remind", "21:00")) {
		t.Errorf("the current reminder time is offered again:\n%s", got)
	}

	// an admin sees the counts; the web page is a hint until /studybot web exists
	got = meText(h.Command("root", "c1", true, "me"))
	for _, w := range []string{"管理者向け", "レビュー待ちの問題", render.CommandAction("studybot", "review")} {
		if !strings.Contains(got, w) {
			t.Errorf("admin's me lacks %q:\n%s", w, got)
		}
	}
	if _, web := bot.LookupAdmin("web"); !web && !strings.Contains(got, "/studybot web") {
		t.Errorf("admin's me lacks the web page hint:\n%s", got)
	}
	// an admin command from a button needs the platform's word (Click.Admin)
	if c := h.Bot.HandleClick(t.Context(), bot.Click{Space: h.Space, User: "bob", ActionID: render.CommandAction("studybot", "reports")}); c.Messages[0].Kind != bot.KindError {
		t.Errorf("a non-admin ran /studybot reports from a button: %+v", c)
	}
	if c := h.Bot.HandleClick(t.Context(), bot.Click{Space: h.Space, User: "root", Admin: true, ActionID: render.CommandAction("studybot", "reports")}); c.Messages[0].Kind == bot.KindError {
		t.Errorf("an admin could not run /studybot reports from a button: %+v", c)
	}
}

// TestMeEnglish: the view follows the language (here the bot's default).
func TestMeEnglish(t *testing.T) {
	h := bottest.New(t, time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo), bot.Config{Lang: "en"})
	got := meText(h.Command("alice", "", false, "me"))
	for _, w := range []string{"📊 Your progress", "No question yet today", "▶ Start review", "Not set."} {
		if !strings.Contains(got, w) {
			t.Errorf("me lacks %q:\n%s", w, got)
		}
	}
}
