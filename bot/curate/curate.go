package curate

import (
	"sync"
	"time"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/questions"
)

// Team gives /studybot insights the team's readiness (bot/learn
// implements it).
type Team interface {
	TeamReadiness(sp core.Space, at time.Time) (core.TeamReadiness, error)
}

// Curate is the curation capability: review decisions on authored and
// drafted questions, item flags and insights, reports and reloads of the
// bank.
type Curate struct {
	*core.Core
	recorder ReviewRecorder
	reload   func() (*questions.Bank, error)
	team     Team

	reloadMu  sync.Mutex // serialises reloads and guards lastFail
	lastFail  string     // the last failed reload's error ("" after a success)
	lastFailT time.Time
}

// New returns the curation capability over c. rec (optional) takes review
// decisions into the memo's review file; reload (optional) builds the bank
// anew; team gives insights the team's readiness.
func New(c *core.Core, rec ReviewRecorder, reload func() (*questions.Bank, error), team Team) *Curate {
	return &Curate{Core: c, recorder: rec, reload: reload, team: team}
}

// Handlers are the commands curation answers.
func (b *Curate) Handlers() core.Handlers {
	return core.Handlers{
		Commands: map[string]core.CommandFunc{"report": b.cmdReport},
		Admin: map[string]core.AdminFunc{
			"reports": b.adminReports, "review": b.adminReview, "reload": b.adminReload,
			"insights": b.adminInsights, "clear-report": b.adminClearReport,
		},
	}
}
