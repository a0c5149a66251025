package curate

import (
	"context"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"strings"

	"github.com/studybot/studybot/store"
)

// cmdReport is /report ID reason: a user says a question is wrong or
// unclear.
func (b *Curate) cmdReport(_ context.Context, c core.Command, lang string) render.Response {
	if len(c.Args) < 2 {
		return core.UsageError(lang, render.T(lang, "report.usage"), "report.example")
	}
	q, err := b.Bank().Get(c.Args[0])
	if err != nil {
		return core.UnknownQuestion(lang, c.Args[0], "report.example")
	}
	n, err := b.DB.ReportQuestion(c.Space, store.Report{QuestionID: q.ID, User: c.User, Reason: strings.Join(c.Args[1:], " ")})
	if err != nil {
		return b.InternalError(lang, "report", err)
	}
	return render.Private(render.Message{Tone: render.Good, Body: render.T(lang, "report.done", q.ID, n)})
}

// adminClearReport is /studybot clear-report ID.
func (b *Curate) adminClearReport(_ context.Context, c core.Command, args []string, _ store.Channel, lang string) render.Response {
	if len(args) != 1 {
		return core.UsageError(lang, render.T(lang, "clearreport.usage"), "clearreport.example")
	}
	n, err := b.DB.ClearReports(c.Space, args[0])
	if err != nil {
		return b.InternalError(lang, "clear reports", err)
	}
	return render.Private(render.Message{Tone: render.Good, Body: render.T(lang, "report.cleared", args[0], n)})
}

// adminReports is /studybot reports: every reported question.
func (b *Curate) adminReports(_ context.Context, c core.Command, _ []string, _ store.Channel, lang string) render.Response {
	by, order, err := b.DB.Reports(c.Space)
	if err != nil {
		return b.InternalError(lang, "reports", err)
	}
	return render.Private(render.ReportsMessage(by, order, lang))
}
