package core

import (
	"context"
	"github.com/studybot/studybot/bot/render"

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
	PostCard(ctx context.Context, channel string, m render.Message) (ref string, err error)
	// UpdateCard replaces a posted card (live count, closed state).
	UpdateCard(ctx context.Context, channel, ref string, m render.Message) error
	// Post posts a message in a channel.
	Post(ctx context.Context, channel string, m render.Message) error
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
	PostFile(ctx context.Context, channel string, m render.Message, f File) error
}

// DirectMessenger is an optional capability of a Platform: a render.Private
// message to one user outside any channel (review reminders). DM returns
// an error wrapping ErrDMBlocked when the platform says the user cannot
// be messaged (DMs closed, a deactivated or unknown user, a bot), so the
// core stops trying; any other error is worth trying again later.
type DirectMessenger interface {
	// DM sends m to user privately.
	DM(ctx context.Context, user string, m render.Message) error
}
