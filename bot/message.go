package bot

import "github.com/studybot/studybot/bot/render"

// The message model lives in bot/render; these names are the core's
// vocabulary for the adapters, which speak bot.Message and bot.Response.
type (
	// Message is render.Message: what the core says.
	Message = render.Message
	// Kind is render.Kind: what a Message is.
	Kind = render.Kind
	// Tone is render.Tone: how a Message is coloured.
	Tone = render.Tone
	// Field is render.Field: a name/value row.
	Field = render.Field
	// Button is render.Button: an answer button.
	Button = render.Button
	// Response is render.Response: the answer to a command or a click.
	Response = render.Response
)

// Message kinds and tones (see bot/render).
const (
	KindText        = render.KindText
	KindCard        = render.KindCard
	KindResults     = render.KindResults
	KindLeaderboard = render.KindLeaderboard
	KindLookup      = render.KindLookup
	KindFeedback    = render.KindFeedback
	KindError       = render.KindError
	Neutral         = render.Neutral
	Good            = render.Good
	Bad             = render.Bad
)

// Command is a slash command (or console "/name args") from a user.
type Command struct {
	// Space is where it came from.
	Space Space
	// Channel is the channel ID ("" in a DM).
	Channel string
	// DM is true when the command came from a direct message.
	DM bool
	// User is the platform's user ID.
	User string
	// Admin reports whether the platform says the user may change settings.
	Admin bool
	// Name is the command name without slash ("quiz", "studybot").
	Name string
	// Args are the arguments, split on white space.
	Args []string
}

// Click is a button press.
type Click struct {
	// Space is where it came from.
	Space Space
	// Channel is the channel ID ("" in a DM).
	Channel string
	// User is the platform's user ID.
	User string
	// ActionID is the button's action ID, as the core made it.
	ActionID string
	// MessageRef is the platform's reference to the message the button is
	// on, as PostCard returns it (Slack's ts, Discord's message ID), when
	// the adapter knows it: the first click on a card posted just before a
	// crash tells the core which card it was.
	MessageRef string
}

// Languages the bot speaks; the first is the default (render.Languages).
var Languages = render.Languages

// T returns the text for key in lang (see render.T).
func T(lang, key string, args ...any) string { return render.T(lang, key, args...) }

// CatalogKeys returns the sorted keys of a language's catalog (see
// render.CatalogKeys).
func CatalogKeys(lang string) []string { return render.CatalogKeys(lang) }

// Truncate cuts s to at most n runes, ending with "…" when it cut (see
// render.Truncate); adapters use it to stay within their platform's field
// limits.
func Truncate(s string, n int) string { return render.Truncate(s, n) }
