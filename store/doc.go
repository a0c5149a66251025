// Package store keeps studybot's durable state in one bbolt file: spaces
// and channels with their schedules, daily posts with a snapshot of the
// question as shown, answers, per-domain leaderboard counters, streaks,
// question history and reports. ItemStats reads the answers back per
// question (share correct, discrimination, choices) for item analysis.
// Cards are each user's spaced-repetition state per memo item (UpdateCard,
// Cards); the store keeps them and never schedules.
// ChannelAnswers reads a channel's posts of a week with their answers for
// the weekly digest.
//
// It exposes domain operations only. Bucket names, key encodings and
// transactions never leave the package; callers see Go values and the
// sentinel errors in errors.go.
//
// # Durability
//
// An operation that returns without error has been committed (two
// fdatasyncs). Concurrent answers are coalesced with bbolt's Batch, so a
// burst of clicks on one question costs a handful of commits, not one each.
// Leaderboard counters are updated in the answer's own transaction, so they
// always equal a recount of the answers; Check verifies exactly that.
//
// # Size
//
// Answers of a closed post move to an append-only archive of small
// records in full pages (archive.go); practice answers are keyed by time
// (practice.go); buckets appended in order fill their pages (fill.go);
// leaderboard data of weeks and months before the previous one is deleted
// as posts close (prune.go).
//
// # Leaderboards
//
// Each board (space × week, month or all time × domain or all domains)
// keeps, beside its counters, a points histogram, a rank index in board
// order and an accuracy index of the players with AccuracyMinAnswered
// answers; both indexes carry the number of their entries per block of
// consecutive entries (countedindex.go). A caller's row is the histogram's
// count of players with more points plus the block counts from the start
// of the caller's points to their entry, so /leaderboard costs the same for
// the last of 100,000 players as for the first. The daily draw reads each
// space's answers per domain from sums kept as answers arrive.
//
// # Caveats
//
// bbolt takes an exclusive file lock: one process at a time. A second
// studybot on the same file gets ErrLocked after Options.Timeout.
// The file never shrinks; CompactFile rewrites a stopped database without
// its free space, and CompactTo writes compacted backups.
//
// A damaged file never panics the caller: Open refuses it (a page walk
// that does not trust the file runs before bbolt's own), and every other
// operation returns an error wrapping ErrCorrupt. Open also refuses a file
// with one damaged meta page, which bbolt would open silently as it was
// one transaction earlier (meta.go). Check walks the pages first (and,
// on a file opened read-only, runs bbolt's own page check too: on a
// database open for writing that check races with commits), then reads
// every record and what it refers to (an answer's post, a
// post's channel), then recounts the counters; Export, CompactTo and
// CompactFile refuse where Check finds problems, in the same read
// transaction. The compaction itself is bounded (twice the file's bytes,
// a nesting depth, the caller's context), and its temporary file is
// removed on every way out; one that a killed process left is removed by
// the next compaction into the same place. Damage inside a record's text
// (a question's stem) reads as valid and is not found: bbolt keeps no
// checksums of data pages. One gap: bbolt commits batched answers in a
// goroutine of its own, where a panic cannot be recovered.
package store
