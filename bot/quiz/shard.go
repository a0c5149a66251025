package quiz

import "github.com/studybot/studybot/bot/core"

// owns reports whether sp's platform serves sp (true for platforms that
// serve all their spaces). The first refusal per space is logged.
func (b *Quiz) owns(sp core.Space) bool {
	p, err := b.Platform(sp.Platform)
	if err != nil {
		return true // the caller reports the missing platform
	}
	o, ok := p.(core.SpaceOwner)
	if !ok || o.OwnsSpace(sp.ID) {
		return true
	}
	if _, told := b.foreign.LoadOrStore(sp, true); !told {
		b.Log.Warn("space belongs to another shard; its channels are not posted to from here", "space", sp.String())
	}
	return false
}
