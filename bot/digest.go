package bot

import (
	"context"
	"time"

	"github.com/studybot/studybot/bot/digest"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// WeekStart returns Monday 00:00 in loc of the week holding t (see
// digest.WeekStart).
func WeekStart(t time.Time, loc *time.Location) time.Time { return digest.WeekStart(t, loc) }

// DigestWeek returns the start of the week a digest made at now reports
// (see digest.DigestWeek).
func DigestWeek(now time.Time, loc *time.Location) time.Time { return digest.DigestWeek(now, loc) }

// BuildDigest counts a digest from a channel's posts of the reported week
// and the week before (see digest.BuildDigest).
func BuildDigest(lang string, start time.Time, this, last []store.PostAnswers, domains []*questions.Domain, streak func(user string) int, name func(user string) string) digest.Week {
	return digest.BuildDigest(lang, start, this, last, domains, streak, name)
}

// WeeklyDigest counts a channel's digest of the week before now (see
// digest.Weekly.WeeklyDigest).
func (b *Bot) WeeklyDigest(ch store.Channel, now time.Time, name func(user string) string) (digest.Week, error) {
	return b.digest.WeeklyDigest(ch, now, name)
}

// PostDigest posts a channel's weekly digest now (see
// digest.Weekly.PostDigest).
func (b *Bot) PostDigest(ctx context.Context, ch store.Channel) error {
	return b.digest.PostDigest(ctx, ch)
}

// TeamWeek counts a space's week so far against the week before over
// all its channels (see digest.Weekly.TeamWeek).
func (b *Bot) TeamWeek(sp Space, lang string, now time.Time, name func(user string) string) (digest.Week, error) {
	return b.digest.TeamWeek(sp, lang, now, name)
}
