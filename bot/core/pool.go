package core

import (
	"errors"
	"github.com/studybot/studybot/bot/render"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Pools: which questions a channel's daily post and /quiz may use
// (store.Channel.Pool). Questions the review file rejects are never in
// the bank, so no pool holds them.
const (
	// PoolApproved uses approved questions only.
	PoolApproved = "approved"
	// PoolApprovedFirst draws approved questions before the rest (the
	// default).
	PoolApprovedFirst = "approved-first"
	// PoolAll ignores approval.
	PoolAll = "all"
)

// ValidPool reports whether p names a pool.
func ValidPool(p string) bool {
	return p == PoolApproved || p == PoolApprovedFirst || p == PoolAll
}

// ChannelPool returns the channel's pool, the default when unset.
func ChannelPool(ch store.Channel) string {
	if !ValidPool(ch.Pool) {
		return PoolApprovedFirst
	}
	return ch.Pool
}

// PoolName is a pool as users read it.
func PoolName(lang, p string) string { return render.T(lang, "pool."+p) }

// InPool reports whether pool p may use q at all: never a question
// rejected in chat, only approved ones for PoolApproved, and never a
// drafted question whose model doubted its memo line (Question.Doubt)
// before a person approves it. Other drafts are authored questions: every
// pool treats them like hand-written ones (ranked after them).
func (b *Core) InPool(p string, q *questions.Question) (in bool) {
	b.Verdicts.Read(func(approved, rejected func(*questions.Question) bool) {
		in = inPoolOf(p, q, approved, rejected)
	})
	return in
}

// inPoolOf is inPool with the chat verdicts read.
func inPoolOf(p string, q *questions.Question, approved, rejected func(*questions.Question) bool) bool {
	if q.Doubt != "" || p == PoolApproved {
		return !rejected(q) && approved(q)
	}
	return !rejected(q)
}

// QuizPool narrows /quiz's questions (in draw order) to the pool of the
// channel the command came from (the default pool in DMs and unset
// channels): only approved ones, or approved ones first, or all.
func (b *Core) QuizPool(c Command, qs []*questions.Question) []*questions.Question {
	p := PoolApprovedFirst
	if !c.DM && c.Channel != "" {
		if ch, err := b.DB.GetChannel(c.Space, c.Channel); err == nil {
			p = ChannelPool(ch)
		} else if !errors.Is(err, store.ErrNotFound) {
			b.Log.Warn("quiz pool", "err", err)
		}
	}
	out := make([]*questions.Question, 0, len(qs))
	var rest []*questions.Question
	// the chat verdicts read under one lock for the whole bank
	b.Verdicts.Read(func(approved, rejected func(*questions.Question) bool) {
		for _, q := range qs {
			switch {
			case !inPoolOf(p, q, approved, rejected):
			case p == PoolAll || approved(q):
				out = append(out, q)
			default:
				rest = append(rest, q)
			}
		}
	})
	return append(out, rest...)
}
