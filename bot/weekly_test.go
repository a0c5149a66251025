package bot_test

import (
	"bytes"
	"errors"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/digest"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

func TestWeekStartAndDigestWeek(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip(err)
	}
	// Monday 2026-11-30 09:00 Tokyo is Monday 00:00 UTC
	mon := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	if got, want := bot.WeekStart(mon, tokyo), time.Date(2026, 11, 30, 0, 0, 0, 0, tokyo); !got.Equal(want) {
		t.Errorf("WeekStart(Monday) = %v, want %v", got, want)
	}
	sun := time.Date(2026, 11, 29, 14, 59, 0, 0, time.UTC) // Sunday 23:59 Tokyo
	if got, want := bot.WeekStart(sun, tokyo), time.Date(2026, 11, 23, 0, 0, 0, 0, tokyo); !got.Equal(want) {
		t.Errorf("WeekStart(Sunday) = %v, want %v", got, want)
	}
	if got, want := bot.DigestWeek(mon, tokyo), time.Date(2026, 11, 23, 0, 0, 0, 0, tokyo); !got.Equal(want) {
		t.Errorf("DigestWeek(Monday) = %v, want the week that just ended %v", got, want)
	}
}

func pa(qid string, domain int, answers map[string]bool) store.PostAnswers {
	p := store.PostAnswers{Post: store.Post{ID: qid, Question: store.Snapshot{QuestionID: qid, Domain: domain, DomainTitle: "d", Stem: "stem " + qid,
		AnswerID: "a", Explanation: "why " + qid, Options: []store.SnapOption{{ID: "b", Text: "B"}, {ID: "a", Text: "A " + qid}}}}}
	for u, ok := range answers {
		p.Answers = append(p.Answers, store.Answer{UserID: u, Correct: ok})
	}
	return p
}

func TestBuildDigest(t *testing.T) {
	doms := []*questions.Domain{{Number: 1, Title: "設計", Weight: 30}, {Number: 2, Title: "改善", Weight: 70}, {Number: 0, Title: "その他"}}
	this := []store.PostAnswers{
		pa("q1", 1, map[string]bool{"al": true, "bo": false, "cy": true}),
		pa("q2", 2, map[string]bool{"al": false, "bo": false, "cy": true}), // hardest: 1/3
		pa("q3", 3, map[string]bool{"al": true}),                           // not in the memo
		pa("q4", 1, nil),                                                   // nobody answered
	}
	last := []store.PostAnswers{
		pa("p1", 1, map[string]bool{"al": false, "bo": true}),
		pa("p2", 0, map[string]bool{"bo": true}),
	}
	streaks := map[string]int{"al": 5, "bo": 1, "cy": 9}
	w := bot.BuildDigest("en", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), this, last, doms,
		func(u string) int { return streaks[u] }, func(u string) string { return "@" + u })

	type row struct {
		n                          int
		weight                     float64
		thisN, thisC, lastN, lastC int
	}
	want := []row{{1, 30, 3, 2, 2, 1}, {2, 70, 3, 1, 0, 0}, {3, 0, 1, 1, 0, 0}, {0, 0, 0, 0, 1, 1}}
	if len(w.Domains) != len(want) {
		t.Fatalf("domains %+v", w.Domains)
	}
	for i, r := range want {
		d := w.Domains[i]
		if d.Number != r.n || d.Weight != r.weight || d.This.Answered != r.thisN || d.This.Correct != r.thisC || d.Last.Answered != r.lastN || d.Last.Correct != r.lastC {
			t.Errorf("domain %d: %+v, want %+v", i, d, r)
		}
	}
	if w.Answered() != 7 {
		t.Errorf("answered %d, want 7", w.Answered())
	}
	// al: 2/3 this week vs 0/1 (+67); bo: 0/2 vs 2/2 (−100); cy answered only this week
	if len(w.Movers) != 2 || w.Movers[0].Name != "@bo" || w.Movers[1].Name != "@al" {
		t.Errorf("movers %+v", w.Movers)
	}
	if len(w.Streaks) != 2 || w.Streaks[0] != (digest.Streak{Name: "@cy", Days: 9}) || w.Streaks[1].Name != "@al" {
		t.Errorf("streaks %+v (bo's 1 day is left out)", w.Streaks)
	}
	if h := w.Hardest; h == nil || h.Stem != "stem q2" || h.Answer != "A q2" || h.Explanation != "why q2" || h.Tally.Answered != 3 || h.Tally.Correct != 1 {
		t.Errorf("hardest %+v", w.Hardest)
	}
}

func TestBuildDigestEmptyWeek(t *testing.T) {
	doms := []*questions.Domain{{Number: 1, Title: "設計", Weight: 30}}
	last := []store.PostAnswers{pa("p1", 1, map[string]bool{"al": true})}
	w := bot.BuildDigest("ja", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), []store.PostAnswers{pa("q1", 1, nil)}, last, doms,
		func(string) int { return 3 }, func(u string) string { return u })
	if !w.Empty() || w.Hardest != nil || len(w.Streaks) != 0 {
		t.Errorf("a week without answers: %+v", w)
	}
}

// TestDigestCommand: /studybot digest on|off is stored with the channel;
// digest now posts last week's chart as a PNG file with the text, or one
// line for a channel nobody answered in.
func TestDigestCommand(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Seed: 5})
	ch, err := h.Bot.EnsureChannel(h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	if ch.DigestOff {
		t.Fatal("the digest is off by default")
	}
	h.Command("adm", "general", true, "studybot", "digest", "off")
	if ch, _ := h.DB.GetChannel(h.Space, "general"); !ch.DigestOff {
		t.Error("digest off did not stick")
	}
	h.Command("adm", "general", true, "studybot", "digest", "on")
	if ch, _ := h.DB.GetChannel(h.Space, "general"); ch.DigestOff {
		t.Error("digest on did not stick")
	}
	h.Command("adm", "general", true, "studybot", "digest", "on", "Friday")
	if ch, _ := h.DB.GetChannel(h.Space, "general"); ch.DigestOff || ch.DigestDay != "fri" {
		t.Errorf("digest on Friday: off=%v day=%q", ch.DigestOff, ch.DigestDay)
	}
	if r := h.Command("adm", "general", true, "studybot", "digest", "on", "someday"); r.Messages[0].Kind != bot.KindError {
		t.Errorf("a bad day: %+v", r.Messages[0])
	}
	if r := h.Command("adm", "general", true, "studybot", "digest", "soon"); r.Messages[0].Kind != bot.KindError {
		t.Errorf("a bad argument: %+v", r.Messages[0])
	}

	// last week (Mon 11/23–Sun 11/29 Tokyo): one question, two answers
	s := store.Snapshot{QuestionID: "q-last", Domain: 1, Type: "cloze", Stem: "難問", AnswerID: "a", Explanation: "なぜなら"}
	for _, o := range []string{"a", "b", "c", "d"} {
		s.Options = append(s.Options, store.SnapOption{ID: o, Text: "選択肢 " + o})
	}
	opened := monday.AddDate(0, 0, -6)
	p, err := h.DB.CreatePost(store.Post{Space: h.Space, Channel: "general", Slot: opened, Question: s, OpenedAt: opened, ClosesAt: monday.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for u, opt := range map[string]string{"al": "a", "bo": "c"} {
		if _, err := h.DB.RecordAnswer(p.ID, u, opt); err != nil {
			t.Fatal(err)
		}
	}
	h.Command("adm", "general", true, "studybot", "digest", "now")
	bottest.WaitFor(t, "the digest file", func() bool { return len(h.Platform.Sent("file")) == 1 })
	f := h.Platform.Sent("file")[0]
	img, err := png.Decode(bytes.NewReader(f.File.Data))
	if err != nil {
		t.Fatalf("the digest file is not a PNG: %v", err)
	}
	if img.Bounds().Dx() != digest.Width || img.Bounds().Dy() != digest.Height || f.File.Name != "digest-2026-11-23.png" || f.Channel != "general" {
		t.Errorf("file %q in %s, %v", f.File.Name, f.Channel, img.Bounds())
	}
	if !strings.Contains(f.Msg.Body, "今週の回答 2 件") || !strings.Contains(f.Msg.Body, "正解: 選択肢 a") || !strings.Contains(f.Msg.Body, "解説: なぜなら") {
		t.Errorf("digest text:\n%s", f.Msg.Body)
	}

	if _, err := h.Bot.EnsureChannel(h.Space, "quiet"); err != nil {
		t.Fatal(err)
	}
	h.Command("adm", "quiet", true, "studybot", "digest", "now")
	bottest.WaitFor(t, "the one-line digest", func() bool { return len(h.Platform.Sent("post")) == 1 })
	if m := h.Platform.Sent("post")[0]; m.Channel != "quiet" || strings.Contains(m.Msg.Body, "\n") || !strings.Contains(m.Msg.Body, "回答がなかった") {
		t.Errorf("empty week: %+v", m)
	}
}

// TestDigestAfterMondayQuestion: the due path posts Monday's question, then
// the digest of the week that just ended, once; a channel with the digest
// off gets none, and Tuesday's question claims nothing. The claim is made
// in the due path before it returns, so "none" is checked on the store,
// not by waiting.
func TestDigestAfterMondayQuestion(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Seed: 5})
	for _, id := range []string{"general", "quiet", "tuesdays"} {
		if _, err := h.Bot.EnsureChannel(h.Space, id); err != nil {
			t.Fatal(err)
		}
	}
	h.Command("adm", "quiet", true, "studybot", "digest", "off")
	h.Command("adm", "tuesdays", true, "studybot", "digest", "on", "tue")
	s := store.Snapshot{QuestionID: "q-last", Domain: 2, Type: "cloze", Stem: "stem", AnswerID: "a"}
	s.Options = []store.SnapOption{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}
	opened := monday.AddDate(0, 0, -3)
	p, err := h.DB.CreatePost(store.Post{Space: h.Space, Channel: "general", Slot: opened, Question: s, OpenedAt: opened, ClosesAt: monday.Add(30 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.DB.RecordAnswer(p.ID, "al", "a"); err != nil {
		t.Fatal(err)
	}

	h.Clock.Set(monday.Add(time.Hour)) // 09:00, the default slot
	h.RunDue()
	if n := len(h.Platform.Sent("card")); n != 3 {
		t.Fatalf("Monday's question went to %d channels, want 3", n)
	}
	if ch, _ := h.DB.GetChannel(h.Space, "tuesdays"); !ch.DigestWeek.IsZero() {
		t.Errorf("a Tuesday channel claimed %v on Monday", ch.DigestWeek)
	}
	week := time.Date(2026, 11, 23, 0, 0, 0, 0, tokyo)
	if ch, _ := h.DB.GetChannel(h.Space, "general"); !ch.DigestWeek.Equal(week) {
		t.Errorf("general claimed %v, want %v", ch.DigestWeek, week)
	}
	if ch, _ := h.DB.GetChannel(h.Space, "quiet"); !ch.DigestWeek.IsZero() {
		t.Errorf("quiet (digest off) claimed %v", ch.DigestWeek)
	}
	bottest.WaitFor(t, "the Monday digest", func() bool { return len(h.Platform.Sent("file")) == 1 })
	f := h.Platform.Sent("file")[0]
	if f.Channel != "general" || f.File.Name != "digest-2026-11-23.png" {
		t.Errorf("digest %s in %s", f.File.Name, f.Channel)
	}
	if _, err := png.Decode(bytes.NewReader(f.File.Data)); err != nil {
		t.Errorf("not a PNG: %v", err)
	}

	h.Clock.Set(monday.Add(25 * time.Hour)) // Tuesday 09:00
	h.RunDue()
	if ch, _ := h.DB.GetChannel(h.Space, "general"); !ch.DigestWeek.Equal(week) {
		t.Errorf("Tuesday moved the claim to %v", ch.DigestWeek)
	}
	// the Tuesday channel reports the seven days before Tuesday
	if ch, _ := h.DB.GetChannel(h.Space, "tuesdays"); !ch.DigestWeek.Equal(week.AddDate(0, 0, 1)) {
		t.Errorf("the Tuesday channel claimed %v, want %v", ch.DigestWeek, week.AddDate(0, 0, 1))
	}
}

// TestDigestTextWhenUploadFails: a platform that refuses the file (a Slack
// app without files:write) still gets the digest's text.
func TestDigestTextWhenUploadFails(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Seed: 5})
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	s := store.Snapshot{QuestionID: "q-last", Domain: 1, Type: "cloze", Stem: "stem", AnswerID: "a"}
	s.Options = []store.SnapOption{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}
	opened := monday.AddDate(0, 0, -3)
	p, err := h.DB.CreatePost(store.Post{Space: h.Space, Channel: "general", Slot: opened, Question: s, OpenedAt: opened, ClosesAt: monday.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.DB.RecordAnswer(p.ID, "al", "b"); err != nil {
		t.Fatal(err)
	}
	h.Platform.Fail = func(op string) error {
		if op == "file" {
			return errors.New("missing_scope")
		}
		return nil
	}
	h.Command("adm", "general", true, "studybot", "digest", "now")
	bottest.WaitFor(t, "the digest text", func() bool { return len(h.Platform.Sent("post")) == 1 })
	if m := h.Platform.Sent("post")[0]; !strings.Contains(m.Msg.Body, "週間ダイジェスト") || !strings.Contains(m.Msg.Body, "正解: A") {
		t.Errorf("text alone:\n%s", m.Msg.Body)
	}
}

// TestDigestOnSettings: digest on takes a day, a time of day, both, or
// "first" (back to after the day's question), keeps what it is not given,
// and refuses times it cannot read with a message that names them.
func TestDigestOnSettings(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Seed: 5})
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args      []string
		day, time string
		reply     string // in the reply ("" for an error)
		err       string // in the error
	}{
		{[]string{"on", "fri"}, "fri", "", "金曜", ""},
		{[]string{"on", "18:00"}, "fri", "18:00", "金曜 18:00、Asia/Tokyo", ""},
		{[]string{"on", "Monday", "8:30"}, "mon", "08:30", "月曜 08:30", ""},
		{[]string{"on", "wed"}, "wed", "08:30", "水曜 08:30", ""},
		{[]string{"on", "first"}, "wed", "", "水曜の出題のあと", ""},
		{[]string{"on", "25:00"}, "wed", "", "", "25:00"},
		{[]string{"on", "9:5"}, "wed", "", "", "9:5"},
		{[]string{"on", "18:00", "19:00"}, "wed", "", "", "digest on"},
		{[]string{"on", "mon", "tue"}, "wed", "", "", "digest on"},
		{[]string{"on", "monkey"}, "wed", "", "", "digest on"},
		{[]string{"on"}, "wed", "", "水曜の出題のあと", ""},
	}
	for _, tt := range tests {
		r := h.Command("adm", "general", true, "studybot", append([]string{"digest"}, tt.args...)...)
		m := r.Messages[0]
		if tt.err != "" {
			if m.Kind != bot.KindError || !strings.Contains(m.Text(), tt.err) {
				t.Errorf("%v: want an error naming %q, got %q", tt.args, tt.err, m.Text())
			}
		} else if m.Kind == bot.KindError || !strings.Contains(m.Text(), tt.reply) {
			t.Errorf("%v: reply %q, want %q in it", tt.args, m.Text(), tt.reply)
		}
		ch, err := h.DB.GetChannel(h.Space, "general")
		if err != nil {
			t.Fatal(err)
		}
		if ch.DigestDay != tt.day || ch.DigestTime != tt.time || ch.DigestOff {
			t.Errorf("%v: stored day %q time %q off %v, want %q %q", tt.args, ch.DigestDay, ch.DigestTime, ch.DigestOff, tt.day, tt.time)
		}
	}
}

// TestTimedDigest: a digest set for Monday 18:00 is not sent after the
// morning question but is the due-loop's next event once the question has
// closed, goes out at 18:00, and is claimed once, across a restart; a
// digest time further back than the catch-up grace is skipped.
func TestTimedDigest(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Seed: 5})
	for _, id := range []string{"general", "early"} {
		if _, err := h.Bot.EnsureChannel(h.Space, id); err != nil {
			t.Fatal(err)
		}
	}
	h.Command("adm", "general", true, "studybot", "digest", "on", "mon", "18:00")
	h.Command("adm", "early", true, "studybot", "digest", "on", "mon", "01:00")
	s := store.Snapshot{QuestionID: "q-last", Domain: 2, Type: "cloze", Stem: "stem", AnswerID: "a"}
	s.Options = []store.SnapOption{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}
	for _, id := range []string{"general", "early"} {
		opened := monday.AddDate(0, 0, -3)
		p, err := h.DB.CreatePost(store.Post{Space: h.Space, Channel: id, Slot: opened, Question: s, OpenedAt: opened, ClosesAt: monday.Add(30 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.DB.RecordAnswer(p.ID, "al", "a"); err != nil {
			t.Fatal(err)
		}
	}
	h.StartLoop()
	before := len(h.Platform.Sent("card")) // the stored posts' cards, delivered late
	nine := monday.Add(time.Hour)
	h.Step(nine)
	if n := len(h.Platform.Sent("card")) - before; n != 2 {
		t.Fatalf("%d cards at 09:00, want 2", n)
	}
	for _, id := range []string{"general", "early"} {
		if ch, _ := h.DB.GetChannel(h.Space, id); !ch.DigestWeek.IsZero() {
			t.Errorf("%s claimed %v at 09:00", id, ch.DigestWeek)
		}
	}
	six := time.Date(2026, 11, 30, 18, 0, 0, 0, tokyo)
	if next := h.Bot.NextEvent(six.Add(-30 * time.Minute)); !next.Equal(six) {
		t.Errorf("next event at 17:30 is %v, want the digest at %v", next, six)
	}
	h.Step(six)
	bottest.WaitFor(t, "the 18:00 digest", func() bool { return len(h.Platform.Sent("file")) == 1 })
	if f := h.Platform.Sent("file")[0]; f.Channel != "general" || f.File.Name != "digest-2026-11-23.png" {
		t.Errorf("digest %s in %s", f.File.Name, f.Channel)
	}
	week := time.Date(2026, 11, 23, 0, 0, 0, 0, tokyo)
	if ch, _ := h.DB.GetChannel(h.Space, "general"); !ch.DigestWeek.Equal(week) {
		t.Errorf("general claimed %v, want %v", ch.DigestWeek, week)
	}
	if ch, _ := h.DB.GetChannel(h.Space, "early"); !ch.DigestWeek.IsZero() {
		t.Errorf("a digest 8 hours past the grace was claimed: %v", ch.DigestWeek)
	}
	h.Restart()
	h.Clock.Set(six.Add(30 * time.Minute))
	h.RunDue()
	if ch, _ := h.DB.GetChannel(h.Space, "general"); !ch.DigestWeek.Equal(week) {
		t.Errorf("after a restart the claim moved to %v", ch.DigestWeek)
	}
}

// TestTimedDigestAcrossDST: a Sunday 18:00 digest in New York stays at
// 18:00 local time across the end of daylight saving time (1 November
// 2026): the next event is at 18:00 local on each side of the change.
func TestTimedDigestAcrossDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	h := bottest.New(t, monday, bot.Config{Seed: 5})
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	// a yearly question on 1 January, so the digest is the next event
	if r := h.Command("adm", "general", true, "studybot", "schedule", "0", "9", "1", "1", "*", "America/New_York"); r.Messages[0].Kind == bot.KindError {
		t.Fatalf("schedule: %s", r.Messages[0].Text())
	}
	h.Command("adm", "general", true, "studybot", "digest", "on", "sun", "18:00")
	for _, tt := range []struct{ now, want time.Time }{
		{time.Date(2026, 10, 24, 12, 0, 0, 0, ny), time.Date(2026, 10, 25, 18, 0, 0, 0, ny)},
		{time.Date(2026, 10, 25, 18, 0, 0, 0, ny), time.Date(2026, 11, 1, 18, 0, 0, 0, ny)},
		{time.Date(2026, 11, 1, 17, 59, 0, 0, ny), time.Date(2026, 11, 1, 18, 0, 0, 0, ny)},
		{time.Date(2026, 11, 1, 18, 0, 0, 0, ny), time.Date(2026, 11, 8, 18, 0, 0, 0, ny)},
	} {
		got := h.Bot.NextEvent(tt.now)
		if !got.Equal(tt.want) || got.In(ny).Hour() != 18 {
			t.Errorf("NextEvent(%v) = %v, want %v", tt.now, got.In(ny), tt.want)
		}
	}
}

// TestScheduledDigestSkipsNewChannel: a channel that had no question in
// the reported week (it was created this Monday) claims the week but posts
// no digest, not even the one line of an empty week. Close waits for the
// digests it started, so after the restart everything sent is in.
func TestScheduledDigestSkipsNewChannel(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Seed: 5})
	if _, err := h.Bot.EnsureChannel(h.Space, "newbie"); err != nil {
		t.Fatal(err)
	}
	h.Clock.Set(monday.Add(time.Hour))
	h.RunDue()
	if ch, _ := h.DB.GetChannel(h.Space, "newbie"); ch.DigestWeek.IsZero() {
		t.Fatal("the Monday question claimed no digest")
	}
	h.Restart()
	if n := len(h.Platform.Sent("card")); n != 1 {
		t.Errorf("%d cards, want Monday's question", n)
	}
	if got := append(h.Platform.Sent("file"), h.Platform.Sent("post")...); len(got) != 0 {
		t.Errorf("a channel without last week's question got a digest: %+v", got[0].Msg.Body)
	}
}

// TestWeeklyDigestReadiness: the digest carries the space's team readiness
// (members with cards, one line per domain) in its text; before anyone
// has a card it carries none.
func TestWeeklyDigestReadiness(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{})
	ch, err := h.Bot.EnsureChannel(h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	s := store.Snapshot{QuestionID: "q-last", Domain: 1, Type: "cloze", Stem: "難問", AnswerID: "a"}
	for _, o := range []string{"a", "b", "c", "d"} {
		s.Options = append(s.Options, store.SnapOption{ID: o, Text: "選択肢 " + o})
	}
	opened := monday.AddDate(0, 0, -6)
	p, err := h.DB.CreatePost(store.Post{Space: h.Space, Channel: "general", Slot: opened, Question: s, OpenedAt: opened, ClosesAt: monday.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.DB.RecordAnswer(p.ID, "al", "a"); err != nil {
		t.Fatal(err)
	}
	mention := func(u string) string { return "@" + u }
	w, err := h.Bot.WeeklyDigest(ch, h.Clock.Now(), mention)
	if err != nil || w.Readiness != nil || strings.Contains(w.Text(), "準備度") {
		t.Fatalf("no cards yet: readiness %+v, %v", w.Readiness, err)
	}
	q := h.Bot.Bank().Top(0)[0]
	h.Click("al", "general", "sb1:p:"+q.ID+":"+q.Correct().ID)
	w, err = h.Bot.WeeklyDigest(ch, h.Clock.Now(), mention)
	if err != nil || w.Readiness == nil || w.Readiness.Members != 1 || len(w.Readiness.Domains) < 2 {
		t.Fatalf("readiness %+v, %v", w.Readiness, err)
	}
	if text := w.Text(); !strings.Contains(text, "*チームの試験準備度*（学習者 1 人の平均）") || strings.Count(text, "（学習済み ") != len(w.Readiness.Domains) {
		t.Errorf("digest text:\n%s", text)
	}
}

// TestBuildDigestHardestMulti: the hardest question of the week asks to
// choose two; the digest names both correct options, letters and texts,
// in both languages.
func TestBuildDigestHardestMulti(t *testing.T) {
	p := store.PostAnswers{Post: store.Post{ID: "m1", Question: store.Snapshot{QuestionID: "m1", Domain: 1, Stem: "Choose two.",
		AnswerID: "a+c", Options: []store.SnapOption{{ID: "b", Text: "Bee"}, {ID: "a", Text: "Ay"}, {ID: "d", Text: "Dee"}, {ID: "c", Text: "Cee"}}}}}
	p.Answers = []store.Answer{{UserID: "al", OptionID: "a+c", Correct: true}, {UserID: "bo", OptionID: "a+b"}}
	doms := []*questions.Domain{{Number: 1, Title: "設計"}}
	for _, tc := range []struct{ lang, want string }{
		{"en", "Answers: B: Ay / D: Cee"},
		{"ja", "正解: B: Ay / D: Cee"},
	} {
		w := bot.BuildDigest(tc.lang, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), []store.PostAnswers{p}, nil, doms,
			func(string) int { return 0 }, func(u string) string { return "@" + u })
		if w.Hardest == nil || w.Hardest.Answer != "B: Ay / D: Cee" {
			t.Fatalf("%s: hardest %+v, want both correct options", tc.lang, w.Hardest)
		}
		if text := w.Text(); !strings.Contains(text, tc.want) {
			t.Errorf("%s: digest text\n%s\nwant %q", tc.lang, text, tc.want)
		}
	}
}
