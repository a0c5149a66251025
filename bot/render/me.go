package render

import (
	"fmt"
	"math"
	"strings"
)

// KindMe is a part of a user's own progress view (/me, Slack's Home tab):
// adapters show its buttons like a card's, wherever it is.
const KindMe Kind = 100

// Bounds of the progress view, so that it fits every platform however
// large the state (Slack's 100 blocks and 3,000-character sections,
// Discord's 6,000-character embeds and five rows of buttons).
const (
	// MeMaxToday is how many of today's questions the view lists.
	MeMaxToday = 3
	// MeMaxDomains is how many domains the readiness bars list.
	MeMaxDomains = 12
	// meLabelRunes bounds a domain label in a bar row.
	meLabelRunes = 48
	// meBarWidth is the number of cells in a readiness bar.
	meBarWidth = 10
)

// ReminderTimes are the times of day the view offers as reminder buttons.
var ReminderTimes = []string{"07:00", "12:00", "21:00"}

// ReminderZones are the time zones the view offers as buttons (besides
// the command /review tz, which takes any).
var ReminderZones = []string{"Asia/Tokyo", "UTC", "America/New_York"}

// Me is what a user's own progress view shows; the learning capability
// fills it and MeMessages renders it.
type Me struct {
	// Streak and BestStreak are the user's current and longest runs.
	Streak, BestStreak int
	// Today lists today's questions in the space's channels.
	Today []MeToday
	// Due is how many review items are due now.
	Due int
	// Studied is how many items the user has answered at least once.
	Studied int
	// Overall is the weighted predicted recall (0–1).
	Overall float64
	// Domains is the readiness per domain, in domain order.
	Domains []MeDomain
	// Weakest is the label of the weakest domain ("" when none).
	Weakest string
	// Reminder is the user's review reminder.
	Reminder MeReminder
	// Admin is the admins' block (nil for everyone else).
	Admin *MeAdmin
}

// MeToday is one of today's questions.
type MeToday struct {
	// PostID names the post (the action that shows its card).
	PostID string
	// Number is the channel's question number.
	Number int
	// Domain is the question's domain label.
	Domain string
	// Answered reports whether the user answered it.
	Answered bool
	// Closed reports whether it has closed.
	Closed bool
	// Closes is when it closes, formatted in the channel's zone.
	Closes string
}

// MeDomain is one domain's readiness.
type MeDomain struct {
	// Label is the domain's label ("第 3 分野: …").
	Label string
	// Recall is the mean predicted recall (0–1).
	Recall float64
	// Seen and Items count the items answered and the live items.
	Seen, Items int
}

// MeReminder is a user's review reminder as the view shows it.
type MeReminder struct {
	// On reports whether a daily reminder is set.
	On bool
	// Blocked reports whether it stopped (direct messages refused).
	Blocked bool
	// At is the time of day ("21:00").
	At string
	// TZ is the user's zone name.
	TZ string
	// Next is when the next reminder goes out, formatted ("" when off).
	Next string
	// NoDM is set where the platform cannot send direct messages: the
	// view offers no reminder buttons then.
	NoDM bool
}

// MeAdmin is the admins' block of the view.
type MeAdmin struct {
	// Drafts is how many questions wait for a review decision.
	Drafts int
	// Flagged is how many questions are flagged or reported.
	Flagged int
	// Web reports whether /studybot web exists (a button then; else a
	// hint naming the command).
	Web bool
}

// recallBar draws x (0–1) as meBarWidth cells.
func recallBar(x float64) string {
	n := int(math.Round(min(max(x, 0), 1) * meBarWidth))
	return strings.Repeat("█", n) + strings.Repeat("░", meBarWidth-n)
}

func pct(x float64) string { return fmt.Sprintf("%d%%", int(math.Round(x*100))) }

// MeMessages renders a user's progress view as a few KindMe messages,
// each with its own buttons: the streak, today's questions, reviews due,
// readiness bars, the reminder and, for admins, the admins' block. Every
// list is bounded (MeMaxToday, MeMaxDomains), so the view fits each
// platform's limits whatever the state.
func MeMessages(v Me, lang string) []Message {
	var out []Message
	out = append(out, Message{Kind: KindMe, Title: T(lang, "me.title"),
		Body: T(lang, "me.streak", v.Streak, v.BestStreak)})

	var lines []string
	if len(v.Today) == 0 {
		lines = append(lines, T(lang, "me.today.none"))
	}
	today := Message{Kind: KindMe}
	for i, p := range v.Today {
		if i == MeMaxToday {
			lines = append(lines, T(lang, "me.more", len(v.Today)-MeMaxToday))
			break
		}
		state := T(lang, "me.today.open", p.Closes)
		switch {
		case p.Answered:
			state = T(lang, "me.today.answered")
		case p.Closed:
			state = T(lang, "me.today.closed")
		}
		lines = append(lines, T(lang, "me.today.row", p.Number, Truncate(p.Domain, meLabelRunes), state))
		today.Buttons = append(today.Buttons, Button{ActionID: OpenCardAction(p.PostID), Label: T(lang, "me.today.show", p.Number)})
	}
	today.Fields = []Field{{Name: T(lang, "me.today"), Value: strings.Join(lines, "\n")}}
	out = append(out, today)

	review := Message{Kind: KindMe, Fields: []Field{{Name: T(lang, "me.review"), Value: T(lang, "me.review.due", v.Due)}},
		Buttons: []Button{{ActionID: CommandAction("review"), Label: T(lang, "me.review.start")}}}
	out = append(out, review)

	ready := Message{Kind: KindMe}
	lines = nil
	if v.Studied == 0 {
		lines = append(lines, T(lang, "me.ready.none"))
	} else {
		lines = append(lines, T(lang, "me.ready.overall", pct(v.Overall)))
		for i, d := range v.Domains {
			if i == MeMaxDomains {
				lines = append(lines, T(lang, "me.more", len(v.Domains)-MeMaxDomains))
				break
			}
			lines = append(lines, fmt.Sprintf("%s %4s  %s", recallBar(d.Recall), pct(d.Recall), Truncate(d.Label, meLabelRunes)))
		}
		if v.Weakest != "" {
			ready.Context = T(lang, "me.ready.weakest", Truncate(v.Weakest, meLabelRunes))
		}
	}
	ready.Fields = []Field{{Name: T(lang, "me.ready"), Value: strings.Join(lines, "\n")}}
	out = append(out, ready)

	r := v.Reminder
	remind := Message{Kind: KindMe}
	var state string
	switch {
	case r.On && r.Blocked:
		state = T(lang, "me.remind.blocked", r.At)
	case r.On:
		state = T(lang, "me.remind.on", r.At, r.Next)
	default:
		state = T(lang, "me.remind.off")
	}
	remind.Fields = []Field{{Name: T(lang, "me.remind"), Value: state + "\n" + T(lang, "me.remind.zone", r.TZ)}}
	if r.NoDM {
		remind.Context = T(lang, "remind.nodm")
	} else {
		for _, at := range ReminderTimes {
			if r.On && !r.Blocked && at == r.At {
				continue
			}
			remind.Buttons = append(remind.Buttons, Button{ActionID: SettingAction("review", "remind", at), Label: "⏰ " + at})
		}
		if r.On {
			remind.Buttons = append(remind.Buttons, Button{ActionID: SettingAction("review", "remind", "off"), Label: T(lang, "me.remind.stop")})
		}
		for _, z := range ReminderZones {
			if z != r.TZ {
				remind.Buttons = append(remind.Buttons, Button{ActionID: SettingAction("review", "tz", z), Label: "🌐 " + z})
			}
		}
		remind.Context = T(lang, "me.remind.hint")
	}
	out = append(out, remind)

	if a := v.Admin; a != nil {
		adm := Message{Kind: KindMe, Fields: []Field{{Name: T(lang, "me.admin"), Value: T(lang, "me.admin.counts", a.Drafts, a.Flagged)}},
			Buttons: []Button{
				{ActionID: CommandAction("studybot", "review"), Label: T(lang, "me.admin.review")},
				{ActionID: CommandAction("studybot", "reports"), Label: T(lang, "me.admin.reports")},
			}}
		if a.Web {
			adm.Buttons = append(adm.Buttons, Button{ActionID: CommandAction("studybot", "web"), Label: T(lang, "me.admin.web")})
		} else {
			adm.Context = T(lang, "me.admin.webhint")
		}
		out = append(out, adm)
	}
	return out
}
