// Package quiz is the daily question: choosing it (pools, selection, item
// spacing, history), posting its card on the channel's schedule (slot
// guard, pace, intents of cards a dead process may have posted), updating
// the card as answers come (the coalescer), recording answers and
// practice answers, closing it and posting the results; and the commands
// around it (/quiz, /memo, /leaderboard, /streak, /explain and the
// channel's /studybot settings).
//
// It is driven by bot's due-loop (DueTask, CloseTasks, ResolveIntents,
// NextPostEvent) and must not import bot or another capability: the
// review card an answer schedules, the digest a Monday post triggers and
// the reload state /studybot status shows come through Learner, Digests
// and Reloads, which bot.New fills.
package quiz
