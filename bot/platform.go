package bot

import (
	"context"
	"net/http"

	"github.com/studybot/studybot/store"
)

// Space is a workspace, guild or console session (store.SpaceRef).
type Space = store.SpaceRef

// Platform is what the core needs from a chat platform to post on its own
// initiative: daily cards, their updates, and results. Replies to commands
// and clicks go back through Response instead.
type Platform interface {
	// Name is the platform's name as stored in spaces ("slack", "discord", "console").
	Name() string
	// PostCard posts a question card and returns the platform's reference
	// to it, for later updates.
	PostCard(ctx context.Context, channel string, m Message) (ref string, err error)
	// UpdateCard replaces a posted card (live count, closed state).
	UpdateCard(ctx context.Context, channel, ref string, m Message) error
	// Post posts a message in a channel.
	Post(ctx context.Context, channel string, m Message) error
	// Mention renders a user reference ("<@U123>", a name on the console).
	Mention(user string) string
}

// File is a file the core posts with a message (the weekly digest's
// chart).
type File struct {
	// Name is the file name shown ("digest-2026-11-23.png").
	Name string
	// Data is the file's content.
	Data []byte
	// Alt describes the file for people who cannot see it.
	Alt string
}

// FilePoster is an optional capability of a Platform: posting a message
// with a file attached (Slack's external upload, Discord's attachments,
// the console's file on disk). A platform without it gets the message
// alone.
type FilePoster interface {
	// PostFile posts m in channel with f attached.
	PostFile(ctx context.Context, channel string, m Message, f File) error
}

// DirectMessenger is an optional capability of a Platform: a render.Private
// message to one user outside any channel (review reminders). DM returns
// an error wrapping ErrDMBlocked when the platform says the user cannot
// be messaged (DMs closed, a deactivated or unknown user, a bot), so the
// core stops trying; any other error is worth trying again later.
type DirectMessenger interface {
	// DM sends m to user privately.
	DM(ctx context.Context, user string, m Message) error
}

// Adapter is the one lifecycle every chat adapter has: construct it with
// its package's New (which takes the core), register it with
// Bot.AddPlatform, Run it, and Close it after Run returns. The program's
// wiring is a loop over adapters.
type Adapter interface {
	Platform
	// Run connects to the platform and serves until ctx is done (nil) or
	// the adapter cannot go on (a revoked token: an error).
	Run(ctx context.Context) error
	// Close waits for the adapter's background work to finish.
	Close() error
}

// HTTPAdapter is an optional capability of an Adapter that takes
// requests over HTTP too (Slack in HTTP mode, Discord's interactions
// endpoint): the program mounts Handler at Pattern on its server.
type HTTPAdapter interface {
	// HTTPHandler returns the ServeMux pattern and the handler to mount
	// there; a nil handler means the adapter serves no HTTP as configured.
	HTTPHandler() (pattern string, h http.Handler)
}
