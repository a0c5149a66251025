package learn

import (
	"context"
	"errors"
	"time"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"github.com/studybot/studybot/store"
)

// cmdMe is /me: the user's own progress view (Slack shows the same as
// its App Home tab).
func (b *Learn) cmdMe(_ context.Context, c core.Command, lang string) render.Response {
	v, err := b.Me(c, lang)
	if err != nil {
		return b.InternalError(lang, "me", err)
	}
	return render.Response{Private: true, Messages: render.MeMessages(v, lang)}
}

// Me computes the progress view of c's user in c's space: streak and best
// streak, today's questions in the space's channels (answered or not),
// review items due now, readiness per domain and the weakest one, the
// review reminder and its zone, and for admins (core.IsAdmin) how many
// questions wait for review and how many are flagged or reported. lang
// only labels the domains.
func (b *Learn) Me(c core.Command, lang string) (render.Me, error) {
	var v render.Me
	now := b.Now()
	if _, err := b.EnsureSpace(c.Space); err != nil {
		return v, err
	}
	st, err := b.DB.GetStreak(c.Space, c.User)
	if err != nil {
		return v, err
	}
	v.Streak, v.BestStreak = st.Current, st.Best
	if v.Today, err = b.today(c, lang, now); err != nil {
		return v, err
	}
	// the whole bank, as review draws from it (the same as the reminders')
	personal := core.Command{Space: c.Space, User: c.User, DM: true}
	ls, err := b.learnState(personal)
	if err != nil {
		return v, err
	}
	for _, it := range ls.items {
		if it.card != nil && it.card.Reps > 0 && !it.card.Due.After(now) {
			v.Due++
		}
	}
	weights := map[int]float64{}
	for _, d := range b.Bank().Memo.Domains {
		weights[d.Number] = d.Weight
	}
	r := ls.readiness(now, weights)
	v.Overall = r.overall
	for _, d := range r.domains {
		v.Studied += d.seen
		v.Domains = append(v.Domains, render.MeDomain{Label: b.DomainLabel(lang, d.domain, ""), Recall: d.recall, Seen: d.seen, Items: d.items})
	}
	if r.weakest >= 0 {
		v.Weakest = b.DomainLabel(lang, r.weakest, "")
	}
	if v.Reminder, err = b.meReminder(c, now); err != nil {
		return v, err
	}
	if b.IsAdmin(c) {
		if v.Admin, err = b.meAdmin(c); err != nil {
			return v, err
		}
	}
	return v, nil
}

// today lists the space's questions opened today (in each channel's
// zone) or still open, one per channel: its latest post. A workspace's
// channel list is not the user's, so every channel with a question today
// is listed (render.MeMessages shows the first few).
func (b *Learn) today(c core.Command, lang string, now time.Time) ([]render.MeToday, error) {
	chans, err := b.DB.Channels()
	if err != nil {
		return nil, err
	}
	var out []render.MeToday
	for _, ch := range chans {
		if ch.Space != c.Space {
			continue
		}
		p, err := b.DB.LatestPost(c.Space, ch.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		loc := zoneOf(ch.TZ)
		if p.Closed && localDay(p.OpenedAt, loc) != localDay(now, loc) {
			continue
		}
		t := render.MeToday{PostID: p.ID, Number: p.Number, Domain: b.DomainLabel(lang, p.Question.Domain, p.Question.DomainTitle),
			Closed: p.Closed, Closes: render.FormatTime(p.ClosesAt, now, loc)}
		switch _, err := b.DB.GetAnswer(p.ID, c.User); {
		case err == nil:
			t.Answered = true
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// meReminder is the user's reminder as the view shows it.
func (b *Learn) meReminder(c core.Command, now time.Time) (render.MeReminder, error) {
	r, err := b.DB.GetReminder(c.Space, c.User)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return render.MeReminder{}, err
	}
	if r.TZ == "" {
		r.TZ = b.defaultZone(c)
	}
	out := render.MeReminder{On: r.On, Blocked: r.Blocked, At: clockText(r.At), TZ: r.TZ}
	if next := nextFire(r, now); !next.IsZero() {
		out.Next = render.FormatTime(next, now, zoneOf(r.TZ))
	}
	p, err := b.Platform(c.Space.Platform)
	if _, dm := p.(core.DirectMessenger); err != nil || !dm {
		out.NoDM = true
	}
	return out, nil
}

// meAdmin counts what waits for an admin: questions with no review
// decision yet (that this admin did not skip), as /studybot review goes
// through them, and questions flagged by their answers or reported.
func (b *Learn) meAdmin(c core.Command) (*render.MeAdmin, error) {
	flags, err := b.ItemFlags(c.Space)
	if err != nil {
		return nil, err
	}
	a := &render.MeAdmin{Flagged: len(flags)}
	for _, q := range b.Bank().Top(0) {
		if !b.Verdicts.Approved(q) && !b.Verdicts.Rejected(q) && !b.Verdicts.Skipped(c.Space, c.User, q.ID) {
			a.Drafts++
		}
	}
	_, a.Web = core.LookupAdmin("web")
	return a, nil
}
