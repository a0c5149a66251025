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

// CommandSpec describes a command for adapters that register commands
// (Slack manifests, Discord application commands).
type CommandSpec struct {
	// Name is the command name without slash.
	Name string
	// Usage is the argument hint.
	Usage string
	// Description is a one-line description, per language.
	Description map[string]string
	// Admin commands are refused to non-admins.
	Admin bool
}

// Commands lists every command the core answers, in a fixed order.
var Commands = []CommandSpec{
	{Name: "quiz", Usage: "[domain]", Description: map[string]string{"ja": "練習問題を出す（自分だけ）", "en": "A practice question just for you"}},
	{Name: "memo", Usage: "<query>", Description: map[string]string{"ja": "メモを検索する", "en": "Look something up in the memo"}},
	{Name: "leaderboard", Usage: "[accuracy] [domain] [week|month|all]", Description: map[string]string{"ja": "ランキングを表示する", "en": "Show the leaderboard"}},
	{Name: "streak", Description: map[string]string{"ja": "連続記録を表示する", "en": "Show your streak"}},
	{Name: "stats", Description: map[string]string{"ja": "分野別の成績を表示する", "en": "Your accuracy per domain"}},
	{Name: "explain", Usage: "<question-id>", Description: map[string]string{"ja": "問題の解説を表示する", "en": "Explain a question"}},
	{Name: "report", Usage: "<question-id> <reason>", Description: map[string]string{"ja": "問題の誤りを報告する", "en": "Report a wrong or unclear question"}},
	{Name: "studybot", Usage: "schedule|close-after|domains|lang|pause|resume|post-now|status|reports|clear-report …", Admin: true,
		Description: map[string]string{"ja": "このチャンネルの出題設定（管理者）", "en": "Channel settings (admins)"}},
	{Name: "help", Description: map[string]string{"ja": "使い方", "en": "How to use studybot"}},
}

// HandleCommand runs a command and returns the reply. It never blocks on
// platform calls: a post-now posts in the background.
func (b *Bot) HandleCommand(ctx context.Context, c Command) Response {
	defer b.track()()
	name := strings.TrimPrefix(strings.ToLower(c.Name), "/")
	b.metrics.Command(name)
	lang := b.channelLang(c.Space, c.Channel)
	if _, err := b.ensureSpace(c.Space); err != nil {
		return b.internalError(lang, "ensure space", err)
	}
	switch name {
	case "quiz":
		return b.cmdQuiz(c, lang)
	case "memo":
		return b.cmdMemo(c, lang)
	case "leaderboard", "lb":
		return b.cmdLeaderboard(c, lang)
	case "streak":
		return b.cmdStreak(c, lang)
	case "stats":
		return b.cmdStats(c, lang)
	case "explain":
		return b.cmdExplain(c, lang)
	case "report":
		return b.cmdReport(c, lang)
	case "studybot":
		return b.cmdAdmin(ctx, c, lang)
	case "help", "start":
		return private(Message{Title: T(lang, "help.title"), Body: T(lang, "help.body")})
	}
	return private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.unknown", "/"+name)})
}

func usageError(lang, what, example string) Response {
	return private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.args", what, example)})
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

func (b *Bot) cmdQuiz(c Command, lang string) Response {
	var pool []*questions.Question
	if len(c.Args) > 0 {
		d, ok := b.parseDomain(c.Args[0])
		if !ok {
			return usageError(lang, T(lang, "domains.bad", c.Args[0], b.domainChoices()), "/quiz 3")
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

func (b *Bot) cmdMemo(c Command, lang string) Response {
	query := strings.Join(c.Args, " ")
	if strings.TrimSpace(query) == "" {
		return usageError(lang, T(lang, "memo.usage"), "/memo CodeDeploy ロールバック")
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

func (b *Bot) cmdLeaderboard(c Command, lang string) Response {
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
			if !ok {
				return usageError(lang, T(lang, "domains.bad", a, b.domainChoices()), "/leaderboard 3 month")
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

func (b *Bot) cmdStreak(c Command, lang string) Response {
	s, err := b.db.GetStreak(c.Space, c.User)
	if err != nil {
		return b.internalError(lang, "streak", err)
	}
	return private(Message{Title: T(lang, "streak.title"), Body: T(lang, "streak.body", s.Current, s.Best, s.Freezes, store.MaxFreezes),
		Context: T(lang, "streak.hint", store.FreezeEvery)})
}

func (b *Bot) cmdStats(c Command, lang string) Response {
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

func (b *Bot) cmdExplain(c Command, lang string) Response {
	if len(c.Args) != 1 {
		return usageError(lang, T(lang, "report.usage"), "/explain 03e53e7ca1")
	}
	q, err := b.bank.Get(c.Args[0])
	if err != nil {
		return usageError(lang, err.Error(), "/explain 03e53e7ca1")
	}
	return private(b.explainMessage(q, lang))
}

func (b *Bot) cmdReport(c Command, lang string) Response {
	if len(c.Args) < 2 {
		return usageError(lang, T(lang, "report.usage"), "/report 03e53e7ca1 選択肢 B も正しい")
	}
	q, err := b.bank.Get(c.Args[0])
	if err != nil {
		return usageError(lang, err.Error(), "/report 03e53e7ca1 選択肢 B も正しい")
	}
	n, err := b.db.ReportQuestion(c.Space, store.Report{QuestionID: q.ID, User: c.User, Reason: strings.Join(c.Args[1:], " ")})
	if err != nil {
		return b.internalError(lang, "report", err)
	}
	return private(Message{Tone: Good, Body: T(lang, "report.done", q.ID, n)})
}

func (b *Bot) cmdAdmin(ctx context.Context, c Command, lang string) Response {
	if !b.isAdmin(c) {
		return private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.admin")})
	}
	if len(c.Args) == 0 {
		return usageError(lang, T(lang, "help.body"), "/studybot status")
	}
	sub, args := strings.ToLower(c.Args[0]), c.Args[1:]
	if sub == "reports" {
		return b.cmdReports(c, lang)
	}
	if sub == "clear-report" {
		if len(args) != 1 {
			return usageError(lang, T(lang, "report.usage"), "/studybot clear-report 03e53e7ca1")
		}
		n, err := b.db.ClearReports(c.Space, args[0])
		if err != nil {
			return b.internalError(lang, "clear reports", err)
		}
		return private(Message{Tone: Good, Body: T(lang, "report.cleared", args[0], n)})
	}
	if c.DM || c.Channel == "" {
		return private(Message{Kind: KindError, Body: T(lang, "err.dm")})
	}
	ch, err := b.EnsureChannel(c.Space, c.Channel)
	if err != nil {
		return b.internalError(lang, "channel", err)
	}
	// save applies edit to the stored channel in one transaction (never a
	// stale copy written back) and wakes the due-loop.
	save := func(edit func(*store.Channel), msg func(store.Channel) string) Response {
		saved, err := b.db.UpdateChannel(c.Space, c.Channel, func(cur *store.Channel) error { edit(cur); return nil })
		if err != nil {
			return b.internalError(lang, "save channel", err)
		}
		b.Wake()
		return private(Message{Tone: Good, Body: msg(saved)})
	}
	text := func(lang, key string, args ...any) func(store.Channel) string {
		return func(store.Channel) string { return T(lang, key, args...) }
	}
	switch sub {
	case "schedule":
		if len(args) == 0 {
			return usageError(lang, T(lang, "sched.bad", "missing"), "/studybot schedule 0 9 * * 1-5 Asia/Tokyo")
		}
		tz := ch.TZ
		spec := strings.Join(args, " ")
		// a trailing argument with a slash (or UTC) is the zone
		if last := args[len(args)-1]; len(args) > 1 && (strings.Contains(last, "/") && !strings.ContainsAny(last, "*,-0123456789") || last == "UTC") {
			tz, spec = last, strings.Join(args[:len(args)-1], " ")
		}
		if _, err := time.LoadLocation(tz); err != nil {
			return usageError(lang, T(lang, "sched.tz", tz), "/studybot schedule 0 9 * * 1-5 Asia/Tokyo")
		}
		s, err := ParseSchedule(spec, tz)
		switch {
		case errors.Is(err, ErrScheduleTooOften):
			return usageError(lang, T(lang, "sched.often", spec), "/studybot schedule 0 9 * * 1-5 Asia/Tokyo")
		case errors.Is(err, ErrScheduleNever):
			return usageError(lang, T(lang, "sched.never", spec), "/studybot schedule 0 9 * * 1-5 Asia/Tokyo")
		case err != nil:
			return usageError(lang, T(lang, "sched.bad", err), "/studybot schedule 0 9 * * 1-5 Asia/Tokyo")
		}
		now := b.now()
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return usageError(lang, T(lang, "sched.tz", tz), "/studybot schedule 0 9 * * 1-5 Asia/Tokyo")
		}
		return save(func(cur *store.Channel) {
			cur.Cron, cur.TZ = spec, tz
			cur.SkipUntil = now // only slots after this change count; earlier ones are not caught up
		}, text(lang, "sched.set", spec, tz, formatTime(s.Next(now), now, loc)))
	case "close-after":
		if len(args) != 1 {
			return usageError(lang, T(lang, "closeafter.bad", ""), "/studybot close-after 8h")
		}
		d, err := time.ParseDuration(args[0])
		if err != nil || d < time.Hour || d > 24*time.Hour {
			return usageError(lang, T(lang, "closeafter.bad", args[0]), "/studybot close-after 8h")
		}
		return save(func(cur *store.Channel) { cur.CloseAfter = d }, text(lang, "closeafter.set", d))
	case "domains":
		if len(args) == 0 {
			return usageError(lang, T(lang, "domains.bad", "", b.domainChoices()), "/studybot domains 1,3,6")
		}
		var ds []int
		for _, part := range strings.FieldsFunc(strings.Join(args, ","), func(r rune) bool { return r == ',' || r == ' ' || r == '、' }) {
			if strings.EqualFold(part, "all") {
				ds = nil
				break
			}
			d, ok := b.parseDomain(part)
			if !ok {
				return usageError(lang, T(lang, "domains.bad", part, b.domainChoices()), "/studybot domains 1,3,6")
			}
			ds = append(ds, d)
		}
		sort.Ints(ds)
		label := T(lang, "domain.all")
		if len(ds) > 0 {
			label = strings.Trim(strings.Join(strings.Fields(fmt.Sprint(ds)), ","), "[]")
		}
		return save(func(cur *store.Channel) { cur.Domains = ds }, text(lang, "domains.set", label))
	case "lang":
		if len(args) != 1 || !validLang(args[0]) {
			return usageError(lang, T(lang, "lang.bad", strings.Join(args, " ")), "/studybot lang en")
		}
		nl := strings.ToLower(args[0])
		return save(func(cur *store.Channel) { cur.Lang = nl }, text(nl, "lang.set"))
	case "pause":
		return save(func(cur *store.Channel) { cur.Paused = true }, text(lang, "paused"))
	case "resume":
		now := b.now()
		return save(func(cur *store.Channel) {
			cur.Paused = false
			cur.SkipUntil = now // no catch-up for slots skipped while paused
		}, func(saved store.Channel) string {
			next := ""
			if s, err := channelSchedule(saved); err == nil {
				next = formatTime(s.Next(now), now, saved.Location())
			}
			return T(lang, "resumed", next)
		})
	case "post-now":
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
	case "status":
		return private(b.statusMessage(ch, lang))
	}
	return usageError(lang, T(lang, "err.unknown", "/studybot "+sub), "/studybot status")
}

func (b *Bot) cmdReports(c Command, lang string) Response {
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
	doms := T(lang, "domain.all")
	if len(ch.Domains) > 0 {
		doms = strings.Trim(strings.Join(strings.Fields(fmt.Sprint(ch.Domains)), ","), "[]")
	}
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
