package bot

import (
	"context"
	"errors"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/digest"
	"github.com/studybot/studybot/bot/render"
	"sort"
	"strings"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// HandleCommand runs a command and returns the reply. It never blocks on
// platform calls: a post-now posts in the background.
func (b *Bot) HandleCommand(ctx context.Context, c Command) Response {
	defer b.track()()
	name := strings.TrimPrefix(strings.ToLower(c.Name), "/")
	lang := b.channelLang(c.Space, c.Channel)
	spec, ok := core.LookupCommand(name)
	if !ok {
		b.metrics.Command(name)
		return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.unknown", "/"+name)})
	}
	b.metrics.Command(spec.Name)
	if _, err := b.ensureSpace(c.Space); err != nil {
		return b.internalError(lang, "ensure space", err)
	}
	return b.commands[spec.Name](ctx, c, lang)
}

// usageError and unknownQuestion are core.UsageError and core.UnknownQuestion.
var (
	usageError      = core.UsageError
	unknownQuestion = core.UnknownQuestion
)

func (b *Bot) cmdHelp(_ context.Context, _ Command, lang string) Response {
	return render.Private(helpMessage(lang))
}

func (b *Bot) parseDomain(arg string) (int, bool) { return b.core.ParseDomain(arg) }
func (b *Bot) domainChoices() string              { return b.core.DomainChoices() }

func (b *Bot) cmdQuiz(_ context.Context, c Command, lang string) Response {
	var pool []*questions.Question
	if len(c.Args) > 1 {
		return usageError(lang, T(lang, "quiz.usage"), "quiz.example")
	}
	if len(c.Args) == 1 {
		d, ok := b.parseDomain(c.Args[0])
		if !ok {
			return usageError(lang, T(lang, "domains.bad", c.Args[0], b.domainChoices()), "quiz.example")
		}
		for _, q := range b.Bank().Top(0) {
			if q.Domain == d {
				pool = append(pool, q)
			}
		}
	} else {
		pool = b.Bank().Top(0)
	}
	pool = b.core.QuizPool(c, pool)
	if len(pool) == 0 {
		return render.Private(Message{Kind: KindError, Body: T(lang, "quiz.none")})
	}
	// The most confident first: the user's n-th answer moves them down the
	// bank's draw order; the clock picks among the next three, so asking
	// again without answering shows another question. No global randomness.
	seen := 0
	if st, err := b.db.Stats(c.Space, c.User); err == nil && len(st) > 0 {
		seen = st[len(st)-1].Answered
	}
	jitter := int(uint64(b.now().UnixNano()) / 1000 % 3)
	q := pool[(seen+jitter)%len(pool)]
	return render.Private(render.PracticeCard(q, lang, b.domainLabel(lang, q.Domain, q.DomainTitle)))
}

// maxLookup is the number of lookup results shown.
const maxLookup = 5

func (b *Bot) cmdMemo(_ context.Context, c Command, lang string) Response {
	query := strings.Join(c.Args, " ")
	if strings.TrimSpace(query) == "" {
		return usageError(lang, T(lang, "memo.usage"), "memo.example")
	}
	return render.Private(render.LookupMessage(query, b.Bank().Index.Search(query, maxLookup), lang, maxLookup))
}

func windowName(lang string, w store.Window) string { return T(lang, "window."+string(w)) }

func (b *Bot) cmdLeaderboard(_ context.Context, c Command, lang string) Response {
	if c.DM {
		return render.Private(Message{Kind: KindError, Body: T(lang, "err.dm")})
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
			d, ok := b.parseDomain(a)
			if !ok && strings.ContainsAny(a, "0123456789") {
				return usageError(lang, T(lang, "domains.bad", a, b.domainChoices()), "lb.example")
			}
			if !ok {
				return usageError(lang, T(lang, "lb.usage"), "lb.example")
			}
			domain = d
		}
	}
	dl := T(lang, "domain.all")
	if domain != store.AllDomains {
		dl = b.domainLabel(lang, domain, "")
	}
	var board store.Board
	var title string
	var err error
	if accuracy {
		board, err = b.db.AccuracyBoard(c.Space, domain, window, 10, c.User)
		title = T(lang, "lb.title.acc", store.AccuracyMinAnswered, dl, windowName(lang, window))
	} else {
		board, err = b.db.Leaderboard(c.Space, domain, window, 10, c.User)
		title = T(lang, "lb.title", dl, windowName(lang, window))
	}
	if err != nil {
		return b.internalError(lang, "leaderboard", err)
	}
	mention := func(u string) string { return u }
	if plat, err := b.platform(c.Space.Platform); err == nil {
		mention = plat.Mention
	} else {
		b.log.Warn("leaderboard without mentions", "err", err)
	}
	return render.Private(render.LeaderboardMessage(board, lang, title, mention))
}

func (b *Bot) cmdStreak(_ context.Context, c Command, lang string) Response {
	s, err := b.db.GetStreak(c.Space, c.User)
	if err != nil {
		return b.internalError(lang, "streak", err)
	}
	return render.Private(render.StreakMessage(s, lang))
}

func (b *Bot) cmdExplain(_ context.Context, c Command, lang string) Response {
	if len(c.Args) != 1 {
		return usageError(lang, T(lang, "explain.usage"), "explain.example")
	}
	bank := b.Bank()
	q, err := bank.Get(c.Args[0])
	if err != nil {
		return unknownQuestion(lang, c.Args[0], "explain.example")
	}
	return render.Private(render.ExplainMessage(q, snapshotOf(bank, q), lang, b.domainLabel(lang, q.Domain, q.DomainTitle)))
}

// cmdAdmin runs a /studybot subcommand from AdminCommands.
func (b *Bot) cmdAdmin(ctx context.Context, c Command, lang string) Response {
	if !b.isAdmin(c) {
		return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.admin")})
	}
	if len(c.Args) == 0 {
		return usageError(lang, T(lang, "admin.usage", core.AdminNames()), "admin.example")
	}
	name, args := strings.ToLower(c.Args[0]), c.Args[1:]
	sub, ok := core.LookupAdmin(name)
	if !ok {
		return usageError(lang, T(lang, "err.unknown", "/studybot "+name), "admin.example")
	}
	var ch store.Channel
	if sub.Channel {
		if c.DM || c.Channel == "" {
			return render.Private(Message{Kind: KindError, Body: T(lang, "err.dm")})
		}
		var err error
		if ch, err = b.EnsureChannel(c.Space, c.Channel); err != nil {
			return b.internalError(lang, "channel", err)
		}
	}
	return b.admin[sub.Name](ctx, c, args, ch, lang)
}

// saveChannel applies edit to the stored channel in one transaction (never
// a stale copy written back), wakes the due-loop and replies with msg of
// the channel as saved.
func (b *Bot) saveChannel(c Command, lang string, edit func(*store.Channel), msg func(store.Channel) string) Response {
	saved, err := b.db.UpdateChannel(c.Space, c.Channel, func(cur *store.Channel) error { edit(cur); return nil })
	if err != nil {
		return b.internalError(lang, "save channel", err)
	}
	b.touchChannel(c.Space, c.Channel)
	return render.Private(Message{Tone: Good, Body: msg(saved)})
}

// text is a saveChannel reply that does not depend on the saved channel.
func text(lang, key string, args ...any) func(store.Channel) string {
	return func(store.Channel) string { return T(lang, key, args...) }
}

func (b *Bot) adminSchedule(_ context.Context, c Command, args []string, ch store.Channel, lang string) Response {
	if len(args) == 0 {
		return usageError(lang, T(lang, "sched.usage"), "sched.example")
	}
	tz := ch.TZ
	spec := strings.Join(args, " ")
	// a trailing argument with a slash (or UTC) is the zone
	if last := args[len(args)-1]; len(args) > 1 && (strings.Contains(last, "/") && !strings.ContainsAny(last, "*,-0123456789") || last == "UTC") {
		tz, spec = last, strings.Join(args[:len(args)-1], " ")
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return usageError(lang, T(lang, "sched.tz", tz), "sched.example")
	}
	_, err = ParseSchedule(spec, tz)
	switch {
	case errors.Is(err, ErrScheduleTooOften):
		return usageError(lang, T(lang, "sched.often", spec), "sched.example")
	case errors.Is(err, ErrScheduleNever):
		return usageError(lang, T(lang, "sched.never", spec), "sched.example")
	case err != nil:
		return usageError(lang, T(lang, "sched.bad", err), "sched.example")
	}
	now := b.now()
	return b.saveChannel(c, lang, func(cur *store.Channel) {
		cur.Cron, cur.TZ = spec, tz
		cur.SkipUntil = now // only slots after this change count; earlier ones are not caught up
	}, func(saved store.Channel) string {
		// the next post as the invariants let it come: a slot before the
		// open question's announced close, or within the hour, is skipped
		return T(lang, "sched.set", spec, tz, render.FormatTime(b.nextPostAt(saved, now), now, loc))
	})
}

func (b *Bot) adminCloseAfter(_ context.Context, c Command, args []string, _ store.Channel, lang string) Response {
	if len(args) != 1 {
		return usageError(lang, T(lang, "closeafter.usage"), "closeafter.example")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil || d < MinCloseAfter || d > MaxCloseAfter {
		return usageError(lang, T(lang, "closeafter.bad", args[0]), "closeafter.example")
	}
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.CloseAfter = d }, text(lang, "closeafter.set", d))
}

func (b *Bot) adminDomains(_ context.Context, c Command, args []string, _ store.Channel, lang string) Response {
	if len(args) == 0 {
		return usageError(lang, T(lang, "domains.usage", b.domainChoices()), "domains.example")
	}
	var ds []int
	for _, part := range strings.FieldsFunc(strings.Join(args, ","), func(r rune) bool { return r == ',' || r == ' ' || r == '、' }) {
		if strings.EqualFold(part, "all") {
			ds = nil
			break
		}
		d, ok := b.parseDomain(part)
		if !ok {
			return usageError(lang, T(lang, "domains.bad", part, b.domainChoices()), "domains.example")
		}
		ds = append(ds, d)
	}
	sort.Ints(ds)
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.Domains = ds }, text(lang, "domains.set", render.DomainList(lang, ds)))
}

func (b *Bot) adminLang(_ context.Context, c Command, args []string, _ store.Channel, lang string) Response {
	if len(args) != 1 {
		return usageError(lang, T(lang, "lang.usage"), "lang.example")
	}
	if !render.ValidLang(args[0]) {
		return usageError(lang, T(lang, "lang.bad", args[0]), "lang.example")
	}
	nl := strings.ToLower(args[0])
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.Lang = nl }, text(nl, "lang.set"))
}

func (b *Bot) adminPool(_ context.Context, c Command, args []string, _ store.Channel, lang string) Response {
	if len(args) != 1 {
		return usageError(lang, T(lang, "pool.usage"), "pool.example")
	}
	p := strings.ToLower(args[0])
	if !core.ValidPool(p) {
		return usageError(lang, T(lang, "pool.bad", args[0]), "pool.example")
	}
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.Pool = p }, text(lang, "pool.set", core.PoolName(lang, p)))
}

func (b *Bot) adminPause(_ context.Context, c Command, _ []string, _ store.Channel, lang string) Response {
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.Paused = true }, text(lang, "paused"))
}

func (b *Bot) adminResume(_ context.Context, c Command, _ []string, _ store.Channel, lang string) Response {
	now := b.now()
	return b.saveChannel(c, lang, func(cur *store.Channel) {
		cur.Paused = false
		cur.SkipUntil = now // no catch-up for slots skipped while paused
	}, func(saved store.Channel) string {
		next := ""
		if s, err := channelSchedule(saved); err == nil {
			next = render.FormatTime(s.Next(now), now, saved.Location())
		}
		return T(lang, "resumed", next)
	})
}

func (b *Bot) adminPostNow(_ context.Context, c Command, _ []string, ch store.Channel, lang string) Response {
	sp, id := c.Space, c.Channel
	// the channel's pace and its open question's announced close hold for
	// a post-now too (cadence.go): refused here with the time it may come
	if prev, err := b.db.LatestPost(sp, id); err == nil {
		now := b.now()
		if v, at, err := gate(prev, true, now, now, -1); v != gatePost {
			key := "postnow.soon"
			if errors.Is(err, ErrQuestionOpen) {
				key = "postnow.open"
			}
			return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, key, render.FormatTime(at, now, ch.Location()))})
		}
	}
	if !b.begin() {
		return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.internal")})
	}
	go func() { // tracked by begin: Close waits for it
		defer b.core.Done()
		// the bot's context, not the request's: the reply goes out first
		if _, err := b.PostNow(b.core.Context(), sp, id); err != nil && !errors.Is(err, store.ErrSlotTaken) &&
			!errors.Is(err, ErrQuestionOpen) && !errors.Is(err, ErrTooSoon) {
			b.log.Error("post now", "err", err)
		}
	}()
	return render.Private(Message{Tone: Good, Body: T(lang, "postnow")})
}

func (b *Bot) adminStatus(_ context.Context, _ Command, _ []string, ch store.Channel, lang string) Response {
	return render.Private(b.status(ch, lang))
}

// status gathers what /studybot status shows and renders it.
func (b *Bot) status(ch store.Channel, lang string) Message {
	v := render.StatusView{Now: b.now(), Bank: len(b.Bank().Questions), Pool: core.PoolName(lang, core.ChannelPool(ch)), Digest: digest.DigestState(lang, ch)}
	v.ReloadErr, v.ReloadAt = b.LastReloadError()
	if s, err := channelSchedule(ch); err == nil && !ch.Paused {
		v.Next = s.Next(v.Now)
	}
	if p, err := b.db.LatestPost(ch.Space, ch.ID); err == nil && !p.Closed {
		v.Open = p.Question.QuestionID
	}
	return render.StatusMessage(ch, lang, v)
}
