package render

import (
	"fmt"
	"slices"
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

// CardMessage renders a post as a question card with answers answers so
// far; domain is the post's domain label, now and loc place the closing time.
func CardMessage(p store.Post, lang, domain string, answers int, now time.Time, loc *time.Location) Message {
	q := p.Question
	m := Message{Kind: KindCard, PostID: p.ID, Title: T(lang, "card.title", p.Number, domain), Body: q.Stem}
	for i, o := range q.Options {
		m.Buttons = append(m.Buttons, Button{ActionID: AnswerAction(p.ID, o.ID), Label: questions.Letter(i), Text: o.Text, Disabled: p.Closed})
	}
	if p.Closed {
		m.Context = T(lang, "card.context.closed", answers, q.QuestionID)
	} else {
		m.Context = T(lang, "card.context", FormatTime(p.ClosesAt, now, loc), answers, q.QuestionID)
	}
	if n := ChooseCount(q); n > 1 {
		multiSelect(&m, lang, n, snapIDs(q), AnswerAction(p.ID, SubmitOption), p.Closed)
	}
	return m
}

// PracticeCard renders a practice question for one user.
func PracticeCard(q *questions.Question, lang, domain string) Message {
	m := Message{Kind: KindCard, Title: T(lang, "card.title.practice", domain), Body: q.Stem,
		Context: T(lang, "card.practice", q.ID)}
	for i, o := range q.Options {
		m.Buttons = append(m.Buttons, Button{ActionID: PracticeAction(q.ID, o.ID), Label: questions.Letter(i), Text: o.Text})
	}
	ChooseMany(&m, q, lang, PracticeAction(q.ID, SubmitOption))
	return m
}

// Milestone is a streak length reached by some answerers of a post, as
// mentions.
type Milestone struct {
	// Days is the streak length reached.
	Days int
	// Users are the mentions of those who reached it.
	Users []string
}

// ResultsMessage shows the distribution per option, the answer with its
// explanation, the first correct answerers and streak milestones.
func ResultsMessage(p store.Post, r store.Results, lang, domain string, mention func(string) string, milestones []Milestone) Message {
	q := p.Question
	m := Message{Kind: KindResults, PostID: p.ID, Title: T(lang, "results.title", p.Number, domain)}
	multi := ChooseCount(q) > 1
	counts, correct := r.Counts, []string{q.AnswerID}
	if multi { // each answer counts for every option of its set
		counts, correct = optionCounts(r.Counts), questions.SplitSet(q.AnswerID)
	}
	for i, o := range q.Options {
		n := counts[o.ID]
		mark := ""
		if slices.Contains(correct, o.ID) {
			mark = " ✅"
		}
		m.Fields = append(m.Fields, Field{Name: questions.Letter(i) + ") " + o.Text + mark, Value: bar(n, r.Total) + fmt.Sprintf(" %d (%d%%)", n, Pct(n, r.Total))})
	}
	var lines []string
	if multi {
		lines = []string{T(lang, "results.answers", strings.Join(choiceParts(q, q.AnswerID, true), " / "))}
	} else { // single-answer on purpose: AnswerID is one option ID here
		ai := q.OptionIndex(q.AnswerID)
		lines = []string{T(lang, "results.answer", questions.Letter(ai), q.Options[ai].Text)}
	}
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
		lines = append(lines, T(lang, "results.milestone", ml.Days, strings.Join(ml.Users, " ")))
	}
	m.Body = q.Stem + "\n\n" + strings.Join(lines, "\n")
	m.Quote = q.Explanation
	m.Context = T(lang, "results.context", r.Total, Pct(r.Correct, r.Total), q.QuestionID)
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

// FeedbackMessage is the private reply to an answer: right or wrong, the
// correct option, the memo quote, why each other option is wrong, and (for
// counted daily answers) the streak and rank. A note, if any, comes first.
//
// For a question with more than one answer chosen is the submitted set's
// choice key: right only when it is exactly the correct set; the reply
// lists every correct option and echoes the chosen ones.
func FeedbackMessage(q store.Snapshot, chosen, lang string, rec *store.Recorded, note string) Message {
	return feedback(q, chosen, lang, rec, note, true)
}

// feedback is FeedbackMessage; echo false leaves out the echo of a
// multi-answer choice (an explanation, where nothing was chosen).
func feedback(q store.Snapshot, chosen, lang string, rec *store.Recorded, note string, echo bool) Message {
	ai, ci := q.OptionIndex(q.AnswerID), q.OptionIndex(chosen) // used by the single-answer branch only
	m := Message{Kind: KindFeedback, Tone: Bad, Title: T(lang, "fb.wrong")}
	if chosen == q.AnswerID {
		m.Tone, m.Title = Good, T(lang, "fb.correct")
	}
	correct := []string{q.AnswerID}
	var body []string
	if ChooseCount(q) > 1 {
		correct = questions.SplitSet(q.AnswerID)
		body = []string{T(lang, "multi.answers", strings.Join(choiceParts(q, q.AnswerID, true), " / "))}
		if yours := choiceParts(q, chosen, true); echo && len(yours) > 0 {
			body = append(body, T(lang, "multi.yours", strings.Join(yours, " / ")))
		}
	} else {
		body = []string{T(lang, "fb.answer", questions.Letter(ai), q.Options[ai].Text)}
		if ci != ai && ci >= 0 {
			body = append(body, T(lang, "fb.yours", questions.Letter(ci), q.Options[ci].Text))
		}
	}
	if note != "" {
		body = append([]string{note}, body...)
	}
	m.Body = strings.Join(body, "\n")
	m.Quote = q.Explanation
	for i, o := range q.Options {
		if slices.Contains(correct, o.ID) || o.Why == "" {
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

// ExplainMessage shows a question (s is its snapshot) with its answer and
// its whole memo passage.
func ExplainMessage(q *questions.Question, s store.Snapshot, lang, domain string) Message {
	m := feedback(s, s.AnswerID, lang, nil, "", false)
	m.Kind, m.Tone = KindText, Neutral
	m.Title = T(lang, "explain.title", q.ID) + " — " + domain
	var opts []string
	for i, o := range q.Options {
		opts = append(opts, fmt.Sprintf("%s) %s", questions.Letter(i), o.Text))
	}
	m.Body = q.Stem + "\n" + strings.Join(opts, "\n") + "\n\n" + m.Body
	if q.Source.Passage != "" {
		// the whole passage, where the answer's reply quotes only the proof
		m.Quote = QuoteSource(q.Source.Passage, q.Source)
	}
	return m
}

// QuoteSource is memo text with where it comes from: "text\n— a › b (L12)".
func QuoteSource(text string, s questions.Source) string {
	return text + "\n— " + s.Breadcrumb() + fmt.Sprintf(" (L%d)", s.Line)
}

// StatusView is what /studybot status shows beyond the channel's settings.
type StatusView struct {
	// Now is the current time.
	Now time.Time
	// Next is the next post; zero when none is scheduled.
	Next time.Time
	// Bank is how many questions the bank holds.
	Bank int
	// Open is the open question's ID, if any.
	Open string
	// Pool is the channel's question pool as users read it.
	Pool string
	// Digest is the channel's weekly digest setting as users read it.
	Digest string
	// ReloadErr is the last reload's error, if it failed.
	ReloadErr string
	// ReloadAt is when it failed.
	ReloadAt time.Time
}

// StatusMessage shows a channel's settings, its next and open question,
// and the last error met posting there.
func StatusMessage(ch store.Channel, lang string, v StatusView) Message {
	m := Message{Title: T(lang, "status.title")}
	next, open := T(lang, "status.none"), T(lang, "status.none")
	if !v.Next.IsZero() {
		next = FormatTime(v.Next, v.Now, ch.Location())
	}
	if v.Open != "" {
		open = v.Open
	}
	state := T(lang, "status.active")
	if ch.Paused {
		state = T(lang, "status.paused")
	}
	m.Fields = []Field{
		{T(lang, "status.schedule"), ch.Cron + " (" + ch.TZ + ")"},
		{T(lang, "status.next"), next},
		{T(lang, "status.close"), ch.CloseAfter.String()},
		{T(lang, "status.domains"), DomainList(lang, ch.Domains)},
		{T(lang, "status.lang"), ch.Lang},
		{T(lang, "status.pool"), v.Pool},
		{T(lang, "status.digest"), v.Digest},
		{T(lang, "status.state"), state},
		{T(lang, "status.bank"), strconv.Itoa(v.Bank)},
		{T(lang, "status.open"), open},
	}
	if v.ReloadErr != "" {
		m.Fields = append(m.Fields, Field{T(lang, "status.reload"), FormatTime(v.ReloadAt, v.Now, ch.Location()) + ": " + v.ReloadErr})
	}
	if ch.LastError != "" {
		m.Fields = append(m.Fields, Field{T(lang, "status.error"), FormatTime(ch.LastErrorAt, v.Now, ch.Location()) + ": " + ch.LastError})
	}
	return m
}

// DomainList shows a channel's domains ("1,3,6", or all domains).
func DomainList(lang string, ds []int) string {
	if len(ds) == 0 {
		return T(lang, "domain.all")
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ",")
}

// LeaderboardMessage shows a board under title.
func LeaderboardMessage(board store.Board, lang, title string, mention func(string) string) Message {
	m := Message{Kind: KindLeaderboard, Title: title}
	if len(board.Rows) == 0 {
		m.Body = T(lang, "lb.empty")
	}
	for _, r := range board.Rows {
		m.Fields = append(m.Fields, Field{Name: fmt.Sprintf("%d. %s", r.Rank, mention(r.User)),
			Value: T(lang, "lb.row", r.Points, r.Answered, Percent(r.Accuracy))})
	}
	if board.Me != nil {
		m.Context = T(lang, "lb.me", board.Me.Rank, board.Me.Points, board.Me.Answered, Percent(board.Me.Accuracy))
	} else {
		m.Context = T(lang, "lb.me.none")
	}
	m.Context += " ・ " + T(lang, "lb.players", board.Players)
	return m
}

// percent rounds a 0–1 ratio to a whole percentage.
func Percent(r float64) int { return int(r*100 + 0.5) }

// LookupMessage shows the memo passages found for query; more says the
// list was cut at max.
func LookupMessage(query string, res []questions.Result, lang string, max int) Message {
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

// StreakMessage shows a user's streak.
func StreakMessage(s store.Streak, lang string) Message {
	return Message{Title: T(lang, "streak.title"), Body: T(lang, "streak.body", s.Current, s.Best, s.Freezes, store.MaxFreezes),
		Context: T(lang, "streak.hint", store.FreezeEvery)}
}

// StatsMessage shows a user's accuracy per domain; label names a domain.
func StatsMessage(st []store.DomainStat, lang string, label func(int) string, now time.Time, loc *time.Location) Message {
	m := Message{Title: T(lang, "stats.title")}
	if len(st) == 0 {
		m.Body = T(lang, "stats.empty")
	}
	for _, s := range st {
		name := T(lang, "stats.total")
		if s.Domain != store.AllDomains {
			name = label(s.Domain)
		}
		m.Fields = append(m.Fields, Field{Name: name, Value: T(lang, "stats.row", s.Correct, s.Answered, Percent(s.Accuracy), FormatTime(s.LastSeen, now, loc))})
	}
	return m
}

// ReportsMessage lists reported questions (order) with their reasons.
func ReportsMessage(by map[string][]store.Report, order []string, lang string) Message {
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

// Pct is n as a rounded percentage of of (0 when of is 0).
func Pct(n, of int) int {
	if of == 0 {
		return 0
	}
	return (n*100 + of/2) / of
}
