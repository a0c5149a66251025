package learn

import "github.com/studybot/studybot/bot/core"

// Learn is the personal review capability: FSRS cards of memo items,
// /review and its reminders, readiness and team readiness.
type Learn struct {
	*core.Core
}

// New returns the learning capability over c.
func New(c *core.Core) *Learn { return &Learn{Core: c} }

// Handlers are the commands learning answers.
func (b *Learn) Handlers() core.Handlers {
	return core.Handlers{Commands: map[string]core.CommandFunc{"review": b.cmdReview, "stats": b.cmdStats, "me": b.cmdMe}}
}
