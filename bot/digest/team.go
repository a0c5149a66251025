package digest

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/store"
)

// teamStreaks bounds the streaks TeamWeek lists.
const teamStreaks = 10

// TeamWeek counts a whole space's week so far — Monday 00:00 in the
// space's zone up to now — against the week before, over every channel of
// the space, the way a digest counts one channel: per-domain tallies (the
// chart's bars, see Render), the hardest post, the team's readiness at
// now, and the current streaks of this week's answerers (up to
// teamStreaks, longest first, each at least one day). name shows a user.
// The web page's team view is drawn from it.
func (b *Weekly) TeamWeek(sp core.Space, lang string, now time.Time, name func(user string) string) (Week, error) {
	loc := time.UTC
	if s, err := b.DB.GetSpace(sp); err == nil {
		loc = s.Location()
	} else if !errors.Is(err, store.ErrNotFound) {
		return Week{}, fmt.Errorf("team week: %w", err)
	}
	start := WeekStart(now, loc)
	chans, err := b.DB.Channels()
	if err != nil {
		return Week{}, fmt.Errorf("team week: %w", err)
	}
	var this, last []store.PostAnswers
	for _, ch := range chans {
		if ch.Space != sp {
			continue
		}
		t, err := b.DB.ChannelAnswers(sp, ch.ID, start, now.Add(time.Nanosecond))
		if err != nil {
			return Week{}, fmt.Errorf("team week: %w", err)
		}
		l, err := b.DB.ChannelAnswers(sp, ch.ID, start.AddDate(0, 0, -7), start)
		if err != nil {
			return Week{}, fmt.Errorf("team week: %w", err)
		}
		this, last = append(this, t...), append(last, l...)
	}
	days := map[string]int{}
	var streakErr error
	streak := func(user string) int {
		if n, ok := days[user]; ok {
			return n
		}
		s, err := b.DB.GetStreak(sp, user)
		if err != nil && streakErr == nil {
			streakErr = err
		}
		days[user] = s.Current
		return s.Current
	}
	w := BuildDigest(lang, start, this, last, b.Bank().Memo.Domains, streak, name)
	// every answerer of the week, not the digest's top three
	w.Streaks = w.Streaks[:0]
	seen := map[string]bool{}
	for _, p := range this {
		for _, a := range p.Answers {
			if seen[a.UserID] {
				continue
			}
			seen[a.UserID] = true
			if n := streak(a.UserID); n >= 1 {
				w.Streaks = append(w.Streaks, Streak{Name: name(a.UserID), Days: n})
			}
		}
	}
	if streakErr != nil {
		return Week{}, fmt.Errorf("team week: streak: %w", streakErr)
	}
	sort.SliceStable(w.Streaks, func(i, j int) bool {
		if w.Streaks[i].Days != w.Streaks[j].Days {
			return w.Streaks[i].Days > w.Streaks[j].Days
		}
		return w.Streaks[i].Name < w.Streaks[j].Name
	})
	w.Streaks = w.Streaks[:min(len(w.Streaks), teamStreaks)]
	if w.Readiness, err = b.digestReadiness(sp, now); err != nil {
		return Week{}, fmt.Errorf("team week: %w", err)
	}
	return w, nil
}
