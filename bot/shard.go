package bot

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
