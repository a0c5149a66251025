package bot

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

// owns reports whether sp's platform serves sp (true for platforms that
// serve all their spaces). The first refusal per space is logged.
func (b *Bot) owns(sp Space) bool {
	p, err := b.platform(sp.Platform)
	if err != nil {
		return true // the caller reports the missing platform
	}
	o, ok := p.(SpaceOwner)
	if !ok || o.OwnsSpace(sp.ID) {
		return true
	}
	if _, told := b.foreign.LoadOrStore(sp, true); !told {
		b.log.Warn("space belongs to another shard; its channels are not posted to from here", "space", sp.String())
	}
	return false
}
