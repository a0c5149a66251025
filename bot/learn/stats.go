package learn

import (
	"context"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"

	"github.com/studybot/studybot/store"
)

// cmdStats is /stats: the user's accuracy per domain and, once they have
// review cards, their readiness.
func (b *Learn) cmdStats(_ context.Context, c core.Command, lang string) render.Response {
	st, err := b.DB.Stats(c.Space, c.User)
	if err != nil {
		return b.InternalError(lang, "stats", err)
	}
	label := func(d int) string { return b.DomainLabel(lang, d, "") }
	m := render.StatsMessage(st, lang, label, b.Now(), store.Space{TZ: b.Cfg.TZ}.Location())
	ls, err := b.learnState(c)
	if err != nil {
		return b.InternalError(lang, "stats cards", err)
	}
	weights := map[int]float64{}
	for _, d := range b.Bank().Memo.Domains {
		weights[d.Number] = d.Weight
	}
	if len(ls.items) > 0 {
		m.Fields = append(m.Fields, readinessFields(ls.readiness(b.Now(), weights), lang, label)...)
	}
	return render.Private(m)
}
