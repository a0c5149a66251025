package digest

import (
	"context"
	"errors"
	"fmt"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Digest list lengths.
const (
	digestMovers  = 3
	digestStreaks = 3
)

// WeekStart returns Monday 00:00 in loc of the week holding t.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, loc)
	back := (int(day.Weekday()) + 6) % 7 // Monday → 0, Sunday → 6
	return day.AddDate(0, 0, -back)
}

// DigestWeek returns the start of the week a digest made at now reports:
// the seven full days before now's day, in loc. A digest posted on Monday
// morning reports the Monday–Sunday week that just ended.
func DigestWeek(now time.Time, loc *time.Location) time.Time {
	now = now.In(loc)
	y, m, d := now.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc).AddDate(0, 0, -7)
}

// weekdays are the digest day names, Sunday first like time.Weekday.
var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// digestDay returns the weekday a channel's digest follows (Monday unless
// set).
func digestDay(ch store.Channel) time.Weekday {
	for i, d := range weekdays {
		if d == ch.DigestDay {
			return time.Weekday(i)
		}
	}
	return time.Monday
}

// BuildDigest counts a digest from a channel's daily posts of the reported
// week (this) and the week before (last). domains are the memo's exam
// domains in order (their weights marked on the chart); a domain only seen
// in a post's snapshot is added after them, and the "other" bucket shows
// only when answered. streak returns a user's current streak in days;
// name shows a user. BuildDigest is pure: no store, no clock.
func BuildDigest(lang string, start time.Time, this, last []store.PostAnswers, domains []*questions.Domain, streak func(user string) int, name func(user string) string) Week {
	w := Week{Lang: lang, Start: start, Posts: len(this)}
	idx := map[int]int{}
	add := func(n int, title string, weight float64) {
		if _, ok := idx[n]; !ok {
			idx[n] = len(w.Domains)
			w.Domains = append(w.Domains, Domain{Number: n, Title: title, Weight: weight})
		}
	}
	for _, d := range domains {
		if d != nil && d.Number != questions.OtherDomain {
			add(d.Number, d.Title, d.Weight)
		}
	}
	type userTally struct{ this, last Tally }
	users := map[string]*userTally{}
	user := func(id string) *userTally {
		u := users[id]
		if u == nil {
			u = &userTally{}
			users[id] = u
		}
		return u
	}
	count := func(t *Tally, correct bool) {
		t.Answered++
		if correct {
			t.Correct++
		}
	}
	for k, posts := range [][]store.PostAnswers{this, last} {
		for _, p := range posts {
			if len(p.Answers) == 0 {
				continue
			}
			add(p.Post.Question.Domain, p.Post.Question.DomainTitle, 0)
			d := &w.Domains[idx[p.Post.Question.Domain]]
			for _, a := range p.Answers {
				if k == 0 {
					count(&d.This, a.Correct)
					count(&user(a.UserID).this, a.Correct)
				} else {
					count(&d.Last, a.Correct)
					count(&user(a.UserID).last, a.Correct)
				}
			}
		}
	}
	// the other bucket last
	sort.SliceStable(w.Domains, func(i, j int) bool {
		return w.Domains[i].Number != questions.OtherDomain && w.Domains[j].Number == questions.OtherDomain
	})

	ids := make([]string, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		u := users[id]
		if u.this.Answered == 0 || u.last.Answered == 0 {
			continue
		}
		m := Mover{Name: name(id), This: u.this, Last: u.last}
		if math.Abs(m.Delta()) >= 0.5 {
			w.Movers = append(w.Movers, m)
		}
	}
	sort.SliceStable(w.Movers, func(i, j int) bool { return math.Abs(w.Movers[i].Delta()) > math.Abs(w.Movers[j].Delta()) })
	w.Movers = w.Movers[:min(len(w.Movers), digestMovers)]

	for _, id := range ids {
		if users[id].this.Answered == 0 {
			continue
		}
		if n := streak(id); n >= 2 {
			w.Streaks = append(w.Streaks, Streak{Name: name(id), Days: n})
		}
	}
	sort.SliceStable(w.Streaks, func(i, j int) bool { return w.Streaks[i].Days > w.Streaks[j].Days })
	w.Streaks = w.Streaks[:min(len(w.Streaks), digestStreaks)]

	var hard *Hardest
	for _, p := range this {
		var t Tally
		for _, a := range p.Answers {
			count(&t, a.Correct)
		}
		if t.Answered == 0 {
			continue
		}
		// lowest share right; on a tie, the one more people answered
		if hard != nil {
			a, _ := t.Accuracy()
			b, _ := hard.Tally.Accuracy()
			if a > b || a == b && t.Answered <= hard.Tally.Answered {
				continue
			}
		}
		q := p.Post.Question
		hard = &Hardest{Stem: q.Stem, Explanation: q.Explanation, Tally: t, Choose: q.Choose()}
		if hard.Choose > 1 { // every correct option, "B: text / D: text"
			hard.Answer = render.ChoiceTexts(q, q.AnswerID)
		} else if i := q.OptionIndex(q.AnswerID); i >= 0 {
			hard.Answer = q.Options[i].Text
		}
	}
	w.Hardest = hard
	return w
}

// WeeklyDigest counts the digest a channel gets at now: the week
// DigestWeek reports and the week before, from the store, with the
// current bank's domains, each answerer's current streak and the space's
// team readiness at now. name shows a user (the platform's Mention).
func (b *Weekly) WeeklyDigest(ch store.Channel, now time.Time, name func(user string) string) (Week, error) {
	start := DigestWeek(now, ch.Location())
	this, err := b.DB.ChannelAnswers(ch.Space, ch.ID, start, start.AddDate(0, 0, 7))
	if err != nil {
		return Week{}, fmt.Errorf("digest: %w", err)
	}
	last, err := b.DB.ChannelAnswers(ch.Space, ch.ID, start.AddDate(0, 0, -7), start)
	if err != nil {
		return Week{}, fmt.Errorf("digest: %w", err)
	}
	var streakErr error
	streak := func(user string) int {
		s, err := b.DB.GetStreak(ch.Space, user)
		if err != nil && streakErr == nil {
			streakErr = err
		}
		return s.Current
	}
	lang := ch.Lang
	if lang == "" {
		lang = b.Cfg.Lang
	}
	w := BuildDigest(lang, start, this, last, b.Bank().Memo.Domains, streak, name)
	if streakErr != nil {
		return Week{}, fmt.Errorf("digest: streak: %w", streakErr)
	}
	if w.Readiness, err = b.digestReadiness(ch.Space, now); err != nil {
		return Week{}, fmt.Errorf("digest: %w", err)
	}
	return w, nil
}

// DigestState is the status line of the channel's digest setting.
func DigestState(lang string, ch store.Channel) string {
	if ch.DigestOff {
		return render.T(lang, "status.digest.off")
	}
	if mins, ok := core.ParseClock(ch.DigestTime); ok {
		return render.T(lang, "status.digest.at", dayName(lang, digestDay(ch)), fmt.Sprintf("%02d:%02d", mins/60, mins%60))
	}
	return render.T(lang, "status.digest.on", dayName(lang, digestDay(ch)))
}

// DigestMoment returns the latest time at or before now when the
// channel's timed digest was due (its day at its time of day, in its
// zone), or zero when the digest is off or follows the day's question
// instead. Wall-clock arithmetic keeps the time of day across DST.
func DigestMoment(ch store.Channel, now time.Time) time.Time {
	mins, ok := core.ParseClock(ch.DigestTime)
	if ch.DigestOff || !ok {
		return time.Time{}
	}
	h, m := mins/60, mins%60
	loc := ch.Location()
	now = now.In(loc)
	back := (int(now.Weekday()) - int(digestDay(ch)) + 7) % 7
	y, mo, d := now.Date()
	at := time.Date(y, mo, d-back, h, m, 0, 0, loc)
	if at.After(now) {
		at = time.Date(y, mo, d-back-7, h, m, 0, 0, loc)
	}
	return at
}

// NextDigest returns the channel's next timed digest after now (zero when
// it has none).
func NextDigest(ch store.Channel, now time.Time) time.Time {
	at := DigestMoment(ch, now)
	if at.IsZero() {
		return at
	}
	y, mo, d := at.Date()
	return time.Date(y, mo, d+7, at.Hour(), at.Minute(), 0, 0, at.Location())
}

// dayName names a weekday in lang ("月曜", "Monday").
func dayName(lang string, d time.Weekday) string {
	if lang == "en" {
		return d.String()
	}
	return []string{"日曜", "月曜", "火曜", "水曜", "木曜", "金曜", "土曜"}[d]
}

// digestOn is /studybot digest on, alone or with a day, a time of day or
// both ("on fri", "on 18:00", "on mon 08:30", "on first"): what is given
// is set, what is not is kept. "first" goes back to the default, right
// after the day's first scheduled question.
func (b *Weekly) digestOn(c core.Command, args []string, ch store.Channel, lang string) render.Response {
	day, clock := ch.DigestDay, ch.DigestTime
	var gotDay, gotTime bool
	for _, a := range args {
		a = strings.ToLower(a)
		if d := a[:min(len(a), 3)]; slices.Contains(weekdays, d) && !gotDay && strings.HasPrefix(strings.ToLower(time.Weekday(slices.Index(weekdays, d)).String()), a) {
			day, gotDay = d, true
			continue
		}
		if a == "first" && !gotTime {
			clock, gotTime = "", true
			continue
		}
		if mins, ok := core.ParseClock(a); ok && !gotTime {
			clock, gotTime = fmt.Sprintf("%02d:%02d", mins/60, mins%60), true
			continue
		}
		if _, ok := core.ParseClock(a); !ok && strings.ContainsAny(a, ":：") {
			return core.UsageError(lang, render.T(lang, "digest.badtime", a), "digest.example")
		}
		return core.UsageError(lang, render.T(lang, "digest.usage"), "digest.example")
	}
	cur, err := b.DB.UpdateChannel(c.Space, ch.ID, func(cur *store.Channel) error {
		cur.DigestOff, cur.DigestDay, cur.DigestTime = false, day, clock
		return nil
	})
	if err != nil {
		return b.InternalError(lang, "digest setting", err)
	}
	b.Touch(c.Space, ch.ID) // a timed digest is an event of the due-loop
	if cur.DigestTime != "" {
		return render.Private(render.Message{Tone: render.Good, Body: render.T(lang, "digest.onat", dayName(lang, digestDay(cur)), cur.DigestTime, cur.Location().String())})
	}
	return render.Private(render.Message{Tone: render.Good, Body: render.T(lang, "digest.onday", dayName(lang, digestDay(cur)))})
}

// adminDigest is /studybot digest on|off|now: on and off set the
// channel's weekly digest (stored with the channel), now posts the digest
// of the last full week in the channel at once, in the background (the
// reply goes out first).
func (b *Weekly) adminDigest(_ context.Context, c core.Command, args []string, ch store.Channel, lang string) render.Response {
	if len(args) >= 1 && args[0] == "on" {
		return b.digestOn(c, args[1:], ch, lang)
	}
	if len(args) != 1 {
		return core.UsageError(lang, render.T(lang, "digest.usage"), "digest.example")
	}
	switch args[0] {
	case "off":
		if _, err := b.DB.UpdateChannel(c.Space, ch.ID, func(cur *store.Channel) error { cur.DigestOff = true; return nil }); err != nil {
			return b.InternalError(lang, "digest setting", err)
		}
		b.Touch(c.Space, ch.ID)
		return render.Private(render.Message{Tone: render.Good, Body: render.T(lang, "digest.off")})
	case "now":
		if !b.Begin() {
			return render.Private(render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "err.internal")})
		}
		go func() { // tracked by begin: Close waits for it
			defer b.Done()
			if err := b.PostDigest(b.Context(), ch); err != nil {
				b.Log.Error("digest now", "channel", ch.ID, "err", err)
			}
		}()
		return render.Private(render.Message{Tone: render.Good, Body: render.T(lang, "digest.now")})
	}
	return core.UsageError(lang, render.T(lang, "digest.usage"), "digest.example")
}

// PostDigest posts the channel's weekly digest for the last full week
// before the bot's now: the chart (a PNG, through FilePoster when the
// platform has it) with the digest's text, or the one line of a week
// without answers.
func (b *Weekly) PostDigest(ctx context.Context, ch store.Channel) error {
	return b.postDigest(ctx, ch, false)
}

// postDigest is PostDigest. When the chart cannot be posted the text is
// posted alone and the upload's error returned. A scheduled digest of a week in which the
// channel had no question posted (a channel newer than the week) is
// skipped instead of saying that nobody answered.
func (b *Weekly) postDigest(ctx context.Context, ch store.Channel, scheduled bool) error {
	p, err := b.Platform(ch.Space.Platform)
	if err != nil {
		return err
	}
	w, err := b.WeeklyDigest(ch, b.Now(), p.Mention)
	if err != nil {
		return err
	}
	if scheduled && w.Posts == 0 {
		return nil
	}
	if w.Empty() {
		return p.Post(ctx, ch.ID, render.Message{Body: w.EmptyLine()})
	}
	png, err := Render(w)
	if err != nil {
		return err
	}
	m := render.Message{Body: w.Text()}
	fp, ok := p.(core.FilePoster)
	if !ok {
		return p.Post(ctx, ch.ID, m)
	}
	f := core.File{Name: "digest-" + w.Start.Format("2006-01-02") + ".png", Data: png, Alt: render.T(w.Lang, "digest.alt")}
	err = fp.PostFile(ctx, ch.ID, m, f)
	if err == nil || ctx.Err() != nil {
		return err
	}
	// the chart could not go (a Slack app installed without files:write):
	// the text still does, and the error is reported
	if perr := p.Post(ctx, ch.ID, m); perr != nil {
		return errors.Join(err, perr)
	}
	return fmt.Errorf("digest chart not posted, text posted alone: %w", err)
}

// digestWorkers is how many digests render at once (one: on a small
// machine a core stays free for the due-loop); the rest wait their
// turn in their own goroutine, so the due-loop never waits for a chart.
const digestWorkers = 1

// ScheduleDigest runs after a channel's scheduled daily post: for the
// first slot on the channel's digest day (Monday unless set; in the
// channel's zone) of a channel with
// the digest on, it claims the reported week in the store (so a restart
// or a second slot that Monday does not post it twice) and queues the
// digest for startDigests, which RunDue calls after every channel's
// question is out. It renders nothing itself.
func (b *Weekly) ScheduleDigest(ch store.Channel, slot time.Time) {
	if ch.DigestOff || ch.DigestTime != "" || slot.In(ch.Location()).Weekday() != digestDay(ch) {
		return
	}
	b.claimDigest(ch, DigestWeek(slot, ch.Location()))
}

// TimedDigest runs on every due turn that looks at the channel: a channel
// whose digest has a time of day claims the week once that time has come
// on its day, as long as the time is at most Config.Grace ago (a digest
// missed by a longer downtime is skipped, like a daily slot), and queues
// the digest like scheduleDigest does.
func (b *Weekly) TimedDigest(ch store.Channel, now time.Time) {
	at := DigestMoment(ch, now)
	if at.IsZero() || now.Sub(at) > b.Cfg.Grace || !ch.DigestWeek.Before(DigestWeek(at, ch.Location())) {
		return
	}
	b.claimDigest(ch, DigestWeek(at, ch.Location()))
}

// claimDigest claims the reported week for the channel in the store (so a
// restart or a second turn does not post it twice) and, when the claim is
// new, queues the digest for startDigests.
func (b *Weekly) claimDigest(ch store.Channel, week time.Time) {
	claimed := false
	_, err := b.DB.UpdateChannel(ch.Space, ch.ID, func(cur *store.Channel) error {
		if cur.DigestOff || !cur.DigestWeek.Before(week) {
			return nil
		}
		cur.DigestWeek, claimed = week, true
		return nil
	})
	if err != nil {
		b.Log.Error("digest claim", "channel", ch.ID, "err", err)
		b.Metrics.Error("store")
		return
	}
	if claimed {
		b.pendMu.Lock()
		b.pending = append(b.pending, ch)
		b.pendMu.Unlock()
	}
}

// StartDigests starts the digests claimed during a due pass, once the pass
// has posted every channel's question: each in its own goroutine, at most
// digestWorkers rendering at a time. It returns at once.
func (b *Weekly) StartDigests() {
	b.pendMu.Lock()
	chans := b.pending
	b.pending = nil
	b.pendMu.Unlock()
	for _, ch := range chans {
		if !b.Begin() {
			return
		}
		go func() { // tracked by begin: Close waits for it
			defer b.Done()
			select {
			case b.digests <- struct{}{}:
			case <-b.Context().Done():
				return
			}
			defer func() { <-b.digests }()
			if err := b.postDigest(b.Context(), ch, true); err != nil {
				b.Log.Error("weekly digest", "channel", ch.ID, "err", err)
				b.Metrics.Error("post")
			}
		}()
	}
}
