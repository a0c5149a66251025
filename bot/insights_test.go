package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// TestInsights: /studybot insights shows admins, privately, the flagged
// questions (with their flags) and the hardest ones of the last 30 days by
// the bot's clock; older answers drop out.
func TestInsights(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Seed: 5})
	h.Bot.EnsureChannel(h.Space, "general")
	if r := h.Command("adm", "general", true, "studybot", "insights"); !strings.Contains(r.Messages[0].Body, "30 日") {
		t.Fatalf("no answers yet: %+v", r.Messages[0])
	}
	seedBadQuestion(t, h, "bad-one")
	// hard-one: only u00 of twelve gets it right
	s := store.Snapshot{QuestionID: "hard-one", Domain: 4, Type: "cloze", Stem: "hard", AnswerID: "a"}
	for _, o := range []string{"a", "b", "c", "d"} {
		s.Options = append(s.Options, store.SnapOption{ID: o, Text: o})
	}
	if _, err := h.Bot.EnsureChannel(h.Space, "seed"); err != nil { // store check wants every post's channel
		t.Fatal(err)
	}
	now := h.Clock.Now()
	p, err := h.DB.CreatePost(store.Post{Space: h.Space, Channel: "seed", Slot: now.Add(-time.Hour), Question: s, OpenedAt: now, ClosesAt: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for u := range 12 {
		opt := "c"
		if u == 0 {
			opt = "a"
		}
		if _, err := h.DB.RecordAnswer(p.ID, fmt.Sprintf("u%02d", u), opt); err != nil {
			t.Fatal(err)
		}
	}

	if r := h.Command("ann", "general", false, "studybot", "insights"); r.Messages[0].Kind != bot.KindError {
		t.Fatalf("a non-admin got insights: %+v", r.Messages[0])
	}
	r := h.Command("adm", "general", true, "studybot", "insights")
	m := r.Messages[0]
	if !r.Private || len(m.Fields) != 2 {
		t.Fatalf("insights: private=%v %+v", r.Private, m)
	}
	// bad-one has two flags and comes first; hard-one's strongest third
	// (u00, who alone got it right, and three others) mostly chose c
	flagged, hardest := m.Fields[0].Value, m.Fields[1].Value
	if !strings.HasPrefix(flagged, "bad-one: 出題 1 回、回答 12、正答率 50%、識別力 -0.") ||
		!strings.Contains(flagged, "hard-one") || strings.Index(flagged, "hard-one") < strings.Index(flagged, "distractor") ||
		!strings.Contains(flagged, string(bot.FlagNegative)) || !strings.Contains(flagged, string(bot.FlagDistractor)) ||
		strings.Contains(flagged, "seed-1") {
		t.Errorf("flagged:\n%s", flagged)
	}
	if !strings.HasPrefix(hardest, "hard-one: 出題 1 回、回答 12、正答率 8%") {
		t.Errorf("hardest:\n%s", hardest)
	}

	// 31 days later none of it counts
	h.Clock.Set(now.Add(31 * 24 * time.Hour))
	if r := h.Command("adm", "general", true, "studybot", "insights"); len(r.Messages[0].Fields) != 0 || !strings.Contains(r.Messages[0].Body, "30 日") {
		t.Errorf("after 31 days: %+v", r.Messages[0])
	}
}

// TestInsightsTeamReadiness: once members have answered, /studybot insights
// ends with the team's readiness (TeamReadiness): the member count, the
// overall figure and a line per exam domain with how many members studied
// it; a user who never answered is no member.
func TestInsightsTeamReadiness(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Lang: "en"})
	h.Bot.EnsureChannel(h.Space, "general")
	q := h.Bot.Bank().Top(0)[0]
	for _, u := range []string{"ann", "bob"} {
		h.Click(u, "general", "sb1:p:"+q.ID+":"+q.Correct().ID)
	}
	h.Command("cat", "general", false, "review", "remind", "09:00") // no cards
	team, err := h.Bot.TeamReadiness(h.Space, h.Clock.Now())
	if err != nil || team.Members != 2 || len(team.Domains) < 2 {
		t.Fatalf("TeamReadiness = %+v, %v", team, err)
	}
	r := h.Command("adm", "general", true, "studybot", "insights")
	m := r.Messages[0]
	f := m.Fields[len(m.Fields)-1]
	if f.Name != "👥 Team readiness (mean of 2 members)" || !strings.HasPrefix(f.Value, "Overall ") || strings.Count(f.Value, "\n") != len(team.Domains) ||
		!strings.Contains(f.Value, "(2 of 2 members studied it)") || !strings.Contains(f.Value, "(0 of 2 members studied it)") {
		t.Errorf("team field: %+v", f)
	}
}
