package quiz

import (
	"errors"
	"sync"
	"time"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/store"
)

// Digests are the weekly digest's jobs the posting path triggers
// (bot/digest implements them): a timed digest due in a channel, the
// digest that follows a channel's Monday question, and the digest's
// setting as /studybot status shows it.
type Digests interface {
	TimedDigest(ch store.Channel, now time.Time)
	ScheduleDigest(ch store.Channel, slot time.Time)
	State(lang string, ch store.Channel) string
}

// Learner schedules the answerer's review card of an item after an answer
// (bot/learn implements it).
type Learner interface {
	Record(space store.SpaceRef, user, item, questionID string, domain int, correct bool)
}

// Loop is what the posting path tells the due-loop (bot implements it):
// hold a channel's due slot until a time (zero: release it).
type Loop interface {
	Hold(k core.ChanKey, until time.Time)
}

// Reloads tell /studybot status how the last reload went (bot/curate
// implements it).
type Reloads interface {
	LastReloadError() (string, time.Time)
}

// Bounds of a question's open time: the one rule for /studybot close-after,
// the config's close_after and the due-loop alike.
const (
	// MinCloseAfter is the shortest time a question stays open.
	MinCloseAfter = time.Hour
	// MaxCloseAfter is the longest time a question stays open.
	MaxCloseAfter = 24 * time.Hour
)

// errStale says a scheduled slot was handled while we waited for the lock.
var errStale = errors.New("slot already handled")

// Quiz is the daily question: choosing (pools, selection, item spacing,
// history), posting, cards and their updates, answers, closing and
// results, and the channel settings that drive them.
type Quiz struct {
	*core.Core
	digests Digests
	learner Learner
	loop    Loop
	reloads Reloads

	cards       *coalescer
	updaterOnce sync.Once
	badSpecs    sync.Map // channel and spec already reported as refused
	foreign     sync.Map // spaces of another shard already reported (shard.go)
	inFlight    sync.Map // post ID → chan struct{}: a card posted, its commit not yet done (awaitPost)
}

// New returns the quiz capability over c.
func New(c *core.Core, d Digests, l Learner, r Reloads, loop Loop) *Quiz {
	q := &Quiz{Core: c, digests: d, learner: l, reloads: r, loop: loop}
	q.cards = newCoalescer(q, c.Cfg.UpdateEvery)
	return q
}

// StartUpdater starts the coalescing card updater (once); StopUpdater
// stops it.
func (b *Quiz) StartUpdater() { b.updaterOnce.Do(func() { go b.cards.run() }) }

// StopUpdater flushes what card updates it may and stops the updater.
func (b *Quiz) StopUpdater() { b.cards.stop() }

// Handlers are the commands the quiz answers.
func (b *Quiz) Handlers() core.Handlers {
	return core.Handlers{
		Commands: map[string]core.CommandFunc{
			"quiz": b.cmdQuiz, "memo": b.cmdMemo, "leaderboard": b.cmdLeaderboard, "streak": b.cmdStreak, "explain": b.cmdExplain,
		},
		Admin: map[string]core.AdminFunc{
			"schedule": b.adminSchedule, "close-after": b.adminCloseAfter, "domains": b.adminDomains, "lang": b.adminLang,
			"pool": b.adminPool, "pause": b.adminPause, "resume": b.adminResume, "post-now": b.adminPostNow,
			"status": b.adminStatus, "history": b.adminHistory,
		},
	}
}
