package digest

import (
	"sync"
	"time"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/store"
)

// Team gives the digest the team's readiness (bot/learn implements it).
type Team interface {
	TeamReadiness(sp core.Space, at time.Time) (core.TeamReadiness, error)
}

// Weekly is the weekly digest capability: it claims a channel's digest
// when the due-loop says it is due, counts the week from the store, and
// posts the text with its chart; /studybot digest sets it up.
type Weekly struct {
	*core.Core
	team    Team
	digests chan struct{} // bounds the digests rendered at once (digestWorkers)
	pendMu  sync.Mutex
	pending []store.Channel // digests claimed in this due pass, started when it ends
}

// NewWeekly returns the weekly digest capability over c; team gives it the
// team's readiness.
func NewWeekly(c *core.Core, team Team) *Weekly {
	return &Weekly{Core: c, team: team, digests: make(chan struct{}, digestWorkers)}
}

// Handlers are the commands the digest answers.
func (b *Weekly) Handlers() core.Handlers {
	return core.Handlers{Admin: map[string]core.AdminFunc{"digest": b.adminDigest}}
}

// State is the channel's digest setting as /studybot status shows it.
func (b *Weekly) State(lang string, ch store.Channel) string { return DigestState(lang, ch) }

// digestReadiness is the space's team readiness at now for the weekly
// digest's text (nil when nobody has answered).
func (b *Weekly) digestReadiness(sp core.Space, now time.Time) (*Readiness, error) {
	t, err := b.team.TeamReadiness(sp, now)
	if err != nil || t.Members == 0 {
		return nil, err
	}
	r := &Readiness{Members: t.Members, Overall: t.Overall}
	for _, d := range t.Domains {
		r.Domains = append(r.Domains, DomainReadiness{Number: d.Domain, Title: d.Title, Recall: d.Recall, Studied: d.Studied})
	}
	return r, nil
}
