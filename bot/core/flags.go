package core

import (
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Flag is a reason the answers (or /reports) give to look at a question
// again.
type Flag string

// The flags, in the order Flags returns them.
const (
	// FlagReported: Withheld or more users reported the question.
	FlagReported Flag = "reported"
	// FlagNegative: the people who do best overall get it right less
	// often than the rest (discrimination below zero).
	FlagNegative Flag = "negative-discrimination"
	// FlagDistractor: the strongest third of its answerers chose some
	// wrong option more often than the answer.
	FlagDistractor Flag = "distractor-beats-answer"
)

// MinFlagAnswerers is how many answerers with other answers to compare
// with (store.ItemStat.DiscriminationN) a question needs before
// FlagNegative or FlagDistractor count. Below ten, one person's answer
// moves the correlation by more than 0.3 either way, and the strongest
// third would be one or two people; at ten it is at least three.
const MinFlagAnswerers = 10

// Flags returns what is wrong with a question by its figures: nothing,
// or some of FlagReported, FlagNegative and FlagDistractor, in that order.
func Flags(s store.ItemStat) []Flag {
	var out []Flag
	if s.Reporters >= Withheld {
		out = append(out, FlagReported)
	}
	if s.DiscriminationN < MinFlagAnswerers {
		return out
	}
	if s.DiscriminationOK && s.Discrimination < 0 {
		out = append(out, FlagNegative)
	}
	// by choice key: for a multi-answer question a wrong set against the correct set, on purpose
	for opt, n := range s.TopThird {
		if opt != s.AnswerID && n > s.TopThird[s.AnswerID] {
			out = append(out, FlagDistractor)
			break
		}
	}
	return out
}

// Withholds reports whether flags keep a question out of the daily post:
// two /reports do until an admin clears them (/studybot clear), even for
// an approved question, since reports are how people say an approved
// question went wrong; the other flags do until the question is approved
// (reviewed).
func Withholds(flags []Flag, approved bool) bool {
	for _, f := range flags {
		if f == FlagReported || !approved {
			return true
		}
	}
	return false
}

// Withheld is the number of distinct reporters that withholds a question.
const Withheld = 2

// ItemFlags returns the flags of every question that has some, from the
// space's answers and reports (all time).
func (c *Core) ItemFlags(space store.SpaceRef) (map[string][]Flag, error) {
	stats, err := c.DB.ItemStats(store.ItemQuery{Space: space})
	if err != nil {
		return nil, err
	}
	out := map[string][]Flag{}
	for _, s := range stats {
		if fs := Flags(s); len(fs) > 0 {
			out[s.QuestionID] = fs
		}
	}
	return out, nil
}

// Withheld reports whether q is kept out of the daily post by its flags.
func (c *Core) Withheld(q *questions.Question, flags map[string][]Flag) bool {
	fs := flags[q.ID]
	return len(fs) > 0 && Withholds(fs, c.Verdicts.Approved(q))
}
