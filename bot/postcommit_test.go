package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// commitRig is a bot on a real store that counts its commits, with a fake
// platform and clock.
type commitRig struct {
	bot     *bot.Bot
	db      *store.DB
	clock   *bottest.Clock
	commits atomic.Int64
	space   store.SpaceRef
}

func newCommitRig(t *testing.T, clock *bottest.Clock, plat bot.Platform) *commitRig {
	t.Helper()
	if clock == nil {
		clock = bottest.NewClock(monday)
	}
	r := &commitRig{clock: clock, space: store.SpaceRef{Platform: plat.Name(), ID: "team"}}
	db, err := store.Open(filepath.Join(t.TempDir(), "c.db"), &store.Options{Now: r.clock.Now, NoSync: true, BatchDelay: -1,
		ObserveCommit: func(time.Duration) { r.commits.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: r.clock.Now, NewTimer: r.clock.NewTimer, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(plat)
	r.bot, r.db = b, db
	t.Cleanup(func() {
		b.Close()
		if _, err := db.Check(); err != nil {
			t.Errorf("store check: %v", err)
		}
		db.Close()
	})
	return r
}

// channels registers n channels (c00, c01, …) on the default schedule.
func (r *commitRig) channels(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("c%02d", i)
		if _, err := r.bot.EnsureChannel(r.space, id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// TestOneCommitPerPost: a post — the slot guard, the post with its card's
// reference and the channel's LastFired — is one commit, for a scheduled
// slot and for a post-now; many channels posting at once share commits.
// The card's intent, written before the platform call (issue 21), goes to
// the intents' side file without an fsync and is no commit of the
// database.
func TestOneCommitPerPost(t *testing.T) {
	for _, tc := range []struct {
		name     string
		channels int
		postNow  bool
	}{
		{"scheduled, one channel", 1, false},
		{"post-now", 1, true},
		{"scheduled, 40 channels at once", 40, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plat := bottest.NewPlatform("test")
			r := newCommitRig(t, nil, plat)
			ids := r.channels(t, tc.channels)
			r.clock.Set(monday.Add(25 * time.Hour)) // Tuesday 09:00 (a Monday post also claims the weekly digest)
			before := r.commits.Load()
			if tc.postNow {
				if _, err := r.bot.PostNow(t.Context(), r.space, ids[0]); err != nil {
					t.Fatal(err)
				}
			} else {
				r.bot.RunDue(t.Context(), r.clock.Now())
			}
			commits := r.commits.Load() - before
			if got := len(plat.Sent("card")); got != tc.channels {
				t.Fatalf("%d cards for %d channels", got, tc.channels)
			}
			if commits < 1 || commits > int64(tc.channels) {
				t.Errorf("%d commits for %d posts, want 1 to %d", commits, tc.channels, tc.channels)
			}
			if ins, err := r.db.Intents(); err != nil || len(ins) != 0 {
				t.Errorf("%d card intents left after the posts' commits (%v)", len(ins), err)
			}
			for _, id := range ids {
				p, err := r.db.LatestPost(r.space, id)
				if err != nil || p.MessageRef == "" {
					t.Fatalf("%s: post %+v, %v: no card reference stored", id, p, err)
				}
				ch, _ := r.db.GetChannel(r.space, id)
				if !tc.postNow && !ch.LastFired.Equal(p.Slot) {
					t.Errorf("%s: LastFired %v, slot %v", id, ch.LastFired, p.Slot)
				}
			}
		})
	}
}

// clickingPlatform is a platform on which someone clicks the card before
// PostCard has even returned, as a fast user on a real platform could
// before the post's commit.
type clickingPlatform struct {
	*bottest.Platform
	bot     func() *bot.Bot
	clock   *bottest.Clock
	space   store.SpaceRef
	replies chan bot.Response
}

func (p *clickingPlatform) PostCard(ctx context.Context, channel string, m bot.Message) (string, error) {
	ref, err := p.Platform.PostCard(ctx, channel, m)
	_, created := p.clock.Timers()
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.replies <- p.bot().HandleClick(context.Background(), bot.Click{Space: p.space, Channel: channel, User: "fast", ActionID: m.Buttons[0].ActionID})
	}()
	// return once the click waits for the commit (its timer is made) or,
	// where clicks do not wait, has been answered
	for {
		if _, c := p.clock.Timers(); c > created {
			return ref, err
		}
		select {
		case <-done:
			return ref, err
		default:
			time.Sleep(time.Millisecond)
		}
	}
}

// TestClickBeforeCommitIsRecorded: the card goes out before the post's
// commit; a click in between waits for the commit and is recorded.
func TestClickBeforeCommitIsRecorded(t *testing.T) {
	var r *commitRig
	plat := &clickingPlatform{Platform: bottest.NewPlatform("test"), bot: func() *bot.Bot { return r.bot }, replies: make(chan bot.Response, 1)}
	r = newCommitRig(t, nil, plat)
	plat.clock, plat.space = r.clock, r.space
	r.channels(t, 1)
	r.clock.Set(monday.Add(time.Hour))
	r.bot.RunDue(t.Context(), r.clock.Now())
	reply := <-plat.replies
	if len(reply.Messages) != 1 || reply.Messages[0].Kind != bot.KindFeedback {
		t.Fatalf("the early click was refused: %+v", reply.Messages)
	}
	p, err := r.db.LatestPost(r.space, "c00")
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.db.PostResults(p.ID, 0)
	if err != nil || res.Total != 1 {
		t.Errorf("answers recorded: %d, %v", res.Total, err)
	}
}

// pacedPlatform is a fake platform with rate limits on a bot.Limiter: one
// card per channel per second, and routes parked by Park; a parked route's
// first call gets a 429 (a *bot.RateLimitError), as if the limiter had not
// known.
type pacedPlatform struct {
	*bottest.Platform
	lim     *bot.Limiter
	mu      sync.Mutex
	refuse  map[string]time.Duration // channel → the retry-after of its one 429
	refused atomic.Int64
}

func newPacedPlatform(clock *bottest.Clock) *pacedPlatform {
	p := &pacedPlatform{Platform: bottest.NewPlatform("test"), lim: bot.NewLimiter(clock.Now, clock.NewTimer), refuse: map[string]time.Duration{}}
	p.lim.SetRate("ch:", bot.Rate{Every: time.Second, Burst: 1})
	return p
}

func (p *pacedPlatform) ReservePost(channel string) time.Duration {
	return p.lim.Reserve(channel, "ch:"+channel)
}

func (p *pacedPlatform) CancelPost(channel string) { p.lim.Cancel(channel) }

func (p *pacedPlatform) PostCard(ctx context.Context, channel string, m bot.Message) (string, error) {
	if _, err := p.lim.Acquire(ctx, channel, "ch:"+channel); err != nil {
		return "", err
	}
	p.mu.Lock()
	d, ok := p.refuse[channel]
	delete(p.refuse, channel)
	p.mu.Unlock()
	if ok {
		p.refused.Add(1)
		p.lim.Park("ch:"+channel, d)
		return "", &bot.RateLimitError{RetryAfter: d, Scope: "channel"}
	}
	return p.Platform.PostCard(ctx, channel, m)
}

// TestRateLimitParksOnlyItsChannel: 429s on more channels than the pool
// has workers hold up those channels only; every other channel posts at
// once, and the parked ones post when their retry-after has passed on the
// bot's clock.
func TestRateLimitParksOnlyItsChannel(t *testing.T) {
	clock := bottest.NewClock(monday)
	plat := newPacedPlatform(clock)
	r := newCommitRig(t, clock, plat) // one clock for the bot and the platform
	ids := r.channels(t, 45)
	parked := map[string]bool{}
	for _, id := range ids[:40] { // more than the pool's 32 workers
		plat.refuse[id] = 30 * time.Second
		parked[id] = true
	}
	clock.Set(monday.Add(time.Hour))
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.bot.RunDue(context.Background(), clock.Now())
	}()
	bottest.WaitFor(t, "the five channels without a 429 to post", func() bool { return len(plat.Sent("card")) == 5 })
	bottest.WaitFor(t, "the 40 channels' 429s", func() bool { return plat.refused.Load() == 40 })
	// a refused card's intent is dropped (a commit) before its task parks:
	// the clock moves only once every parked task waits on it
	bottest.WaitFor(t, "the refused cards' intents dropped", func() bool { ins, err := r.db.Intents(); return err == nil && len(ins) == 0 })
	for _, s := range plat.Sent("card") {
		if parked[s.Channel] {
			t.Errorf("%s posted before its retry-after", s.Channel)
		}
	}
	select {
	case <-done:
		t.Fatal("RunDue returned with 40 channels unposted")
	default:
	}
	bottest.WaitFor(t, "the pool to wait on the clock", func() bool { w, _ := clock.Timers(); return w > 0 })
	clock.Add(30 * time.Second)
	// a refused task still on its way back to the queue when the clock
	// moved (its intent already dropped) waits its retry-after from the
	// new time: move the clock on for it rather than hang
	bottest.WaitFor(t, "RunDue to post the parked channels", func() bool {
		select {
		case <-done:
			return true
		default:
		}
		if w, _ := clock.Timers(); w > 0 {
			clock.Add(30 * time.Second)
		}
		return false
	})
	if got := len(plat.Sent("card")); got != 45 {
		t.Errorf("%d cards, want 45", got)
	}
	for _, id := range ids {
		if p, err := r.db.LatestPost(r.space, id); err != nil || p.MessageRef == "" || p.SendFailures != 0 {
			t.Errorf("%s: %+v %v", id, p, err)
		}
	}
	if strings.Contains(fmt.Sprint(plat.Sent("post")), "error") {
		t.Errorf("errors posted: %v", plat.Sent("post"))
	}
}
