package quiz

import (
	"context"
	"errors"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/pace"
	"github.com/studybot/studybot/bot/render"
	"time"

	"github.com/studybot/studybot/store"
)

// A card's intent is recorded before its platform call (store.RecordIntent:
// the prepared post, scheduled or not, and a nonce) and removed by the
// post's commit, so a process that dies between the platform accepting a
// card and the commit leaves an intent without a post. The next full turn
// of the due-loop (the first one after a restart) resolves it, under the
// channel's lock, instead of posting the slot again blindly:
//
//   - on a platform with an idempotency key (NoncePoster: Discord's nonce
//     with enforce_nonce), within the key's window the card is sent again
//     with the intent's nonce: the platform returns the card it accepted
//     before (or posts it, if it never did) and the post is committed with
//     that card's reference, so the first card is the one updated and
//     closed;
//   - otherwise — Slack has no idempotency key, and a key past its window
//     is worth nothing — the post is committed as Unconfirmed: the card may
//     or may not be in the channel, and it is not sent again. Clicks on it
//     count (the card's buttons name the post) and the first one tells the
//     core the card's reference (Click.MessageRef), after which it is
//     updated and closed like any other. An unconfirmed post nobody
//     clicked closes at its announced time without results, as a card
//     that never reached its channel does. A history look-up
//     (conversations.history) could find the card instead, but it needs
//     the channels:history and groups:history read scopes, which would
//     let studybot read every message of every channel it is in, for a
//     crash in a window of one HTTP round trip: not worth a reinstall and
//     the wider grant (README, "Operations: a crash while posting").

// NoncePoster is an optional capability of a Platform whose card posts
// take an idempotency key: a second post with the same nonce within
// NonceWindow returns the first card's reference instead of posting again.
type NoncePoster interface {
	// PostCardNonce posts a card like Platform.PostCard, with nonce as the
	// idempotency key.
	PostCardNonce(ctx context.Context, channel string, m render.Message, nonce string) (ref string, err error)
	// NonceWindow is how long after a first try the platform is trusted
	// to honour the nonce.
	NonceWindow() time.Duration
}

// postCardOnce posts a card with nonce on a NoncePoster, else plainly.
func postCardOnce(ctx context.Context, plat core.Platform, channel string, m render.Message, nonce string) (string, error) {
	if np, ok := plat.(NoncePoster); ok && nonce != "" {
		return np.PostCardNonce(ctx, channel, m, nonce)
	}
	return plat.PostCard(ctx, channel, m)
}

// ResolveIntents resolves every card intent left without a post (see
// above). The due-loop's full turns call it before closing and posting.
func (b *Quiz) ResolveIntents(ctx context.Context) {
	ins, err := b.DB.Intents()
	if err != nil {
		b.Log.Error("card intents", "err", err)
		b.Metrics.Error("store")
		return
	}
	for _, in := range ins {
		p := in.Post
		if _, err := b.DB.GetPost(p.ID); err == nil {
			_ = b.DB.DropIntent(p.ID) // its post was committed; only the intent's removal was lost
			continue
		}
		if !b.owns(p.Space) {
			continue
		}
		plat, err := b.Platform(p.Space.Platform)
		if err != nil {
			continue // its platform is not running in this process
		}
		func() {
			defer b.LockChannel(p.Space, p.Channel)()
			cur, err := b.DB.GetIntent(p.ID) // under the lock: a post of this process may have resolved it
			if err != nil {
				return
			}
			if _, err := b.resolveIntent(ctx, plat, cur); err != nil && !errors.Is(err, store.ErrSlotTaken) {
				b.Log.Error("resolve card intent", "channel", p.Channel, "slot", p.Slot, "err", err)
			}
		}()
	}
}

// resolveIntent commits the post of an intent left from a card whose
// platform call may have been accepted (see above). The caller holds the
// channel's lock.
func (b *Quiz) resolveIntent(ctx context.Context, plat core.Platform, in store.PostIntent) (store.Post, error) {
	p := in.Post
	now := b.Now()
	np, ok := plat.(NoncePoster)
	var sendErr error
	if ok && now.Sub(in.At) < np.NonceWindow() {
		defer b.posting(p.ID)()
		lang := b.ChannelLang(p.Space, p.Channel)
		ref, err := np.PostCardNonce(ctx, p.Channel, b.card(p, lang, 0), in.Nonce)
		var rl *pace.RateLimitError
		switch {
		case errors.As(err, &rl), err != nil && ctx.Err() != nil:
			return store.Post{}, err // the intent stays: the next turn tries again
		case err == nil:
			p.MessageRef = ref
			b.Log.Info("card intent from before a restart resolved with its nonce", "channel", p.Channel, "slot", p.Slot, "ref", ref)
		default:
			sendErr = err
			p.SendFailures, p.NextSend = 1, now.Add(pace.RetryWait(1))
		}
	} else {
		p.Unconfirmed = true
		b.Log.Warn("a card may have been posted before a restart; not posting it again (its first click adopts it)",
			"channel", p.Channel, "slot", p.Slot, "post", p.ID)
	}
	create := b.DB.CreatePost
	if in.Scheduled {
		create = b.DB.CreateScheduledPost
	}
	saved, err := create(p)
	if errors.Is(err, store.ErrSlotTaken) {
		if derr := b.DB.DropIntent(p.ID); derr != nil {
			b.Log.Error("drop card intent", "post", p.ID, "err", derr)
		}
		return saved, err
	}
	if err != nil {
		return store.Post{}, err
	}
	if sendErr != nil {
		b.setChannelError(p.Space, p.Channel, sendErr)
	}
	b.Wake() // its close is an event of the loop
	return saved, nil
}

// adoptCard records the card a click came from as an unconfirmed post's
// card (the first click on a card posted before a crash), so it is updated
// and closed from then on; a post already closed gets its closed card.
func (b *Quiz) adoptCard(ctx context.Context, p store.Post, ref string) {
	if !p.Unconfirmed || p.MessageRef != "" || ref == "" {
		return
	}
	did, err := b.DB.AdoptPostMessage(p.ID, ref)
	if err != nil {
		b.Log.Error("adopt card", "post", p.ID, "err", err)
		return
	}
	if !did {
		return
	}
	b.Log.Info("unconfirmed card adopted from a click", "channel", p.Channel, "post", p.ID, "ref", ref)
	if p.Closed {
		p.MessageRef, p.Unconfirmed = ref, false
		b.cards.final(ctx, p)
	}
}
