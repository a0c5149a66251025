package core

import "errors"

// Sentinel errors the capabilities share; bot re-exports them. Test with errors.Is.
var (
	// ErrScheduleTooOften is returned by ParseSchedule for a spec that
	// posts more often than once an hour.
	ErrScheduleTooOften = errors.New("posts more often than once an hour")
	// ErrScheduleNever is returned by ParseSchedule for a spec that never
	// fires (such as 31 February).
	ErrScheduleNever = errors.New("never fires")
	// ErrDMBlocked is wrapped by DirectMessenger.DM when the platform
	// refuses to message the user at all (not a passing failure).
	ErrDMBlocked = errors.New("user cannot be messaged directly")
	// ErrQuestionOpen says a post was refused (a post-now) or a slot
	// skipped because the channel's open question announced a later close:
	// a question is never closed before its card says.
	ErrQuestionOpen = errors.New("a question is open in the channel")
	// ErrTooSoon says a post was refused or a slot skipped because the
	// channel's last post went out less than MinInterval ago.
	ErrTooSoon = errors.New("less than an hour since the channel's last post")
)
