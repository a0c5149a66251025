package render

import (
	"strings"
	"time"
)

// Kind tells an adapter what a Message is, so it can render it natively.
type Kind int

// Message kinds.
const (
	// KindText is a plain informational message.
	KindText Kind = iota
	// KindCard is a question card with answer buttons.
	KindCard
	// KindResults is the results of a closed question.
	KindResults
	// KindLeaderboard is a ranked table.
	KindLeaderboard
	// KindLookup is memo lookup results.
	KindLookup
	// KindFeedback is the private reply to an answer.
	KindFeedback
	// KindError is a user-facing error.
	KindError
)

// Tone colours a message where the platform can.
type Tone int

// Tones.
const (
	// Neutral is the default.
	Neutral Tone = iota
	// Good marks a correct answer or success.
	Good
	// Bad marks a wrong answer or an error.
	Bad
)

// Field is a name/value pair: a leaderboard row, a result bar, a lookup hit.
type Field struct {
	// Name is the field's label.
	Name string
	// Value is its content (may span lines).
	Value string
}

// Button is an answer button.
type Button struct {
	// ActionID routes the click back to the core; adapters pass it through
	// unchanged (it is short enough for Slack and Discord custom IDs).
	ActionID string
	// Label is what the button shows ("A", "B" …).
	Label string
	// Text is the option's text, shown beside or on the button.
	Text string
	// Disabled buttons are shown but cannot be clicked (a closed card).
	Disabled bool
	// Value is what choosing this option of a multi-select card (see
	// Message.Choose) sends back in Click.Values: the option's ID. Empty
	// on answer buttons.
	Value string `json:",omitempty"`
}

// Message is what the core says. Adapters render it natively (Block Kit,
// Discord embeds and components, terminal text); Text gives a plain
// rendering of the whole message for platforms with nothing richer.
type Message struct {
	// Kind tells what the message is.
	Kind Kind
	// Tone colours it.
	Tone Tone
	// Title is a short header.
	Title string
	// Body is the main text.
	Body string
	// Quote is a passage quoted from the memo, shown as a quote block.
	Quote string
	// Fields are name/value rows.
	Fields []Field
	// Buttons are answer buttons (cards only).
	Buttons []Button
	// Context is small print: closing time, answer count, hints.
	Context string
	// PostID names the post a card or results message belongs to.
	PostID string
	// Choose is how many options a multi-answer card asks for (2 or 3);
	// 0 on every other message. When set, Buttons are not buttons but the
	// options of a multi-select (checkboxes, a select menu) whose chosen
	// Values go back with the Submit action: exactly Choose of them.
	Choose int `json:",omitempty"`
	// Submit is a multi-answer card's submit action: its ActionID routes
	// the submission (a click carrying the chosen Values), its Label is
	// the Submit button's text and its Text the hint ("Choose 2") a
	// select menu shows as its placeholder. Disabled on a closed card.
	Submit *Button `json:",omitempty"`
}

// Text renders the whole message as plain text.
func (m Message) Text() string {
	var b strings.Builder
	line := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	line(m.Title)
	line(m.Body)
	for _, btn := range m.Buttons {
		line(btn.Label + ") " + btn.Text)
	}
	if m.Quote != "" {
		for _, l := range strings.Split(m.Quote, "\n") {
			line("> " + l)
		}
	}
	for _, f := range m.Fields {
		if f.Name == "" {
			line(f.Value)
		} else {
			line(f.Name + ": " + f.Value)
		}
	}
	line(m.Context)
	return b.String()
}

// Response is the core's answer to a command or a click. The adapter
// delivers it within its platform's deadline.
type Response struct {
	// Private responses are seen only by the user who asked (ephemeral).
	Private bool
	// Messages are sent in order.
	Messages []Message
}

// Private returns a Response of msgs seen only by the user who asked.
func Private(msgs ...Message) Response { return Response{Private: true, Messages: msgs} }

// FormatTime renders a time in a zone as "15:04" when it is today, else
// "1/2 15:04".
func FormatTime(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04")
	}
	return t.Format("1/2 15:04")
}
