package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// The message builders: pure functions from what the core knows to the
// Message it shows. They read no store, no clock and no platform; the
// callers gather those (domain labels, the time, mentions) and pass them
// in, and the golden tests in render_test.go pin what each one says.

// cardMessage renders a post as a question card with answers answers so
// far; domain is the post's domain label, now and loc place the closing time.
func cardMessage(p store.Post, lang, domain string, answers int, now time.Time, loc *time.Location) Message {
	q := p.Question
	m := Message{Kind: KindCard, PostID: p.ID, Title: T(lang, "card.title", p.Number, domain), Body: q.Stem}
	for i, o := range q.Options {
		m.Buttons = append(m.Buttons, Button{ActionID: answerAction(p.ID, o.ID), Label: questions.Letter(i), Text: o.Text, Disabled: p.Closed})
	}
	if p.Closed {
		m.Context = T(lang, "card.context.closed", answers, q.QuestionID)
	} else {
		m.Context = T(lang, "card.context", formatTime(p.ClosesAt, now, loc), answers, q.QuestionID)
	}
	return m
}

// practiceCard renders a practice question for one user.
func practiceCard(q *questions.Question, lang, domain string) Message {
	m := Message{Kind: KindCard, Title: T(lang, "card.title.practice", domain), Body: q.Stem,
		Context: T(lang, "card.practice", q.ID)}
	for i, o := range q.Options {
		m.Buttons = append(m.Buttons, Button{ActionID: practiceAction(q.ID, o.ID), Label: questions.Letter(i), Text: o.Text})
	}
	return m
}

// milestone is a streak length reached by some answerers of a post, as
// mentions.
type milestone struct {
	days  int
	users []string
}

// resultsMessage shows the distribution per option, the answer with its
// explanation, the first correct answerers and streak milestones.
func resultsMessage(p store.Post, r store.Results, lang, domain string, mention func(string) string, milestones []milestone) Message {
	q := p.Question
	m := Message{Kind: KindResults, PostID: p.ID, Title: T(lang, "results.title", p.Number, domain)}
	for i, o := range q.Options {
		n := r.Counts[o.ID]
		mark := ""
		if o.ID == q.AnswerID {
			mark = " ✅"
		}
		m.Fields = append(m.Fields, Field{Name: questions.Letter(i) + ") " + o.Text + mark, Value: bar(n, r.Total) + fmt.Sprintf(" %d (%d%%)", n, pct(n, r.Total))})
	}
	ai := q.OptionIndex(q.AnswerID)
	lines := []string{T(lang, "results.answer", questions.Letter(ai), q.Options[ai].Text)}
	if r.Total == 0 {
		lines = append(lines, T(lang, "results.none"))
	}
	if len(r.FirstCorrect) > 0 {
		ms := make([]string, len(r.FirstCorrect))
		for i, u := range r.FirstCorrect {
			ms[i] = mention(u)
		}
		lines = append(lines, T(lang, "results.first", strings.Join(ms, " ")))
	}
	for _, ml := range milestones {
		lines = append(lines, T(lang, "results.milestone", ml.days, strings.Join(ml.users, " ")))
	}
	m.Body = q.Stem + "\n\n" + strings.Join(lines, "\n")
	m.Quote = q.Explanation
	m.Context = T(lang, "results.context", r.Total, pct(r.Correct, r.Total), q.QuestionID)
	return m
}

// bar draws a ten-cell text bar for n of total.
func bar(n, total int) string {
	full := 0
	if total > 0 {
		full = (n*10 + total/2) / total
	}
	return strings.Repeat("▇", full) + strings.Repeat("░", 10-full)
}

// feedbackMessage is the private reply to an answer: right or wrong, the
// correct option, the memo quote, why each other option is wrong, and (for
// counted daily answers) the streak and rank. A note, if any, comes first.
func feedbackMessage(q store.Snapshot, chosen, lang string, rec *store.Recorded, note string) Message {
	ai, ci := q.OptionIndex(q.AnswerID), q.OptionIndex(chosen)
	m := Message{Kind: KindFeedback, Tone: Bad, Title: T(lang, "fb.wrong")}
	if chosen == q.AnswerID {
		m.Tone, m.Title = Good, T(lang, "fb.correct")
	}
	body := []string{T(lang, "fb.answer", questions.Letter(ai), q.Options[ai].Text)}
	if ci != ai && ci >= 0 {
		body = append(body, T(lang, "fb.yours", questions.Letter(ci), q.Options[ci].Text))
	}
	if note != "" {
		body = append([]string{note}, body...)
	}
	m.Body = strings.Join(body, "\n")
	m.Quote = q.Explanation
	for i, o := range q.Options {
		if i == ai || o.Why == "" {
			continue
		}
		m.Fields = append(m.Fields, Field{Name: questions.Letter(i) + ") " + o.Text, Value: o.Why})
	}
	if rec != nil {
		st := rec.Streak
		ctx := []string{T(lang, "fb.streak", st.Current, st.Best, st.Freezes)}
		if rec.RankAfter > 0 {
			ctx = append(ctx, T(lang, "fb.rank", rec.RankAfter, rankMove(lang, rec.RankBefore, rec.RankAfter)))
		}
		m.Context = strings.Join(ctx, " ・ ")
	}
	return m
}

// rankMove says how a rank moved ("↑2", "初登場").
func rankMove(lang string, before, after int) string {
	switch {
	case before == 0:
		return T(lang, "fb.rank.new")
	case after < before:
		return T(lang, "fb.rank.up", before-after)
	case after > before:
		return T(lang, "fb.rank.down", after-before)
	}
	return T(lang, "fb.rank.same")
}

// explainMessage shows a question (s is its snapshot) with its answer and
// its whole memo passage.
func explainMessage(q *questions.Question, s store.Snapshot, lang, domain string) Message {
	m := feedbackMessage(s, s.AnswerID, lang, nil, "")
	m.Kind, m.Tone = KindText, Neutral
	m.Title = T(lang, "explain.title", q.ID) + " — " + domain
	var opts []string
	for i, o := range q.Options {
		opts = append(opts, fmt.Sprintf("%s) %s", questions.Letter(i), o.Text))
	}
	m.Body = q.Stem + "\n" + strings.Join(opts, "\n") + "\n\n" + m.Body
	if q.Source.Passage != "" {
		// the whole passage, where the answer's reply quotes only the proof
		m.Quote = quoteSource(q.Source.Passage, q.Source)
	}
	return m
}

// quoteSource is memo text with where it comes from: "text\n— a › b (L12)".
func quoteSource(text string, s questions.Source) string {
	return text + "\n— " + s.Breadcrumb() + fmt.Sprintf(" (L%d)", s.Line)
}

// statusView is what /studybot status shows beyond the channel's settings.
type statusView struct {
	now  time.Time
	next time.Time // the next post; zero when none is scheduled
	bank int       // questions in the bank
	open string    // the open question's ID, if any

	reloadErr string    // the last reload's error, if it failed
	reloadAt  time.Time // when it failed
}

// statusMessage shows a channel's settings, its next and open question,
// and the last error met posting there.
func statusMessage(ch store.Channel, lang string, v statusView) Message {
	m := Message{Title: T(lang, "status.title")}
	next, open := T(lang, "status.none"), T(lang, "status.none")
	if !v.next.IsZero() {
		next = formatTime(v.next, v.now, ch.Location())
	}
	if v.open != "" {
		open = v.open
	}
	state := T(lang, "status.active")
	if ch.Paused {
		state = T(lang, "status.paused")
	}
	m.Fields = []Field{
		{T(lang, "status.schedule"), ch.Cron + " (" + ch.TZ + ")"},
		{T(lang, "status.next"), next},
		{T(lang, "status.close"), ch.CloseAfter.String()},
		{T(lang, "status.domains"), domainList(lang, ch.Domains)},
		{T(lang, "status.lang"), ch.Lang},
		{T(lang, "status.pool"), poolName(lang, channelPool(ch))},
		{T(lang, "status.digest"), digestState(lang, ch)},
		{T(lang, "status.state"), state},
		{T(lang, "status.bank"), strconv.Itoa(v.bank)},
		{T(lang, "status.open"), open},
	}
	if v.reloadErr != "" {
		m.Fields = append(m.Fields, Field{T(lang, "status.reload"), formatTime(v.reloadAt, v.now, ch.Location()) + ": " + v.reloadErr})
	}
	if ch.LastError != "" {
		m.Fields = append(m.Fields, Field{T(lang, "status.error"), formatTime(ch.LastErrorAt, v.now, ch.Location()) + ": " + ch.LastError})
	}
	return m
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

// leaderboardMessage shows a board under title.
func leaderboardMessage(board store.Board, lang, title string, mention func(string) string) Message {
	m := Message{Kind: KindLeaderboard, Title: title}
	if len(board.Rows) == 0 {
		m.Body = T(lang, "lb.empty")
	}
	for _, r := range board.Rows {
		m.Fields = append(m.Fields, Field{Name: fmt.Sprintf("%d. %s", r.Rank, mention(r.User)),
			Value: T(lang, "lb.row", r.Points, r.Answered, percent(r.Accuracy))})
	}
	if board.Me != nil {
		m.Context = T(lang, "lb.me", board.Me.Rank, board.Me.Points, board.Me.Answered, percent(board.Me.Accuracy))
	} else {
		m.Context = T(lang, "lb.me.none")
	}
	m.Context += " ・ " + T(lang, "lb.players", board.Players)
	return m
}

// percent rounds a 0–1 ratio to a whole percentage.
func percent(r float64) int { return int(r*100 + 0.5) }

// lookupMessage shows the memo passages found for query; more says the
// list was cut at max.
func lookupMessage(query string, res []questions.Result, lang string, max int) Message {
	if len(res) == 0 {
		return Message{Kind: KindLookup, Body: T(lang, "memo.none", query)}
	}
	m := Message{Kind: KindLookup, Title: T(lang, "memo.title", query)}
	for _, r := range res {
		v := r.Doc.Text
		for _, d := range r.Doc.Details {
			v += "\n・" + d
		}
		m.Fields = append(m.Fields, Field{Name: fmt.Sprintf("%s (L%d)", r.Doc.Breadcrumb, r.Doc.Line), Value: v})
	}
	if len(res) == max {
		m.Context = T(lang, "memo.more", max)
	}
	return m
}

// streakMessage shows a user's streak.
func streakMessage(s store.Streak, lang string) Message {
	return Message{Title: T(lang, "streak.title"), Body: T(lang, "streak.body", s.Current, s.Best, s.Freezes, store.MaxFreezes),
		Context: T(lang, "streak.hint", store.FreezeEvery)}
}

// statsMessage shows a user's accuracy per domain; label names a domain.
func statsMessage(st []store.DomainStat, lang string, label func(int) string, now time.Time, loc *time.Location) Message {
	m := Message{Title: T(lang, "stats.title")}
	if len(st) == 0 {
		m.Body = T(lang, "stats.empty")
	}
	for _, s := range st {
		name := T(lang, "stats.total")
		if s.Domain != store.AllDomains {
			name = label(s.Domain)
		}
		m.Fields = append(m.Fields, Field{Name: name, Value: T(lang, "stats.row", s.Correct, s.Answered, percent(s.Accuracy), formatTime(s.LastSeen, now, loc))})
	}
	return m
}

// reportsMessage lists reported questions (order) with their reasons.
func reportsMessage(by map[string][]store.Report, order []string, lang string) Message {
	if len(order) == 0 {
		return Message{Body: T(lang, "report.none")}
	}
	m := Message{Title: T(lang, "report.title")}
	for _, qid := range order {
		var reasons []string
		for _, r := range by[qid] {
			reasons = append(reasons, r.Reason)
		}
		m.Fields = append(m.Fields, Field{Name: qid, Value: T(lang, "report.row", len(by[qid]), strings.Join(reasons, " / "))})
	}
	return m
}
