// Package bot is studybot's platform-neutral core: Bot, Config, the
// Platform vocabulary the adapters implement, the dispatch of commands and
// clicks to the capability that registered them, and the due-loop that
// calls each capability's jobs. Platform adapters (bot/slack, bot/discord,
// bot/console) translate their events into Command and Click values,
// deliver the Response the core returns, and implement Platform for what
// the core posts on its own (daily cards, card updates, results, digests,
// reminders).
//
// # The house
//
// One direction, checked by deps_test.go:
//
//	adapters → bot → capabilities → core → (pace, render) → (questions, store)
//
// The capabilities, one job each, never import one another:
//
//   - bot/quiz: the daily question (choosing, posting, cards, answers,
//     closing, results, history, channel settings);
//   - bot/learn: personal review (FSRS cards, /review, /stats, reminders,
//     readiness, team readiness);
//   - bot/curate: review decisions, flags and insights, reports, reloads;
//   - bot/digest: the weekly digest, text and chart.
//
// What they share lives in bot/core (the store, the bank, the clock, the
// platforms, channel locks, the registry's entries, chat verdicts and
// pools). Where one capability needs another's work (the quiz's answer
// schedules a review card; the digest shows team readiness), it names a
// small interface and New passes the other capability in. Most exported
// names here are aliases or one-line forwarders of the capabilities', kept
// so that the adapters and cmd/studybot speak to bot alone.
//
// # Scheduling
//
// One due-loop per process (Run) posts and closes: it runs RunDue, then
// sleeps on the injected clock until NextEvent or a Wake. robfig/cron only
// parses specs and computes the next slot. Only the due path moves a
// channel's LastFired; admin commands change settings with
// store.UpdateChannel, in one transaction. A slot is claimed in the store
// (the slot guard) before the previous question is closed. After a
// channel's Monday question (or at the channel's digest time of day, an
// event of the due-loop like a slot) the due path claims the weekly
// digest (Channel.DigestWeek) and the turn starts the claimed digests when
// it is over, rendered one at a time in goroutines Close waits for.
//
// The core imports no chat SDK. Time comes from Config.Now and
// Config.NewTimer; every goroutine it starts is stopped by Close, which
// cancels platform calls still running after Config.ShutdownGrace.
package bot
