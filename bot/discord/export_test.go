package discord

// EmbedForTest and ComponentsForTest are embed and components, for the
// external tests' goldens.
var (
	EmbedForTest      = embed
	ComponentsForTest = components
)
