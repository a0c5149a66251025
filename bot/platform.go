package bot

import (
	"context"
	"net/http"

	"github.com/studybot/studybot/bot/core"
)

// The platform vocabulary the capabilities share lives in bot/core; the
// adapters name it through the core.
type (
	// Space is a workspace, guild or console session (store.SpaceRef).
	Space = core.Space
	// Platform is core.Platform: what the core needs from a chat platform
	// to post on its own initiative.
	Platform = core.Platform
	// File is core.File: a file posted with a message.
	File = core.File
	// FilePoster is core.FilePoster: a Platform that posts files.
	FilePoster = core.FilePoster
	// DirectMessenger is core.DirectMessenger: a Platform that sends DMs.
	DirectMessenger = core.DirectMessenger
	// SpaceOwner is core.SpaceOwner: a Platform that serves only some of
	// its spaces.
	SpaceOwner = core.SpaceOwner
	// Command is core.Command: a slash command from a user.
	Command = core.Command
	// Click is core.Click: a button press.
	Click = core.Click
	// Metrics is core.Metrics: what observes the core.
	Metrics = core.Metrics
)

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
