package store

import "errors"

// Sentinel errors. Test with errors.Is; the wrapped message names the
// path or record and what to do.
var (
	// ErrNotFound is returned when a space, channel, post or answer does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyAnswered is returned by RecordAnswer for a second answer to a
	// post; the result carries the first answer. It is not an error for the user.
	ErrAlreadyAnswered = errors.New("already answered")
	// ErrClosed is returned by RecordAnswer for an answer after the post closed;
	// nothing is counted.
	ErrClosed = errors.New("post is closed")
	// ErrSlotTaken is returned by CreatePost when the channel already has a
	// post for that schedule slot (a double fire or a restart).
	ErrSlotTaken = errors.New("slot already posted")
	// ErrIntentPending is returned by RecordIntent when the post already
	// has an intent that was never resolved: its card may be on the
	// platform already.
	ErrIntentPending = errors.New("card intent pending from before")
	// ErrLocked is returned by Open when another process holds the database.
	ErrLocked = errors.New("database is in use by another process")
	// ErrCorrupt is returned by Open for a file that is not a valid studybot
	// database (or has a damaged meta page), by Check when a page, a record
	// or a reference is damaged or counters disagree with the answers, and
	// by CompactTo and CompactFile for a database Check refuses.
	ErrCorrupt = errors.New("database is corrupt or not a studybot database")
	// ErrReadOnly is returned by Open when the location cannot be written.
	ErrReadOnly = errors.New("database location is read-only")
	// ErrNewerSchema is returned by Open for a database written by a newer studybot.
	ErrNewerSchema = errors.New("database was written by a newer studybot")
	// ErrInvalid is returned for arguments the store cannot keep (empty IDs,
	// IDs with NUL bytes, unknown windows).
	ErrInvalid = errors.New("invalid argument")
	// ErrStoreClosed is returned by every operation after Close.
	ErrStoreClosed = errors.New("store is closed")
	// ErrNoSpace is returned by CompactTo and CompactFile when the disk (or
	// a quota, or a file size limit) has no room for the copy.
	ErrNoSpace = errors.New("not enough disk space")
	// ErrExpired is returned by RedeemLogin and GetSession for a web
	// sign-in link or session past its end.
	ErrExpired = errors.New("expired")
)
