package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
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
	spec, ok := lookupCommand(name)
	if !ok {
		b.metrics.Command(name)
		return private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.unknown", "/"+name)})
	}
	b.metrics.Command(spec.Name)
	if _, err := b.ensureSpace(c.Space); err != nil {
		return b.internalError(lang, "ensure space", err)
	}
	return spec.run(b, ctx, c, lang)
}

// usageError says what went wrong with the arguments (what) and shows the
// example of the command's registry entry (exampleKey).
func usageError(lang, what, exampleKey string) Response {
	return private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.args", what, T(lang, exampleKey))})
}

// unknownQuestion is the friendly answer to a question ID the bank lacks
// (never the Go error).
func unknownQuestion(lang, id, exampleKey string) Response {
	return usageError(lang, T(lang, "question.unknown", id), exampleKey)
}

func (b *Bot) cmdHelp(_ context.Context, _ Command, lang string) Response {
	return private(helpMessage(lang))
}

// parseDomain reads "3" (or "第3分野", "d3") as a domain number the bank has.
func (b *Bot) parseDomain(arg string) (int, bool) {
	s := strings.TrimSpace(arg)
	s = strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(s), "d"), "第")
	s = strings.TrimSuffix(s, "分野")
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n == questions.OtherDomain || b.bank.Memo.Domain(n) == nil {
		return 0, false
	}
	return n, true
}

func (b *Bot) domainChoices() string {
	var ns []string
	for _, d := range b.bank.Memo.Domains {
		if d.Number != questions.OtherDomain {
			ns = append(ns, strconv.Itoa(d.Number))
		}
	}
	return strings.Join(ns, ",")
}

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
		pool = b.bank.ByDomain(d)
	} else {
		pool = b.bank.Questions
	}
	if len(pool) == 0 {
		return private(Message{Kind: KindError, Body: T(lang, "quiz.none")})
	}
	// a different question each time (the clock and the user's answer
	// count move it), without global randomness
	seen := 0
	if st, err := b.db.Stats(c.Space, c.User); err == nil && len(st) > 0 {
		seen = st[len(st)-1].Answered
	}
	n := uint64(b.now().UnixNano())/1000 + uint64(seen)*7919
	q := pool[int(n%uint64(len(pool)))]
	return private(b.practiceCard(q, lang))
}

// maxLookup is the number of lookup results shown.
const maxLookup = 5

func (b *Bot) cmdMemo(_ context.Context, c Command, lang string) Response {
	query := strings.Join(c.Args, " ")
	if strings.TrimSpace(query) == "" {
		return usageError(lang, T(lang, "memo.usage"), "memo.example")
	}
	res := b.bank.Index.Search(query, maxLookup)
	if len(res) == 0 {
		return private(Message{Kind: KindLookup, Body: T(lang, "memo.none", query)})
	}
	m := Message{Kind: KindLookup, Title: T(lang, "memo.title", query)}
	for _, r := range res {
		v := r.Doc.Text
		for _, d := range r.Doc.Details {
			v += "\n・" + d
		}
		m.Fields = append(m.Fields, Field{Name: fmt.Sprintf("%s (L%d)", r.Doc.Breadcrumb, r.Doc.Line), Value: v})
	}
	if len(res) == maxLookup {
		m.Context = T(lang, "memo.more", maxLookup)
	}
	return private(m)
}

func windowName(lang string, w store.Window) string { return T(lang, "window."+string(w)) }

func (b *Bot) cmdLeaderboard(_ context.Context, c Command, lang string) Response {
	if c.DM {
		return private(Message{Kind: KindError, Body: T(lang, "err.dm")})
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
	var err error
	m := Message{Kind: KindLeaderboard}
	if accuracy {
		const minAnswers = 5
		board, err = b.db.AccuracyBoard(c.Space, domain, window, minAnswers, 10, c.User)
		m.Title = T(lang, "lb.title.acc", minAnswers, dl, windowName(lang, window))
	} else {
		board, err = b.db.Leaderboard(c.Space, domain, window, 10, c.User)
		m.Title = T(lang, "lb.title", dl, windowName(lang, window))
	}
	if err != nil {
		return b.internalError(lang, "leaderboard", err)
	}
	plat, err := b.platform(c.Space.Platform)
	if err != nil {
		b.log.Warn("leaderboard without mentions", "err", err)
	}
	mention := func(u string) string {
		if plat != nil {
			return plat.Mention(u)
		}
		return u
	}
	if len(board.Rows) == 0 {
		m.Body = T(lang, "lb.empty")
	}
	for _, r := range board.Rows {
		m.Fields = append(m.Fields, Field{Name: fmt.Sprintf("%d. %s", r.Rank, mention(r.User)),
			Value: T(lang, "lb.row", r.Points, r.Answered, int(r.Accuracy*100+0.5))})
	}
	if board.Me != nil {
		m.Context = T(lang, "lb.me", board.Me.Rank, board.Me.Points, board.Me.Answered, int(board.Me.Accuracy*100+0.5))
	} else {
		m.Context = T(lang, "lb.me.none")
	}
	m.Context += " ・ " + T(lang, "lb.players", board.Players)
	return private(m)
}

func (b *Bot) cmdStreak(_ context.Context, c Command, lang string) Response {
	s, err := b.db.GetStreak(c.Space, c.User)
	if err != nil {
		return b.internalError(lang, "streak", err)
	}
	return private(Message{Title: T(lang, "streak.title"), Body: T(lang, "streak.body", s.Current, s.Best, s.Freezes, store.MaxFreezes),
		Context: T(lang, "streak.hint", store.FreezeEvery)})
}

func (b *Bot) cmdStats(_ context.Context, c Command, lang string) Response {
	st, err := b.db.Stats(c.Space, c.User)
	if err != nil {
		return b.internalError(lang, "stats", err)
	}
	m := Message{Title: T(lang, "stats.title")}
	if len(st) == 0 {
		m.Body = T(lang, "stats.empty")
	}
	loc := store.Space{TZ: b.cfg.TZ}.Location()
	for _, s := range st {
		name := T(lang, "stats.total")
		if s.Domain != store.AllDomains {
			name = b.domainLabel(lang, s.Domain, "")
		}
		m.Fields = append(m.Fields, Field{Name: name, Value: T(lang, "stats.row", s.Correct, s.Answered, int(s.Accuracy*100+0.5), formatTime(s.LastSeen, b.now(), loc))})
	}
	return private(m)
}

func (b *Bot) cmdExplain(_ context.Context, c Command, lang string) Response {
	if len(c.Args) != 1 {
		return usageError(lang, T(lang, "explain.usage"), "explain.example")
	}
	q, err := b.bank.Get(c.Args[0])
	if err != nil {
		return unknownQuestion(lang, c.Args[0], "explain.example")
	}
	return private(b.explainMessage(q, lang))
}

func (b *Bot) cmdReport(_ context.Context, c Command, lang string) Response {
	if len(c.Args) < 2 {
		return usageError(lang, T(lang, "report.usage"), "report.example")
	}
	q, err := b.bank.Get(c.Args[0])
	if err != nil {
		return unknownQuestion(lang, c.Args[0], "report.example")
	}
	n, err := b.db.ReportQuestion(c.Space, store.Report{QuestionID: q.ID, User: c.User, Reason: strings.Join(c.Args[1:], " ")})
	if err != nil {
		return b.internalError(lang, "report", err)
	}
	return private(Message{Tone: Good, Body: T(lang, "report.done", q.ID, n)})
}

// cmdAdmin runs a /studybot subcommand from AdminCommands.
func (b *Bot) cmdAdmin(ctx context.Context, c Command, lang string) Response {
	if !b.isAdmin(c) {
		return private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.admin")})
	}
	if len(c.Args) == 0 {
		return usageError(lang, T(lang, "admin.usage", adminNames()), "admin.example")
	}
	name, args := strings.ToLower(c.Args[0]), c.Args[1:]
	sub, ok := lookupAdmin(name)
	if !ok {
		return usageError(lang, T(lang, "err.unknown", "/studybot "+name), "admin.example")
	}
	var ch store.Channel
	if sub.Channel {
		if c.DM || c.Channel == "" {
			return private(Message{Kind: KindError, Body: T(lang, "err.dm")})
		}
		var err error
		if ch, err = b.EnsureChannel(c.Space, c.Channel); err != nil {
			return b.internalError(lang, "channel", err)
		}
	}
	return sub.run(b, ctx, c, args, ch, lang)
}

// adminNames lists the /studybot subcommands ("schedule|close-after|…").
func adminNames() string {
	names := make([]string, len(AdminCommands))
	for i, s := range AdminCommands {
		names[i] = s.Name
	}
	return strings.Join(names, "|")
}

// saveChannel applies edit to the stored channel in one transaction (never
// a stale copy written back), wakes the due-loop and replies with msg of
// the channel as saved.
func (b *Bot) saveChannel(c Command, lang string, edit func(*store.Channel), msg func(store.Channel) string) Response {
	saved, err := b.db.UpdateChannel(c.Space, c.Channel, func(cur *store.Channel) error { edit(cur); return nil })
	if err != nil {
		return b.internalError(lang, "save channel", err)
	}
	b.Wake()
	return private(Message{Tone: Good, Body: msg(saved)})
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
	s, err := ParseSchedule(spec, tz)
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
	}, text(lang, "sched.set", spec, tz, formatTime(s.Next(now), now, loc)))
}

func (b *Bot) adminCloseAfter(_ context.Context, c Command, args []string, _ store.Channel, lang string) Response {
	if len(args) != 1 {
		return usageError(lang, T(lang, "closeafter.usage"), "closeafter.example")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil || d < time.Hour || d > 24*time.Hour {
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
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.Domains = ds }, text(lang, "domains.set", domainList(lang, ds)))
}

// domainList shows a channel's domains ("1,3,6", or all domains).
func domainList(lang string, ds []int) string {
	if len(ds) == 0 {
		return T(lang, "domain.all")
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ",")
}

func (b *Bot) adminLang(_ context.Context, c Command, args []string, _ store.Channel, lang string) Response {
	if len(args) != 1 || !validLang(args[0]) {
		return usageError(lang, T(lang, "lang.bad", strings.Join(args, " ")), "lang.example")
	}
	nl := strings.ToLower(args[0])
	return b.saveChannel(c, lang, func(cur *store.Channel) { cur.Lang = nl }, text(nl, "lang.set"))
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
			next = formatTime(s.Next(now), now, saved.Location())
		}
		return T(lang, "resumed", next)
	})
}

func (b *Bot) adminPostNow(_ context.Context, c Command, _ []string, _ store.Channel, lang string) Response {
	sp, id := c.Space, c.Channel
	if !b.begin() {
		return private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.internal")})
	}
	go func() { // tracked by begin: Close waits for it
		defer b.inflight.Done()
		// the bot's context, not the request's: the reply goes out first
		if _, err := b.PostNow(b.ctx, sp, id); err != nil && !errors.Is(err, store.ErrSlotTaken) {
			b.log.Error("post now", "err", err)
		}
	}()
	return private(Message{Tone: Good, Body: T(lang, "postnow")})
}

func (b *Bot) adminStatus(_ context.Context, _ Command, _ []string, ch store.Channel, lang string) Response {
	return private(b.statusMessage(ch, lang))
}

func (b *Bot) adminClearReport(_ context.Context, c Command, args []string, _ store.Channel, lang string) Response {
	if len(args) != 1 {
		return usageError(lang, T(lang, "clearreport.usage"), "clearreport.example")
	}
	n, err := b.db.ClearReports(c.Space, args[0])
	if err != nil {
		return b.internalError(lang, "clear reports", err)
	}
	return private(Message{Tone: Good, Body: T(lang, "report.cleared", args[0], n)})
}

func (b *Bot) adminReports(_ context.Context, c Command, _ []string, _ store.Channel, lang string) Response {
	by, order, err := b.db.Reports(c.Space)
	if err != nil {
		return b.internalError(lang, "reports", err)
	}
	if len(order) == 0 {
		return private(Message{Body: T(lang, "report.none")})
	}
	m := Message{Title: T(lang, "report.title")}
	for _, qid := range order {
		var reasons []string
		for _, r := range by[qid] {
			reasons = append(reasons, r.Reason)
		}
		m.Fields = append(m.Fields, Field{Name: qid, Value: T(lang, "report.row", len(by[qid]), strings.Join(reasons, " / "))})
	}
	return private(m)
}

func (b *Bot) statusMessage(ch store.Channel, lang string) Message {
	m := Message{Title: T(lang, "status.title")}
	next := T(lang, "status.none")
	if s, err := channelSchedule(ch); err == nil && !ch.Paused {
		next = formatTime(s.Next(b.now()), b.now(), ch.Location())
	}
	doms := domainList(lang, ch.Domains)
	state := T(lang, "status.active")
	if ch.Paused {
		state = T(lang, "status.paused")
	}
	open := T(lang, "status.none")
	if p, err := b.db.LatestPost(ch.Space, ch.ID); err == nil && !p.Closed {
		open = p.Question.QuestionID
	}
	m.Fields = []Field{
		{T(lang, "status.schedule"), ch.Cron + " (" + ch.TZ + ")"},
		{T(lang, "status.next"), next},
		{T(lang, "status.close"), ch.CloseAfter.String()},
		{T(lang, "status.domains"), doms},
		{T(lang, "status.lang"), ch.Lang},
		{T(lang, "status.state"), state},
		{T(lang, "status.bank"), strconv.Itoa(len(b.bank.Questions))},
		{T(lang, "status.open"), open},
	}
	if ch.LastError != "" {
		m.Fields = append(m.Fields, Field{T(lang, "status.error"), formatTime(ch.LastErrorAt, b.now(), ch.Location()) + ": " + ch.LastError})
	}
	return m
}
