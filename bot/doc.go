// Package bot is studybot's platform-neutral core: the daily-question
// lifecycle, the selection policy, the commands, the scheduler and the
// message model. Platform adapters (bot/slack, bot/discord, bot/console)
// translate their events into Command and Click values, deliver the
// Response the core returns, and implement Platform for what the core
// posts on its own (daily cards, card updates, results).
//
// The core imports no chat SDK. Time comes from Config.Now; every
// goroutine it starts is stopped by Close.
package bot
