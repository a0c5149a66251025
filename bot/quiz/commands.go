package quiz

import (
	"context"
	"errors"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"sort"
	"strings"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

func (b *Quiz) cmdQuiz(_ context.Context, c core.Command, lang string) render.Response {
	var pool []*questions.Question
	if len(c.Args) > 1 {
		return core.UsageError(lang, render.T(lang, "quiz.usage"), "quiz.example")
	}
	if len(c.Args) == 1 {
		d, ok := b.ParseDomain(c.Args[0])
		if !ok {
			return core.UsageError(lang, render.T(lang, "domains.bad", c.Args[0], b.DomainChoices()), "quiz.example")
		}
		for _, q := range b.Bank().Top(0) {
			if q.Domain == d {
				pool = append(pool, q)
			}
		}
	} else {
		pool = b.Bank().Top(0)
	}
	pool = b.QuizPool(c, pool)
	if len(pool) == 0 {
		return render.Private(render.Message{Kind: render.KindError, Body: render.T(lang, "quiz.none")})
	}
	// The most confident first: the user's n-th answer moves them down the
	// bank's draw order; the clock picks among the next three, so asking
	// again without answering shows another question. No global randomness.
	seen := 0
	if st, err := b.DB.Stats(c.Space, c.User); err == nil && len(st) > 0 {
		seen = st[len(st)-1].Answered
	}
	jitter := int(uint64(b.Now().UnixNano()) / 1000 % 3)
	q := pool[(seen+jitter)%len(pool)]
	return render.Private(render.PracticeCard(q, lang, b.DomainLabel(lang, q.Domain, q.DomainTitle)))
}

// maxLookup is the number of lookup results shown.
const maxLookup = 5

func (b *Quiz) cmdMemo(_ context.Context, c core.Command, lang string) render.Response {
	query := strings.Join(c.Args, " ")
	if strings.TrimSpace(query) == "" {
		return core.UsageError(lang, render.T(lang, "memo.usage"), "memo.example")
	}
	return render.Private(render.LookupMessage(query, b.Bank().Index.Search(query, maxLookup), lang, maxLookup))
}

func windowName(lang string, w store.Window) string { return render.T(lang, "window."+string(w)) }

func (b *Quiz) cmdLeaderboard(_ context.Context, c core.Command, lang string) render.Response {
	if c.DM {
		return render.Private(render.Message{Kind: render.KindError, Body: render.T(lang, "err.dm")})
	}
	domain, window, accuracy := store.AllDomains, store.Week, false
	for _, a := range c.Args {
		switch strings.ToLower(a) {
		case "accuracy", "acc", "正解率":
			accuracy = true
		case "week", "今週":
			window = store.Week
		case "month", "今月":
			window = store.Month
		case "all", "全期間":
			window = store.All
		default:
			d, ok := b.ParseDomain(a)
			if !ok && strings.ContainsAny(a, "0123456789") {
				return core.UsageError(lang, render.T(lang, "domains.bad", a, b.DomainChoices()), "lb.example")
			}
			if !ok {
				return core.UsageError(lang, render.T(lang, "lb.usage"), "lb.example")
			}
			domain = d
		}
	}
	dl := render.T(lang, "domain.all")
	if domain != store.AllDomains {
		dl = b.DomainLabel(lang, domain, "")
	}
	var board store.Board
	var title string
	var err error
	if accuracy {
		board, err = b.DB.AccuracyBoard(c.Space, domain, window, 10, c.User)
		title = render.T(lang, "lb.title.acc", store.AccuracyMinAnswered, dl, windowName(lang, window))
	} else {
		board, err = b.DB.Leaderboard(c.Space, domain, window, 10, c.User)
		title = render.T(lang, "lb.title", dl, windowName(lang, window))
	}
	if err != nil {
		return b.InternalError(lang, "leaderboard", err)
	}
	mention := func(u string) string { return u }
	if plat, err := b.Platform(c.Space.Platform); err == nil {
		mention = plat.Mention
	} else {
		b.Log.Warn("leaderboard without mentions", "err", err)
	}
	return render.Private(render.LeaderboardMessage(board, lang, title, mention))
}

func (b *Quiz) cmdStreak(_ context.Context, c core.Command, lang string) render.Response {
	s, err := b.DB.GetStreak(c.Space, c.User)
	if err != nil {
		return b.InternalError(lang, "streak", err)
	}
	return render.Private(render.StreakMessage(s, lang))
}

func (b *Quiz) cmdExplain(_ context.Context, c core.Command, lang string) render.Response {
	if len(c.Args) != 1 {
		return core.UsageError(lang, render.T(lang, "explain.usage"), "explain.example")
	}
	bank := b.Bank()
	q, err := bank.Get(c.Args[0])
	if err != nil {
		return core.UnknownQuestion(lang, c.Args[0], "explain.example")
	}
	return render.Private(render.ExplainMessage(q, snapshotOf(bank, q), lang, b.DomainLabel(lang, q.Domain, q.DomainTitle)))
}

// saveChannel applies edit to the stored channel in one transaction (never
// a stale copy written back), wakes the due-loop and replies with msg of
// the channel as saved.
func (b *Quiz) saveChannel(c core.Command, lang string, edit func(*store.Channel), msg func(store.Channel) string) render.Response {
	saved, err := b.DB.UpdateChannel(c.Space, c.Channel, func(cur *store.Channel) error { edit(cur); return nil })
	if err != nil {
		return b.InternalError(lang, "save channel", err)
	}
	b.Touch(c.Space, c.Channel)
	return render.Private(render.Message{Tone: render.Good, Body: msg(saved)})
}

// text is a saveChannel reply that does not depend on the saved channel.
func text(lang, key string, args ...any) func(store.Channel) string {
	return func(store.Channel) string { return render.T(lang, key, args...) }
}

func (b *Quiz) adminSchedule(_ context.Context, c core.Command, args []string, ch store.Channel, lang string) render.Response {
	if len(args) == 0 {
		return core.UsageError(lang, render.T(lang, "sched.usage"), "sched.example")
	}
	tz := ch.TZ
	spec := strings.Join(args, " ")
	// a trailing argument with a slash (or UTC) is the zone
	if last := args[len(args)-1]; len(args) > 1 && (strings.Contains(last, "/") && !strings.ContainsAny(last, "*,-0123456789") || last == "UTC") {
		tz, spec = last, strings.Join(args[:len(args)-1], " ")
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return core.UsageError(lang, render.T(lang, "sched.tz", tz), "sched.example")
	}
	_, err = ParseSchedule(spec, tz)
	switch {
	case errors.Is(err, core.ErrScheduleTooOften):
		return core.UsageError(lang, render.T(lang, "sched.often", spec), "sched.example")
	case errors.Is(err, core.ErrScheduleNever):
		return core.UsageError(lang, render.T(lang, "sched.never", spec), "sched.example")
	case err != nil:
		return core.UsageError(lang, render.T(lang, "sched.bad", err), "sched.example")
	}
	now := b.Now()
	return b.saveChannel(c, lang, func(cur *store.Channel) {
		cur.Cron, cur.TZ = spec, tz
		cur.SkipUntil = now // only slots after this change count; earlier ones are not caught up
	}, func(saved store.Channel) string {
		// the next post as the invariants let it come: a slot before the
		// open question's announced close, or within the hour, is skipped
		return render.T(lang, "sched.set", spec, tz, render.FormatTime(b.nextPostAt(saved, now), now, loc))
	})
}

func (b *Quiz) adminCloseAfter(_ context.Context, c core.Command, args []string, _ store.Channel, lang string) render.Response {
	if len(args) != 1 {
		return core.UsageError(lang, render.T(lang, "closeafter.usage"), "closeafter.example")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil || d < MinCloseAfter || d > MaxCloseAfter {
		return core.UsageError(lang, render.T(lang, "closeafter.bad", args[0]), "closeafter.example")
	}
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.CloseAfter = d }, text(lang, "closeafter.set", d))
}

func (b *Quiz) adminDomains(_ context.Context, c core.Command, args []string, _ store.Channel, lang string) render.Response {
	if len(args) == 0 {
		return core.UsageError(lang, render.T(lang, "domains.usage", b.DomainChoices()), "domains.example")
	}
	var ds []int
	for _, part := range strings.FieldsFunc(strings.Join(args, ","), func(r rune) bool { return r == ',' || r == ' ' || r == '、' }) {
		if strings.EqualFold(part, "all") {
			ds = nil
			break
		}
		d, ok := b.ParseDomain(part)
		if !ok {
			return core.UsageError(lang, render.T(lang, "domains.bad", part, b.DomainChoices()), "domains.example")
		}
		ds = append(ds, d)
	}
	sort.Ints(ds)
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.Domains = ds }, text(lang, "domains.set", render.DomainList(lang, ds)))
}

func (b *Quiz) adminLang(_ context.Context, c core.Command, args []string, _ store.Channel, lang string) render.Response {
	if len(args) != 1 {
		return core.UsageError(lang, render.T(lang, "lang.usage"), "lang.example")
	}
	if !render.ValidLang(args[0]) {
		return core.UsageError(lang, render.T(lang, "lang.bad", args[0]), "lang.example")
	}
	nl := strings.ToLower(args[0])
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.Lang = nl }, text(nl, "lang.set"))
}

func (b *Quiz) adminPool(_ context.Context, c core.Command, args []string, _ store.Channel, lang string) render.Response {
	if len(args) != 1 {
		return core.UsageError(lang, render.T(lang, "pool.usage"), "pool.example")
	}
	p := strings.ToLower(args[0])
	if !core.ValidPool(p) {
		return core.UsageError(lang, render.T(lang, "pool.bad", args[0]), "pool.example")
	}
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.Pool = p }, text(lang, "pool.set", core.PoolName(lang, p)))
}

func (b *Quiz) adminPause(_ context.Context, c core.Command, _ []string, _ store.Channel, lang string) render.Response {
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.Paused = true }, text(lang, "paused"))
}

func (b *Quiz) adminResume(_ context.Context, c core.Command, _ []string, _ store.Channel, lang string) render.Response {
	now := b.Now()
	return b.saveChannel(c, lang, func(cur *store.Channel) {
		cur.Paused = false
		cur.SkipUntil = now // no catch-up for slots skipped while paused
	}, func(saved store.Channel) string {
		next := ""
		if s, err := channelSchedule(saved); err == nil {
			next = render.FormatTime(s.Next(now), now, saved.Location())
		}
		return render.T(lang, "resumed", next)
	})
}

func (b *Quiz) adminPostNow(_ context.Context, c core.Command, _ []string, ch store.Channel, lang string) render.Response {
	sp, id := c.Space, c.Channel
	// the channel's pace and its open question's announced close hold for
	// a post-now too (cadence.go): refused here with the time it may come
	if prev, err := b.DB.LatestPost(sp, id); err == nil {
		now := b.Now()
		if v, at, err := gate(prev, true, now, now, -1); v != gatePost {
			key := "postnow.soon"
			if errors.Is(err, core.ErrQuestionOpen) {
				key = "postnow.open"
			}
			return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, key, render.FormatTime(at, now, ch.Location()))})
		}
	}
	if !b.Begin() {
		return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "err.internal")})
	}
	go func() { // tracked by begin: Close waits for it
		defer b.Done()
		// the bot's context, not the request's: the reply goes out first
		if _, err := b.PostNow(b.Context(), sp, id); err != nil && !errors.Is(err, store.ErrSlotTaken) &&
			!errors.Is(err, core.ErrQuestionOpen) && !errors.Is(err, core.ErrTooSoon) {
			b.Log.Error("post now", "err", err)
		}
	}()
	return render.Private(render.Message{Tone: render.Good, Body: render.T(lang, "postnow")})
}

func (b *Quiz) adminStatus(_ context.Context, _ core.Command, _ []string, ch store.Channel, lang string) render.Response {
	return render.Private(b.status(ch, lang))
}

// status gathers what /studybot status shows and renders it.
func (b *Quiz) status(ch store.Channel, lang string) render.Message {
	v := render.StatusView{Now: b.Now(), Bank: len(b.Bank().Questions), Pool: core.PoolName(lang, core.ChannelPool(ch)), Digest: b.digests.State(lang, ch)}
	v.ReloadErr, v.ReloadAt = b.reloads.LastReloadError()
	if s, err := channelSchedule(ch); err == nil && !ch.Paused {
		v.Next = s.Next(v.Now)
	}
	if p, err := b.DB.LatestPost(ch.Space, ch.ID); err == nil && !p.Closed {
		v.Open = p.Question.QuestionID
	}
	return render.StatusMessage(ch, lang, v)
}
