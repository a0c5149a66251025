package digest

import (
	"fmt"
	"strings"
	"time"
)

// Width and Height are the size of every chart Render returns, in pixels
// (16:9, readable in a Slack or Discord preview).
const (
	Width  = 1200
	Height = 675
)

// Tally counts a domain's daily answers in one week.
type Tally struct {
	// Answered is the number of answers given.
	Answered int
	// Correct is how many of them were right.
	Correct int
}

// Accuracy returns Correct/Answered in percent, and false when nothing was
// answered.
func (t Tally) Accuracy() (float64, bool) {
	if t.Answered <= 0 {
		return 0, false
	}
	return 100 * float64(t.Correct) / float64(t.Answered), true
}

// Domain is one exam domain's row of the chart.
type Domain struct {
	// Number is the domain number (1-based; 0 is the "other" bucket).
	Number int
	// Title is the domain's title, as the memo writes it.
	Title string
	// Weight is the domain's share of the exam in percent; 0 when unknown
	// (then no weight is marked).
	Weight float64
	// This and Last count the answers of this week and the week before.
	This, Last Tally
}

// HasReadiness reports whether the digest shows a team readiness
// (members review personally).
func (w Week) HasReadiness() bool { return w.Readiness != nil && w.Readiness.Members > 0 }

// Mover is a person whose accuracy changed most between the two weeks.
type Mover struct {
	// Name is how the person is shown (a mention or display name).
	Name string
	// This and Last are the person's answers of each week.
	This, Last Tally
}

// Delta returns the change of accuracy in percentage points; a week without
// answers counts as 0 %.
func (m Mover) Delta() float64 {
	a, _ := m.This.Accuracy()
	b, _ := m.Last.Accuracy()
	return a - b
}

// Streak is a person's current run of consecutive daily answers.
type Streak struct {
	// Name is how the person is shown.
	Name string
	// Days is the length of the run.
	Days int
}

// Hardest is the week's question with the lowest share of correct answers.
type Hardest struct {
	// Stem is the question text.
	Stem string
	// Answer is the correct option's text; for a multi-answer question
	// every correct option with its letter ("B: text / D: text").
	Answer string
	// Choose is 1, or how many options a multi-answer question asks for.
	Choose int
	// Explanation is why the answer is right (the memo passage or the
	// author's explanation).
	Explanation string
	// Tally counts the answers it got.
	Tally Tally
}

// Week is everything one digest shows.
type Week struct {
	// Lang is "ja" or "en"; anything else is treated as "ja".
	Lang string
	// Start is the first day of the week (the digest's week is
	// [Start, Start+7d) in the channel's time zone).
	Start time.Time
	// Posts is the number of daily questions posted in the week.
	Posts int
	// Domains are the chart's bars, in the order shown.
	Domains []Domain
	// Movers are the top movers, biggest change first.
	Movers []Mover
	// Streaks are the longest current streaks, longest first.
	Streaks []Streak
	// Hardest is the hardest question of the week, nil when none.
	Hardest *Hardest
	// Readiness is the team's exam readiness, nil when not shown.
	Readiness *Readiness
}

// Answered returns the number of answers given this week.
func (w Week) Answered() int {
	n := 0
	for _, d := range w.Domains {
		n += d.This.Answered
	}
	return n
}

// Empty reports whether nobody answered this week: the digest is then one
// line (EmptyLine) and no chart.
func (w Week) Empty() bool { return w.Answered() == 0 }

func (w Week) en() bool { return w.Lang == "en" }

// period returns "11/23–11/29" for the week.
func (w Week) period() string {
	end := w.Start.AddDate(0, 0, 6)
	return fmt.Sprintf("%d/%d–%d/%d", int(w.Start.Month()), w.Start.Day(), int(end.Month()), end.Day())
}

// EmptyLine is the whole digest of a week nobody answered.
func (w Week) EmptyLine() string {
	if w.en() {
		return fmt.Sprintf("Weekly digest (%s): no answers this week, so no chart.", w.period())
	}
	return fmt.Sprintf("週間ダイジェスト（%s）: 今週は回答がなかったため、グラフはありません。", w.period())
}

// Text returns the digest's message: a heading, the top movers, the
// longest streaks, the team's readiness (one line per domain) and the
// hardest question with its explanation. For an empty week it returns
// EmptyLine.
func (w Week) Text() string {
	if w.Empty() {
		return w.EmptyLine()
	}
	en := w.en()
	var b strings.Builder
	pick := func(ja, e string) string {
		if en {
			return e
		}
		return ja
	}
	if en {
		fmt.Fprintf(&b, "*Weekly digest* (%s): %d answers this week.\n", w.period(), w.Answered())
	} else {
		fmt.Fprintf(&b, "*週間ダイジェスト*（%s）: 今週の回答 %d 件。\n", w.period(), w.Answered())
	}
	if len(w.Movers) > 0 {
		b.WriteString(pick("\n*伸びた人・下がった人*\n", "\n*Top movers*\n"))
		for _, m := range w.Movers {
			a, _ := m.This.Accuracy()
			fmt.Fprintf(&b, "• %s %+.0f pt (%.0f%%, %d/%d)\n", m.Name, m.Delta(), a, m.This.Correct, m.This.Answered)
		}
	}
	if len(w.Streaks) > 0 {
		b.WriteString(pick("\n*連続回答*\n", "\n*Longest streaks*\n"))
		for _, s := range w.Streaks {
			fmt.Fprintf(&b, "• %s %d%s\n", s.Name, s.Days, pick(" 日", " days"))
		}
	}
	w.Readiness.write(&b, en)
	if h := w.Hardest; h != nil {
		a, _ := h.Tally.Accuracy()
		b.WriteString(pick("\n*今週いちばん難しかった問題*", "\n*Hardest question of the week*"))
		fmt.Fprintf(&b, pick("（正答率 %.0f%%、%d/%d）\n", " (%.0f%% right, %d/%d)\n"), a, h.Tally.Correct, h.Tally.Answered)
		fmt.Fprintf(&b, "> %s\n", h.Stem)
		if h.Choose > 1 {
			fmt.Fprintf(&b, pick("正解: %s\n", "Answers: %s\n"), h.Answer)
		} else {
			fmt.Fprintf(&b, pick("正解: %s\n", "Answer: %s\n"), h.Answer)
		}
		if h.Explanation != "" {
			fmt.Fprintf(&b, pick("解説: %s\n", "Why: %s\n"), h.Explanation)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
