package core

// SpaceOwner is an optional capability of a Platform that serves only some
// of its spaces: a Discord shard serves the guilds Discord routes to it,
// and its database holds only theirs. The core posts and closes on
// schedule only in the spaces the platform owns, so a channel left in the
// database from another shard layout (a guild that now belongs to another
// shard) is never posted to twice.
type SpaceOwner interface {
	// OwnsSpace reports whether the platform serves the space with this
	// ID (Space.ID).
	OwnsSpace(id string) bool
}
