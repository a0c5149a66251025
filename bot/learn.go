package bot

import (
	"time"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/learn"
)

// Learning's names (see bot/learn and bot/core).
type (
	// TeamReadiness is core.TeamReadiness: a space's exam readiness as a team.
	TeamReadiness = core.TeamReadiness
	// DomainReadiness is core.DomainReadiness: the team's readiness in one domain.
	DomainReadiness = core.DomainReadiness
)

// DefaultReviewNewPerDay is Config.ReviewNewPerDay when unset.
const DefaultReviewNewPerDay = learn.DefaultReviewNewPerDay

// TeamReadiness computes the team readiness of a space at a time (see
// learn.Learn.TeamReadiness).
func (b *Bot) TeamReadiness(sp Space, at time.Time) (TeamReadiness, error) {
	return b.learn.TeamReadiness(sp, at)
}
