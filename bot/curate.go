package bot

import (
	"time"

	"github.com/studybot/studybot/bot/curate"
	"github.com/studybot/studybot/store"
)

// Curation's names the program and the adapters use (see bot/curate).
type (
	// ReviewRecorder is curate.ReviewRecorder: where review decisions made
	// in chat are written.
	ReviewRecorder = curate.ReviewRecorder
	// ReloadResult is curate.ReloadResult: what a reload changed.
	ReloadResult = curate.ReloadResult
)

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
