// Package curate looks after the questions themselves: review decisions
// on authored and drafted questions made in chat (/studybot review and
// its buttons, written through ReviewRecorder), reports (/report,
// /studybot reports and clear-report), item flags and /studybot insights,
// and reloading the bank (Reload, /studybot reload).
//
// It must not import bot or another capability. The verdicts it records
// live in bot/core (core.Verdicts), where the quiz reads them; team
// readiness for insights comes through Team.
package curate
