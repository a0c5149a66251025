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
	KindMe          = render.KindMe
	Neutral         = render.Neutral
	Good            = render.Good
	Bad             = render.Bad
)

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

// ParseCommandAction reads the action ID of a button that runs a command
// (render.CommandAction, render.SettingAction): adapters route such
// clicks where the command's reply belongs, and ask the platform about
// admin status when the command needs it.
func ParseCommandAction(id string) (name string, args []string, setting, ok bool) {
	return render.ParseCommandAction(id)
}

// ParseAction splits an action ID the core made for a button into its
// kind, target and option (render.ParseAction): kinds "a" (a daily
// card's answer), "p" (practice), "v" (review), "r" (an admin's verdict),
// "o" (show a card).
func ParseAction(id string) (kind, target, option string, ok bool) { return render.ParseAction(id) }
