package bot

import (
	"context"

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

// PrivateSender is an optional capability: a platform that can send a
// private (ephemeral) message to a user outside of a response.
type PrivateSender interface {
	// SendPrivate sends m so that only user sees it in channel.
	SendPrivate(ctx context.Context, channel, user string, m Message) error
}
