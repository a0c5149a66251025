package curate

import (
	"context"
	"fmt"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/studybot/studybot/store"
)

// InsightsWindow is how far back /studybot insights looks.
const InsightsWindow = 30 * 24 * time.Hour

// insightsTop is how many questions each list of /studybot insights shows.
const insightsTop = 5

// FormatDiscrimination prints a discrimination figure with two decimals,
// or "-" when it is not defined.
func FormatDiscrimination(s store.ItemStat) string {
	if !s.DiscriminationOK {
		return "-"
	}
	return fmt.Sprintf("%+.2f", s.Discrimination)
}

// JoinFlags prints flags comma-separated.
func JoinFlags(fs []core.Flag) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return strings.Join(out, ",")
}

// adminInsights is /studybot insights: the most flagged and the hardest
// questions of the space over the last InsightsWindow (the bot's clock),
// and the team's readiness per domain (TeamReadiness) once someone has
// answered, privately.
func (b *Curate) adminInsights(_ context.Context, c core.Command, _ []string, _ store.Channel, lang string) render.Response {
	stats, err := b.DB.ItemStats(store.ItemQuery{Space: c.Space, Since: b.Now().Add(-InsightsWindow)})
	if err != nil {
		return b.InternalError(lang, "insights", err)
	}
	m := insightsMessage(stats, lang)
	team, err := b.team.TeamReadiness(c.Space, b.Now())
	if err != nil {
		return b.InternalError(lang, "insights", err)
	}
	if team.Members > 0 {
		if m.Title == "" {
			m.Title = render.T(lang, "insights.title")
		}
		m.Fields = append(m.Fields, teamReadinessField(team, lang, func(n int, title string) string { return b.DomainLabel(lang, n, title) }))
	}
	return render.Private(m)
}

// HardestFirst returns the answered questions of stats, hardest first:
// lowest share correct, then most answered. /studybot insights and the
// web page's team view list them so.
func HardestFirst(stats []store.ItemStat) []store.ItemStat {
	var out []store.ItemStat
	for _, s := range stats {
		if s.Answered > 0 {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Difficulty != out[j].Difficulty {
			return out[i].Difficulty < out[j].Difficulty
		}
		return out[i].Answered > out[j].Answered
	})
	return out
}

// insightsMessage renders the top flagged questions (most flags first,
// then most reporters, then lowest discrimination) and the hardest ones
// (lowest share correct, then most answered).
func insightsMessage(stats []store.ItemStat, lang string) render.Message {
	type flagged struct {
		s     store.ItemStat
		flags []core.Flag
	}
	var fl []flagged
	var answered []store.ItemStat
	for _, s := range stats {
		if fs := core.Flags(s); len(fs) > 0 {
			fl = append(fl, flagged{s, fs})
		}
		if s.Answered > 0 {
			answered = append(answered, s)
		}
	}
	if len(answered) == 0 && len(fl) == 0 {
		return render.Message{Body: render.T(lang, "insights.none")}
	}
	sort.SliceStable(fl, func(i, j int) bool {
		a, b := fl[i], fl[j]
		if len(a.flags) != len(b.flags) {
			return len(a.flags) > len(b.flags)
		}
		if a.s.Reporters != b.s.Reporters {
			return a.s.Reporters > b.s.Reporters
		}
		return a.s.Discrimination < b.s.Discrimination
	})
	answered = HardestFirst(answered)
	row := func(s store.ItemStat) string {
		return render.T(lang, "insights.row", s.QuestionID, s.Posted, s.Answered, int(s.Difficulty*100+0.5), FormatDiscrimination(s))
	}
	var f strings.Builder
	for i, x := range fl {
		if i == insightsTop {
			break
		}
		fmt.Fprintf(&f, "%s\n  %s\n", row(x.s), render.T(lang, "insights.flags", JoinFlags(x.flags)))
	}
	if len(fl) == 0 {
		f.WriteString(render.T(lang, "insights.noflag"))
	}
	var h strings.Builder
	for i, s := range answered {
		if i == insightsTop {
			break
		}
		h.WriteString(row(s) + "\n")
	}
	m := render.Message{Title: render.T(lang, "insights.title"), Fields: []render.Field{
		{Name: render.T(lang, "insights.flagged"), Value: strings.TrimSpace(f.String())},
	}}
	if h.Len() > 0 {
		m.Fields = append(m.Fields, render.Field{Name: render.T(lang, "insights.hardest"), Value: strings.TrimSpace(h.String())})
	}
	return m
}

// teamReadinessField shows team readiness in /studybot insights: overall
// with the member count, then one line per domain.
func teamReadinessField(t core.TeamReadiness, lang string, label func(n int, title string) string) render.Field {
	pc := func(x float64) string { return fmt.Sprintf("%d%%", int(math.Round(x*100))) }
	lines := []string{render.T(lang, "team.overall", pc(t.Overall))}
	for _, d := range t.Domains {
		lines = append(lines, render.T(lang, "team.row", label(d.Domain, d.Title), pc(d.Recall), d.Studied, t.Members))
	}
	return render.Field{Name: render.T(lang, "team.title", t.Members), Value: strings.Join(lines, "\n")}
}
