package quiz

import (
	"github.com/studybot/studybot/bot/core"
	"time"

	"github.com/studybot/studybot/store"
)

// The due-loop's invariants (issue 21). They are judged from what the
// store holds — the channel's latest post, its OpenedAt and its announced
// ClosesAt — so they hold across schedule, zone and close-after changes
// and across restarts alike:
//
//   - at most one post per channel per MinInterval, measured from the last
//     post's actual OpenedAt (not its slot). A scheduled slot that comes
//     sooner waits for the interval to pass when that is within the
//     catch-up grace of the slot (an hourly schedule whose previous card
//     went out a few seconds late), else it is skipped; a post-now is
//     refused (ErrTooSoon);
//   - a question closes when its card says: the announced close is stored
//     with the post (ClosesAt), shown on the card to the minute it really
//     has (closesAt puts it on a whole minute) and is the only thing
//     closing uses. A slot that comes while the open question's announced
//     close is still ahead of it is skipped, not posted later: the
//     schedule, zone or a post-now moved things, and a card posted hours
//     after its slot would only confuse. A post-now is refused
//     (ErrQuestionOpen). Nothing else closes a question early: a close-after
//     change applies to the next post;
//   - close-after is bounded by MinCloseAfter and MaxCloseAfter wherever it
//     comes from (a command, the config, an old stored value); the next
//     post may still cut a question's open time shorter, to one minute
//     before that post's slot, and the card says so.

// gateVerdict is what the invariants let a slot do now.
type gateVerdict int

const (
	gatePost gateVerdict = iota // post now
	gateWait                    // post later, at the time returned
	gateSkip                    // never post this slot
)

// gate judges a slot at now against the channel's latest post (has: there
// is one): see the invariants above. For gateWait it returns when the slot
// may post; for gateSkip the error says why (ErrQuestionOpen, ErrTooSoon).
func gate(prev store.Post, has bool, slot, now time.Time, grace time.Duration) (gateVerdict, time.Time, error) {
	if !has {
		return gatePost, time.Time{}, nil
	}
	if !prev.Closed && prev.ClosesAt.After(slot) {
		return gateSkip, prev.ClosesAt, core.ErrQuestionOpen
	}
	earliest := prev.OpenedAt.Add(MinInterval)
	if now.Before(earliest) {
		if earliest.Sub(slot) <= grace {
			return gateWait, earliest, nil
		}
		return gateSkip, earliest, core.ErrTooSoon
	}
	return gatePost, time.Time{}, nil
}

// clampCloseAfter bounds a question's open time by MinCloseAfter and
// MaxCloseAfter (an old stored value or a config that slipped past its
// check still gets a sane close).
func clampCloseAfter(d time.Duration) time.Duration {
	return min(max(d, MinCloseAfter), MaxCloseAfter)
}

// closesAt is the announced close of a post for slot (a post-now's slot is
// its time) opened at opened: CloseAfter after opening (bounded, rounded
// up to a whole minute), or one minute before the slot of the channel's
// next post if that is sooner. Only a slot at least MinInterval after this
// post's slot cuts it short — on a schedule that is every next slot
// (ParseSchedule refuses closer ones), so a card that went out a little
// late still closes before the next; a slot closer to a post-now is
// skipped by the gate instead, as the question is then open past it, so a
// post-now at 08:59:30 is not cut to a minute. The result is on a whole
// minute, so the card's "15:04" is the real close.
func (b *Quiz) closesAt(ch store.Channel, slot, opened time.Time) time.Time {
	after := ch.CloseAfter
	if after <= 0 {
		after = b.Cfg.CloseAfter
	}
	end := ceilMinute(opened.Add(clampCloseAfter(after)))
	s, err := channelSchedule(ch)
	if err != nil {
		return end
	}
	for n, i := s.Next(opened), 0; !n.IsZero() && n.Before(end.Add(time.Minute)) && i < 100; n, i = s.Next(n), i+1 {
		c := n.Add(-time.Minute).Truncate(time.Minute)
		if n.Sub(slot) < MinInterval || !c.After(opened) || opened.Add(MinInterval).Sub(n) > b.Cfg.Grace {
			continue // the gate skips this slot
		}
		if c.Before(end) {
			end = c
		}
		break
	}
	return end
}

// ceilMinute rounds t up to a whole minute.
func ceilMinute(t time.Time) time.Time {
	if f := t.Truncate(time.Minute); f.Before(t) {
		return f.Add(time.Minute)
	}
	return t
}

// nextPostAt is when the channel's next scheduled post will go out, after
// now, as the gate will judge it against the channel's latest post (zero
// when none within a year or the schedule is refused).
func (b *Quiz) nextPostAt(ch store.Channel, now time.Time) time.Time {
	s, err := channelSchedule(ch)
	if err != nil {
		return time.Time{}
	}
	prev, perr := b.DB.LatestPost(ch.Space, ch.ID)
	for n, i := s.Next(now), 0; !n.IsZero() && i < 1000; n, i = s.Next(n), i+1 {
		switch v, at, _ := gate(prev, perr == nil, n, n, b.Cfg.Grace); v {
		case gatePost:
			return n
		case gateWait:
			return at
		}
	}
	return time.Time{}
}

// heldError says a scheduled slot waits for the minimum interval: it
// posts at until.
type heldError struct{ until time.Time }

func (e *heldError) Error() string {
	return "slot held until " + e.until.UTC().Format(time.RFC3339) + ": " + core.ErrTooSoon.Error()
}

func (e *heldError) Unwrap() error { return core.ErrTooSoon }

// skipError says a slot (or a post-now) is not posted: err is
// ErrQuestionOpen (the open question's announced close, at, is after it)
// or ErrTooSoon (the next post may come at at).
type skipError struct {
	at  time.Time
	err error
}

func (e *skipError) Error() string {
	return "slot not posted (until " + e.at.UTC().Format(time.RFC3339) + "): " + e.err.Error()
}

func (e *skipError) Unwrap() error { return e.err }
