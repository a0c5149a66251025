package learn

import (
	"context"
	"errors"
	"fmt"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/pace"
	"github.com/studybot/studybot/bot/render"
	"strings"
	"time"

	"github.com/studybot/studybot/store"
)

// Review reminders: /review remind <HH:MM>|off and /review tz <zone> set
// them; the due-loop sends them (runReminders). A reminder is a render.Private
// message at the user's local time of day, at most once per local day and
// only when review items are due at that time.
//
// Each reminder is stored with the time the loop should next look at it,
// and the store indexes reminders by that time: a turn of the loop reads
// the due ones only, and the loop's sleep ends at the soonest one, so no
// turn scans every user. The day is claimed in the store (Reminder.Last)
// in the same transaction that hands the reminder out, before anything is
// sent, so a restart or a second pass never sends it twice; a crash
// between the claim and the send loses that day's reminder instead.

// Reminder delivery limits.
const (
	// remindTries is how many sends of one day's reminder are tried
	// before that day is given up.
	remindTries = 3
	// remindMaxFailedDays is how many days in a row may fail before the
	// reminder stops (marked blocked, like a refusal).
	remindMaxFailedDays = 3
	// remindBatch is how many due reminders one store transaction claims.
	remindBatch = 1000
)

// remindRetry is the wait before retry n (from 1) of a failed reminder.
var remindRetry = [remindTries - 1]time.Duration{time.Minute, 10 * time.Minute}

// clockText writes minutes after midnight as "HH:MM".
func clockText(at int) string { return fmt.Sprintf("%02d:%02d", at/60, at%60) }

// zoneOf returns the named zone (the default zone when unknown).
func zoneOf(tz string) *time.Location { return store.Space{TZ: tz}.Location() }

// localDay is t's calendar date in loc as a day count, blind to DST.
func localDay(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// fireOn is the instant of the local time of day at (minutes) on day in
// loc. In a spring-forward gap Go picks an instant next to it; on a
// fall-back day the earlier of the two; either way the day's claim keeps
// it to one reminder.
func fireOn(day int64, at int, loc *time.Location) time.Time {
	y, m, d := time.Unix(day*86400, 0).UTC().Date()
	return time.Date(y, m, d, at/60, at%60, 0, 0, loc)
}

// nextFire is when a reminder should next go out, at or after now: today's
// time unless it has passed or today's reminder was already claimed (in
// the user's current zone), else the next day's. Zero when off or blocked.
func nextFire(r store.Reminder, now time.Time) time.Time {
	if !r.On || r.Blocked {
		return time.Time{}
	}
	loc := zoneOf(r.TZ)
	day := localDay(now, loc)
	if !r.Last.IsZero() {
		if last := localDay(r.Last, loc); last >= day {
			return fireOn(last+1, r.At, loc)
		}
	}
	if f := fireOn(day, r.At, loc); !f.Before(now) {
		return f
	}
	return fireOn(day+1, r.At, loc)
}

// claimReminder decides, in the store's transaction, whether a due
// reminder is sent now: a retry of today's failed reminder, or today's
// first once its time has come (and not more than grace ago: after a
// longer downtime the day is skipped). It claims the day (Last = now) and
// moves Next to the next day's time. It reads nothing but r.
func claimReminder(r *store.Reminder, now time.Time, grace time.Duration) bool {
	if !r.On || r.Blocked {
		r.Next = time.Time{}
		return false
	}
	loc := zoneOf(r.TZ)
	today := localDay(now, loc)
	if !r.Last.IsZero() {
		last := localDay(r.Last, loc)
		if last == today && r.Tries > 0 { // a retry of today's reminder
			r.Next = fireOn(today+1, r.At, loc)
			return true
		}
		if last >= today {
			r.Next = fireOn(last+1, r.At, loc)
			return false
		}
	}
	fire := fireOn(today, r.At, loc)
	if now.Before(fire) {
		r.Next = fire
		return false
	}
	r.Tries = 0
	r.Next = fireOn(today+1, r.At, loc)
	if now.Sub(fire) > grace {
		return false // missed while down for long: the next day's
	}
	r.Last = now.UTC()
	return true
}

// RunReminders sends the reminders due at now: it claims them in the
// store (a batch at a time), counts each user's due items and sends a
// private message to those who have some, from the posting workers. A
// failure is handled by reminderDone.
func (b *Learn) RunReminders(ctx context.Context, now time.Time) {
	var live map[string]bool
	for range 1000 { // each round moves every due reminder's Next past now
		claimed, err := b.DB.DueReminders(now, remindBatch, func(r *store.Reminder) bool { return claimReminder(r, now, b.Cfg.Grace) })
		if err != nil {
			b.Log.Error("reminders: claim", "err", err)
			b.Metrics.Error("store")
			return
		}
		if len(claimed) > 0 {
			if live == nil {
				live = b.liveItems()
			}
			pace.Parallel(pace.Workers, len(claimed), func(i int) { b.sendReminder(ctx, claimed[i], now, live) })
		}
		next, err := b.DB.NextReminder()
		if err != nil || next.IsZero() || next.After(now) || ctx.Err() != nil {
			return
		}
	}
}

// liveItems is the set of memo items review draws from (the bank's items
// with a question not rejected in chat).
func (b *Learn) liveItems() map[string]bool {
	qs := b.QuizPool(core.Command{DM: true}, b.Bank().Top(0))
	live := make(map[string]bool, len(qs))
	for _, q := range qs {
		live[q.Item] = true
	}
	return live
}

// dueItems counts the user's cards of live items due at now.
func (b *Learn) dueItems(sp core.Space, user string, now time.Time, live map[string]bool) (int, error) {
	cards, err := b.DB.Cards(sp, user)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range cards {
		if c := &cards[i]; c.Reps > 0 && live[c.Item] && !c.Due.After(now) {
			n++
		}
	}
	return n, nil
}

// sendReminder sends one claimed reminder when the user has items due.
func (b *Learn) sendReminder(ctx context.Context, r store.Reminder, now time.Time, live map[string]bool) {
	defer b.Track()()
	n, err := b.dueItems(r.Space, r.User, now, live)
	if err != nil {
		b.reminderDone(r, now, fmt.Errorf("count due items: %w", err))
		return
	}
	if n == 0 {
		return // nothing due at the user's time: no reminder today
	}
	p, err := b.Platform(r.Space.Platform)
	if err != nil {
		b.reminderDone(r, now, err)
		return
	}
	dm, ok := p.(core.DirectMessenger)
	if !ok {
		b.reminderDone(r, now, fmt.Errorf("platform %s has no direct messages: %w", p.Name(), core.ErrDMBlocked))
		return
	}
	lang := r.Lang
	if lang == "" {
		lang = b.Cfg.Lang
	}
	m := render.Message{Kind: render.KindText, Title: render.T(lang, "remind.title"), Body: render.T(lang, "remind.body", n),
		Context: render.T(lang, "remind.context", clockText(r.At), r.TZ)}
	cctx, cancel := b.CallCtx(ctx)
	err = dm.DM(cctx, r.User, m)
	cancel()
	b.reminderDone(r, now, err)
}

// reminderDone records how a claimed reminder went: a refusal (or days of
// failures) stops reminders for the user until they set them again; any
// other failure is tried again after remindRetry, at most remindTries
// times that day. Nothing changes if the user changed the reminder
// meanwhile (its claim differs).
func (b *Learn) reminderDone(r store.Reminder, now time.Time, sendErr error) {
	if sendErr == nil && r.Tries == 0 && r.FailedDays == 0 {
		return // the claim already says it all
	}
	if sendErr != nil {
		b.Log.Warn("review reminder not delivered", "space", r.Space.String(), "user", r.User, "try", r.Tries+1, "err", sendErr)
		b.Metrics.Error("dm")
	}
	_, err := b.DB.UpdateReminder(r.Space, r.User, func(cur *store.Reminder, found bool) error {
		if !found || !cur.Last.Equal(r.Last) || !cur.On || cur.Blocked {
			return nil // changed meanwhile
		}
		switch {
		case sendErr == nil:
			cur.Tries, cur.FailedDays = 0, 0
		case errors.Is(sendErr, core.ErrDMBlocked):
			cur.Blocked, cur.Next = true, time.Time{}
		default:
			cur.Tries++
			if cur.Tries < remindTries {
				cur.Next = now.Add(remindRetry[cur.Tries-1])
				return nil
			}
			cur.Tries = 0
			cur.FailedDays++
			if cur.FailedDays >= remindMaxFailedDays {
				cur.Blocked, cur.Next = true, time.Time{}
			} else {
				cur.Next = nextFire(*cur, now)
			}
		}
		return nil
	})
	if err != nil {
		b.Log.Error("reminders: record delivery", "user", r.User, "err", err)
		b.Metrics.Error("store")
	}
}

// NextReminder is the soonest time a reminder is due (zero: none).
func (b *Learn) NextReminder() time.Time {
	t, err := b.DB.NextReminder()
	if err != nil {
		b.Log.Error("next event: reminders", "err", err)
	}
	return t
}

// cmdReviewSettings is /review remind … and /review tz ….
func (b *Learn) cmdReviewSettings(c core.Command, lang string) render.Response {
	switch sub := strings.ToLower(c.Args[0]); {
	case sub == "remind" && len(c.Args) <= 2:
		if len(c.Args) == 1 {
			return b.remindStatus(c, lang)
		}
		return b.setRemind(c, c.Args[1], lang)
	case sub == "tz" && len(c.Args) <= 2:
		if len(c.Args) == 1 {
			return b.remindStatus(c, lang)
		}
		return b.setZone(c, c.Args[1], lang)
	}
	return core.UsageError(lang, render.T(lang, "learn.usage"), "learn.example")
}

// defaultZone is the zone a user's reminder starts in: the channel's
// where the command came from, else the space's.
func (b *Learn) defaultZone(c core.Command) string {
	if !c.DM && c.Channel != "" {
		if ch, err := b.DB.GetChannel(c.Space, c.Channel); err == nil && ch.TZ != "" {
			return ch.TZ
		}
	}
	if sp, err := b.EnsureSpace(c.Space); err == nil && sp.TZ != "" {
		return sp.TZ
	}
	return b.Cfg.TZ
}

// setRemind is /review remind <HH:MM>|off.
func (b *Learn) setRemind(c core.Command, arg, lang string) render.Response {
	off := strings.EqualFold(arg, "off")
	at, ok := core.ParseClock(arg)
	if !off && !ok {
		return core.UsageError(lang, render.T(lang, "remind.badtime", arg), "learn.example")
	}
	if !off {
		p, err := b.Platform(c.Space.Platform)
		if _, dm := p.(core.DirectMessenger); err != nil || !dm {
			return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "remind.nodm")})
		}
	}
	now := b.Now()
	zone := b.defaultZone(c)
	r, err := b.DB.UpdateReminder(c.Space, c.User, func(r *store.Reminder, _ bool) error {
		if off {
			r.On = false
		} else {
			r.On, r.At, r.Blocked, r.Tries, r.FailedDays = true, at, false, 0, 0
		}
		if r.TZ == "" {
			r.TZ = zone
		}
		r.Lang = lang
		r.Next = nextFire(*r, now)
		return nil
	})
	if err != nil {
		return b.InternalError(lang, "set reminder", err)
	}
	b.Wake()
	if off {
		return render.Private(render.Message{Tone: render.Good, Body: render.T(lang, "remind.off")})
	}
	loc := zoneOf(r.TZ)
	return render.Private(render.Message{Tone: render.Good, Body: render.T(lang, "remind.set", clockText(r.At), r.TZ, render.FormatTime(r.Next, now, loc))})
}

// validZone reports whether name is an IANA zone name studybot accepts
// ("Local" is the server's zone, not a user's).
func validZone(name string) bool {
	if name == "" || strings.EqualFold(name, "local") {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// setZone is /review tz <zone>.
func (b *Learn) setZone(c core.Command, zone, lang string) render.Response {
	if !validZone(zone) {
		return core.UsageError(lang, render.T(lang, "remind.badtz", zone), "learn.example.tz")
	}
	now := b.Now()
	r, err := b.DB.UpdateReminder(c.Space, c.User, func(r *store.Reminder, found bool) error {
		if !found {
			r.Lang = lang
		}
		r.TZ = zone
		r.Next = nextFire(*r, now)
		return nil
	})
	if err != nil {
		return b.InternalError(lang, "set reminder zone", err)
	}
	b.Wake()
	loc := zoneOf(r.TZ)
	body := render.T(lang, "remind.tz", r.TZ, now.In(loc).Format("15:04"))
	if !r.Next.IsZero() {
		body += "\n" + render.T(lang, "remind.next", render.FormatTime(r.Next, now, loc))
	}
	return render.Private(render.Message{Tone: render.Good, Body: body})
}

// remindStatus shows the user's reminder and zone.
func (b *Learn) remindStatus(c core.Command, lang string) render.Response {
	r, err := b.DB.GetReminder(c.Space, c.User)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return b.InternalError(lang, "reminder", err)
	}
	if r.TZ == "" {
		r.TZ = b.defaultZone(c)
	}
	now := b.Now()
	loc := zoneOf(r.TZ)
	var body string
	switch {
	case r.On && r.Blocked:
		body = render.T(lang, "remind.blocked", clockText(r.At))
	case r.On:
		body = render.T(lang, "remind.status", clockText(r.At), r.TZ, render.FormatTime(nextFire(r, now), now, loc))
	default:
		body = render.T(lang, "remind.none")
	}
	body += "\n" + render.T(lang, "remind.zone", r.TZ, now.In(loc).Format("15:04"))
	return render.Private(render.Message{Body: body})
}
