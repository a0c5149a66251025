package core

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
	// Admin reports whether the platform says the user may change
	// settings; adapters set it for buttons that run an admin command
	// (render.CommandAction), where it counts as Command.Admin.
	Admin bool
	// Values are the option IDs chosen on a multi-answer card, sent with
	// its Submit action (render.SubmitOption); nil for a button.
	Values []string
	// MessageRef is the platform's reference to the message the button is
	// on, as PostCard returns it (Slack's ts, Discord's message ID), when
	// the adapter knows it: the first click on a card posted just before a
	// crash tells the core which card it was.
	MessageRef string
}
