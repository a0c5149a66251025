package web

import (
	"errors"
	"net/http"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/digest"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// teamHardest is how many of the hardest questions the team page lists.
const teamHardest = 10

// hardRow is one of the hardest questions of the last 30 days.
type hardRow struct {
	Stat store.ItemStat
	Q    *questions.Question // nil when the bank no longer has it
}

// teamData is the team page's data.
type teamData struct {
	base
	Readiness core.TeamReadiness
	Week      digest.Week
	Hardest   []hardRow
}

// teamPage is GET /admin/team: readiness per domain with the digest's
// chart, the hardest questions of the last 30 days, the week's answers
// and the streaks.
func (p *Pages) teamPage(w http.ResponseWriter, r *http.Request, s *Session) {
	now := p.deps.Now()
	d := teamData{base: newBase(s, "team", tr(s.Lang, "team.title"))}
	var err error
	if d.Readiness, err = p.deps.Team.TeamReadiness(s.Space, now); err != nil {
		p.fail(w, s, http.StatusInternalServerError, "", err)
		return
	}
	if d.Week, err = p.deps.Team.TeamWeek(s.Space, langOf(s.Lang), now, p.deps.Name); err != nil {
		p.fail(w, s, http.StatusInternalServerError, "", err)
		return
	}
	recent, err := p.deps.Stats.ItemStats(store.ItemQuery{Space: s.Space, Since: now.Add(-bot.InsightsWindow)})
	if err != nil {
		p.fail(w, s, http.StatusInternalServerError, "", err)
		return
	}
	bank := p.deps.Bank.Bank()
	for i, st := range bot.HardestFirst(recent) {
		if i == teamHardest {
			break
		}
		q, _ := findQuestion(bank, st.QuestionID)
		d.Hardest = append(d.Hardest, hardRow{Stat: st, Q: q})
	}
	p.render(w, s, "team", http.StatusOK, d)
}

// teamChart is GET /admin/team/chart.png: the weekly digest's chart of
// the space's week so far (digest.Render), 404 before anyone answered.
func (p *Pages) teamChart(w http.ResponseWriter, r *http.Request, s *Session) {
	wk, err := p.deps.Team.TeamWeek(s.Space, langOf(s.Lang), p.deps.Now(), p.deps.Name)
	if err != nil {
		p.fail(w, s, http.StatusInternalServerError, "", err)
		return
	}
	png, err := digest.Render(wk)
	if errors.Is(err, digest.ErrEmpty) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		p.fail(w, s, http.StatusInternalServerError, "", err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=60")
	w.Write(png)
}
