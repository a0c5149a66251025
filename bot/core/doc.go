// Package core is what studybot's capabilities share, below all of them:
// the Platform vocabulary (Platform, File, FilePoster, DirectMessenger,
// SpaceOwner), the inputs (Command, Click), the command registry's
// entries and handler types, the sentinel errors, Metrics, and Core: the
// store, the bank, the clock, the registered platforms, the spaces known
// to exist, per-channel locks and the lifecycle of background work (Begin,
// Track, CallCtx) that bot.Close waits for. It also holds the little
// policy more than one capability reads: the chat review verdicts, item
// flags, question pools, the team readiness figures and the HH:MM parser.
//
// It must not import bot or any capability (bot/quiz, bot/learn,
// bot/curate, bot/digest), and must not grow a capability's job: a
// function here is one that two capabilities need.
package core
