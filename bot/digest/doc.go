// Package digest is the weekly digest capability: when a channel's digest
// is due (after its Monday question, or at its own day and time) the due
// path claims it (ScheduleDigest, TimedDigest) and the turn posts the
// claimed ones when it is over (StartDigests); WeeklyDigest counts the
// week from the store; /studybot digest sets it up.
//
// Its rendering is pure: a Week (numbers already counted) becomes a PNG
// chart of the team's accuracy per exam domain this week against last
// week, each domain's exam weight marked and, where members review
// personally, the team's readiness per domain (Render); and the text that
// goes with it (top movers, longest streaks, team readiness, the hardest
// question of the week: Week.Text).
//
// It must not import bot or another capability; team readiness comes
// through Team (bot/learn implements it).
//
// Labels are drawn with IPAexGothic (IPA Font License v1.0, see
// font/LICENSE-IPA), embedded in the binary, so Japanese never shows as
// tofu and no system font is needed at build, test or run time.
//
// # Caveats
//
// The embedded font adds about 6 MB to the binary. The first Render parses
// it (about 10 ms); later calls reuse the parsed face.
package digest
