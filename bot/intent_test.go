package bot_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// noncePlatform is a fake platform with Discord's idempotency key: a card
// posted with a nonce seen within the window returns the card that nonce
// created, and nothing new is posted.
type noncePlatform struct {
	*bottest.Platform
	clock  *bottest.Clock
	mu     sync.Mutex
	nonces map[string]nonceCard
}

type nonceCard struct {
	ref string
	at  time.Time
}

// nonceWindow is the fake's bot.NoncePoster window, like Discord's adapter.
const nonceWindow = 2 * time.Minute

func (p *noncePlatform) PostCardNonce(ctx context.Context, channel string, m bot.Message, nonce string) (string, error) {
	p.mu.Lock()
	if c, ok := p.nonces[channel+"\x00"+nonce]; ok && p.clock.Now().Sub(c.at) < nonceWindow {
		p.mu.Unlock()
		return c.ref, nil
	}
	p.mu.Unlock()
	ref, err := p.Platform.PostCard(ctx, channel, m)
	if err == nil {
		p.mu.Lock()
		p.nonces[channel+"\x00"+nonce] = nonceCard{ref, p.clock.Now()}
		p.mu.Unlock()
	}
	return ref, err
}

func (p *noncePlatform) NonceWindow() time.Duration { return nonceWindow }

// dyingPlatform accepts cards, and then the process "dies" once: the
// store is closed under the bot before it can commit the post.
type dyingPlatform struct {
	bot.Platform
	mu   sync.Mutex
	die  func()
	dead bool
}

func (p *dyingPlatform) accepted() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.die != nil && !p.dead {
		p.dead = true
		p.die()
	}
}

func (p *dyingPlatform) PostCard(ctx context.Context, channel string, m bot.Message) (string, error) {
	ref, err := p.Platform.PostCard(ctx, channel, m)
	p.accepted()
	return ref, err
}

// dyingNoncePlatform is dyingPlatform over a noncePlatform.
type dyingNoncePlatform struct {
	*dyingPlatform
	np *noncePlatform
}

func (p *dyingNoncePlatform) PostCardNonce(ctx context.Context, channel string, m bot.Message, nonce string) (string, error) {
	ref, err := p.np.PostCardNonce(ctx, channel, m, nonce)
	p.accepted()
	return ref, err
}

func (p *dyingNoncePlatform) NonceWindow() time.Duration { return p.np.NonceWindow() }

// crashRig is a bot on a real bbolt file that can die between a card's
// acceptance and its commit, and start again on the same file.
type crashRig struct {
	t     *testing.T
	path  string
	clock *bottest.Clock
	fake  *bottest.Platform // what reached the channel, across restarts
	plat  bot.Platform
	db    *store.DB
	bot   *bot.Bot
	space store.SpaceRef
}

func newCrashRig(t *testing.T, nonce bool) *crashRig {
	r := &crashRig{t: t, path: filepath.Join(t.TempDir(), "crash.db"), clock: bottest.NewClock(at(8, 0, 0)),
		fake: bottest.NewPlatform("test"), space: store.SpaceRef{Platform: "test", ID: "team"}}
	dying := &dyingPlatform{Platform: r.fake, die: func() { r.db.Close() }}
	r.plat = dying
	if nonce {
		r.plat = &dyingNoncePlatform{dyingPlatform: dying, np: &noncePlatform{Platform: r.fake, clock: r.clock, nonces: map[string]nonceCard{}}}
	}
	r.start()
	t.Cleanup(func() {
		r.bot.Close()
		if _, err := r.db.Check(); err != nil {
			t.Errorf("store check: %v", err)
		}
		r.db.Close()
	})
	return r
}

// start opens the store file and a bot on it, as a process start does.
func (r *crashRig) start() {
	db, err := store.Open(r.path, &store.Options{Now: r.clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		r.t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(r.t), Store: db, Now: r.clock.Now, NewTimer: r.clock.NewTimer, Seed: 3})
	if err != nil {
		r.t.Fatal(err)
	}
	b.AddPlatform(r.plat)
	r.db, r.bot = db, b
}

// restart ends the dead process's bot and starts again on the file.
func (r *crashRig) restart() {
	r.bot.Close()
	r.db.Close()
	r.start()
}

// TestCrashBetweenAcceptAndCommit: the platform accepts the 09:00 card and
// the process dies before the post's commit. After the restart the slot is
// not posted again: on a platform with a nonce, within its window, the
// card is sent again with the intent's nonce and the platform returns the
// first card, which the post adopts; otherwise (Slack; or past the window)
// the post is committed unconfirmed, its first click adopts the card, and
// either way the first card is the one updated and closed at 17:00, with
// the results. A post-now crashed the same way resolves the same way.
func TestCrashBetweenAcceptAndCommit(t *testing.T) {
	tests := []struct {
		name     string
		nonce    bool
		postNow  bool
		restart  time.Time
		click    bool // someone clicks the first card after the restart
		adopted  bool // the post knows the first card's reference after the restart
		unconfed bool
	}{
		{"nonce, restart within the window", true, false, at(9, 1, 0), false, true, false},
		{"nonce, restart past the window", true, false, at(9, 30, 0), true, false, true},
		{"no nonce (Slack), a click adopts the card", false, false, at(9, 1, 0), true, false, true},
		{"no nonce (Slack), nobody clicks", false, false, at(9, 1, 0), false, false, true},
		{"no nonce, post-now", false, true, at(8, 50, 0), true, false, true},
		{"nonce, post-now", true, true, at(8, 31, 0), false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newCrashRig(t, tt.nonce)
			if _, err := r.bot.EnsureChannel(r.space, "general"); err != nil {
				t.Fatal(err)
			}
			if tt.postNow {
				r.clock.Set(at(8, 30, 0)) // before the 09:00 slot
				if _, err := r.bot.PostNow(t.Context(), r.space, "general"); err == nil {
					t.Fatal("post-now committed after the process died")
				}
			} else {
				r.clock.Set(at(9, 0, 0))
				r.bot.RunDue(t.Context(), r.clock.Now())
			}
			cards := r.fake.Sent("card")
			if len(cards) != 1 {
				t.Fatalf("%d cards before the crash", len(cards))
			}
			first := cards[0]

			r.clock.Set(tt.restart)
			r.restart()
			r.bot.RunDue(t.Context(), r.clock.Now())
			if n := len(r.fake.Sent("card")); n != 1 {
				t.Fatalf("%d cards after the restart, want the first alone", n)
			}
			p, err := r.db.LatestPost(r.space, "general")
			if err != nil {
				t.Fatalf("no post after the restart: %v", err)
			}
			if p.ID != first.Msg.PostID || (p.MessageRef == first.Ref) != tt.adopted || p.Unconfirmed != tt.unconfed {
				t.Fatalf("post %s ref %q unconfirmed %v; card %s %s", p.ID, p.MessageRef, p.Unconfirmed, first.Msg.PostID, first.Ref)
			}
			if ins, _ := r.db.Intents(); len(ins) != 0 {
				t.Errorf("%d intents left", len(ins))
			}
			if tt.click {
				rep := r.bot.HandleClick(t.Context(), bot.Click{Space: r.space, Channel: "general", User: "u1",
					ActionID: first.Msg.Buttons[0].ActionID, MessageRef: first.Ref})
				if len(rep.Messages) != 1 || rep.Messages[0].Kind != bot.KindFeedback {
					t.Fatalf("click on the first card: %+v", rep.Messages)
				}
				if p, _ := r.db.GetPost(p.ID); p.MessageRef != first.Ref || p.Unconfirmed {
					t.Fatalf("the click did not adopt the card: ref %q unconfirmed %v", p.MessageRef, p.Unconfirmed)
				}
			}
			// the later slots: nothing posted again before the close
			r.clock.Set(at(12, 0, 0))
			r.bot.RunDue(t.Context(), r.clock.Now())
			r.clock.Set(p.ClosesAt)
			r.bot.RunDue(t.Context(), r.clock.Now())
			r.bot.Close() // flushes the closed card
			if n := len(r.fake.Sent("card")); n != 1 {
				t.Errorf("%d cards by the close", n)
			}
			got, _ := r.db.GetPost(p.ID)
			if !got.Closed || !got.ClosedAt.Equal(p.ClosesAt) {
				t.Errorf("closed %v at %v, want at %v", got.Closed, got.ClosedAt, p.ClosesAt)
			}
			knows := tt.adopted || tt.click
			var closedCard, results bool
			for _, s := range r.fake.Sent("update") {
				closedCard = closedCard || s.Ref == first.Ref && s.Msg.PostID == p.ID
			}
			for _, s := range r.fake.Sent("post") {
				results = results || s.Msg.Kind == bot.KindResults && s.Msg.PostID == p.ID
			}
			if closedCard != knows || results != knows {
				t.Errorf("first card closed %v, results %v; want %v", closedCard, results, knows)
			}
		})
	}
}
