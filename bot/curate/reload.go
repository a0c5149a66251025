package curate

import (
	"context"
	"errors"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"time"

	"github.com/studybot/studybot/store"
)

// ErrNoReload is returned by Reload when Config.Reload is not set.
var ErrNoReload = errors.New("the bank cannot be reloaded (no reload function)")

// Review errors (Decide, Edit).
var (
	// ErrUnknownQuestion: the bank has no question with that ID.
	ErrUnknownQuestion = errors.New("no such question")
	// ErrNoReason: a rejection needs a reason.
	ErrNoReason = errors.New("a rejection needs a reason")
)

// ReloadResult says what a successful Reload changed.
type ReloadResult struct {
	// Before and After are the number of questions in the old and new bank.
	Before, After int
}

// Reload builds the bank anew with Config.Reload and swaps it in. Answers
// and commands already running keep the bank they took; the next ones use
// the new one. When the build fails the old bank stays, the error is
// logged, counted (metric error kind "reload") and shown by /studybot
// status until a reload succeeds, and Reload returns it. Reloads run one
// at a time. Returns ErrNoReload when there is nothing to reload with.
func (b *Curate) Reload() (ReloadResult, error) {
	if b.reload == nil {
		return ReloadResult{}, ErrNoReload
	}
	b.reloadMu.Lock()
	defer b.reloadMu.Unlock()
	old := b.Bank()
	bank, err := b.reload()
	if err == nil && (bank == nil || len(bank.Questions) == 0) {
		err = errors.New("the new bank has no questions")
	}
	if err != nil {
		b.lastFail, b.lastFailT = err.Error(), b.Now()
		b.Log.Error("reload failed; keeping the old bank", "err", err, "questions", len(old.Questions))
		b.Metrics.Error("reload")
		return ReloadResult{}, err
	}
	b.SetBank(bank)
	b.lastFail, b.lastFailT = "", time.Time{}
	b.Log.Info("bank reloaded", "before", len(old.Questions), "after", len(bank.Questions), "memo_hash", bank.Memo.Hash)
	return ReloadResult{Before: len(old.Questions), After: len(bank.Questions)}, nil
}

// LastReloadError returns the error of the last reload and when it
// happened, or "" when the last reload succeeded (or none failed yet).
func (b *Curate) LastReloadError() (string, time.Time) {
	b.reloadMu.Lock()
	defer b.reloadMu.Unlock()
	return b.lastFail, b.lastFailT
}

func (b *Curate) adminReload(_ context.Context, _ core.Command, _ []string, _ store.Channel, lang string) render.Response {
	return render.Private(b.ReloadReport(lang))
}

// ReloadReport reloads the bank (Reload) and says how it went, in lang:
// the number of questions before and after, or why the old bank stays.
// The admin command replies with it; the console shows it when its file
// watch reloads.
func (b *Curate) ReloadReport(lang string) render.Message {
	r, err := b.Reload()
	if errors.Is(err, ErrNoReload) {
		return render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "reload.none")}
	}
	if err != nil {
		return render.Message{Kind: render.KindError, Tone: render.Bad, Body: render.T(lang, "reload.failed", err.Error())}
	}
	return render.Message{Tone: render.Good, Body: render.T(lang, "reload.done", r.Before, r.After)}
}
