// Package bot is studybot's platform-neutral core: the daily-question
// lifecycle, the selection policy, the commands, the scheduler and the
// message model. Platform adapters (bot/slack, bot/discord, bot/console)
// translate their events into Command and Click values, deliver the
// Response the core returns, and implement Platform for what the core
// posts on its own (daily cards, card updates, results).
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
