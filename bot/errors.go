package bot

import (
	"errors"

	"github.com/studybot/studybot/bot/core"
)

// Sentinel errors of the core. Test with errors.Is.
var (
	// ErrScheduleTooOften is returned by ParseSchedule for a spec that
	// posts more often than once an hour.
	ErrScheduleTooOften = core.ErrScheduleTooOften
	// ErrScheduleNever is returned by ParseSchedule for a spec that never
	// fires (such as 31 February).
	ErrScheduleNever = core.ErrScheduleNever
	// ErrDMBlocked is wrapped by DirectMessenger.DM when the platform
	// refuses to message the user at all (not a passing failure).
	ErrDMBlocked = core.ErrDMBlocked
	// ErrQuestionOpen says a post was refused (a post-now) or a slot
	// skipped because the channel's open question announced a later close.
	ErrQuestionOpen = core.ErrQuestionOpen
	// ErrTooSoon says a post was refused or a slot skipped because the
	// channel's last post went out less than MinInterval ago.
	ErrTooSoon = core.ErrTooSoon
	// ErrClosed is returned by Run after Close.
	ErrClosed = errors.New("bot is closed")
)
