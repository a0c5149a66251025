package bot

import (
	"time"

	"github.com/studybot/studybot/bot/curate"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Curation's names the program and the adapters use (see bot/curate).
type (
	// ReviewRecorder is curate.ReviewRecorder: where review decisions made
	// in chat are written.
	ReviewRecorder = curate.ReviewRecorder
	// ReloadResult is curate.ReloadResult: what a reload changed.
	ReloadResult = curate.ReloadResult
	// Recorded is curate.Recorded: where a review decision went.
	Recorded = curate.Recorded
)

// Where review decisions go (see curate.Recorded).
const (
	// InFile: the review file took the decision.
	InFile = curate.InFile
	// InStore: the database keeps it.
	InStore = curate.InStore
)

// Review errors (see bot/curate).
var (
	// ErrUnknownQuestion: the bank has no question with that ID.
	ErrUnknownQuestion = curate.ErrUnknownQuestion
	// ErrNoReason: a rejection needs a reason.
	ErrNoReason = curate.ErrNoReason
)

// Decide records an admin's review verdict the way /studybot review does
// (see curate.Curate.Decide).
func (b *Bot) Decide(sp Space, user, qid string, v questions.Verdict, reason string) (Recorded, error) {
	return b.curate.Decide(sp, user, qid, v, reason)
}

// EditQuestion checks an edit with every quality rule and records it when
// all pass (see curate.Curate.Edit).
func (b *Bot) EditQuestion(sp Space, user string, d questions.Decision) (Recorded, []*questions.ReviewError, error) {
	return b.curate.Edit(sp, user, d)
}

// ReadVerdicts calls f with the review verdicts (the review file's and
// chat's) read under one lock, for a caller that asks about the whole
// bank at once.
func (b *Bot) ReadVerdicts(f func(approved, rejected func(*questions.Question) bool)) {
	b.core.Verdicts.Read(f)
}

// HardestFirst returns the answered questions of stats, hardest first
// (see curate.HardestFirst).
func HardestFirst(stats []store.ItemStat) []store.ItemStat { return curate.HardestFirst(stats) }

// ErrNoReload is returned by Reload when Config.Reload is not set.
var ErrNoReload = curate.ErrNoReload

// InsightsWindow is how far back /studybot insights looks.
const InsightsWindow = curate.InsightsWindow

// FormatDiscrimination prints a discrimination figure (see
// curate.FormatDiscrimination).
func FormatDiscrimination(s store.ItemStat) string { return curate.FormatDiscrimination(s) }

// JoinFlags joins flags for display (see curate.JoinFlags).
func JoinFlags(fs []Flag) string { return curate.JoinFlags(fs) }

// Reload builds the bank anew with Config.Reload and swaps it in (see
// curate.Curate.Reload). Returns ErrNoReload when there is nothing to
// reload with.
func (b *Bot) Reload() (ReloadResult, error) { return b.curate.Reload() }

// LastReloadError returns the error of the last reload and when it
// happened, or "" when the last reload succeeded (or none failed yet).
func (b *Bot) LastReloadError() (string, time.Time) { return b.curate.LastReloadError() }

// ReloadReport reloads the bank and says how it went, in lang (see
// curate.Curate.ReloadReport); the console shows it when its file watch
// reloads.
func (b *Bot) ReloadReport(lang string) Message { return b.curate.ReloadReport(lang) }
