package bot

import (
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/store"
)

// Flag is core.Flag: a reason to look at a question again.
type Flag = core.Flag

// The flags (see core.Flag) and their thresholds.
const (
	FlagReported     = core.FlagReported
	FlagNegative     = core.FlagNegative
	FlagDistractor   = core.FlagDistractor
	MinFlagAnswerers = core.MinFlagAnswerers
	Withheld         = core.Withheld
)

// The question pools (see core.PoolApproved).
const (
	PoolApproved      = core.PoolApproved
	PoolApprovedFirst = core.PoolApprovedFirst
	PoolAll           = core.PoolAll
)

// Flags returns what is wrong with a question by its figures (core.Flags).
func Flags(s store.ItemStat) []Flag { return core.Flags(s) }

// Withholds reports whether flags keep a question out of the daily post
// (core.Withholds).
func Withholds(flags []Flag, approved bool) bool { return core.Withholds(flags, approved) }
