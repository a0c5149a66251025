package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// limitedPlatform is a fake platform with rate limits on a bot.Limiter on
// the test's clock, booked as bot.Paced and bot.PacedMessages: in each
// channel one card a second and, apart, one message a second; card
// updates at the rate upd across the platform. The channels in refuse
// get a 429 on their next message, which parks the channel's messages
// (not its cards) for the given retry-after. It counts the updates and
// messages the core made without booking them.
type limitedPlatform struct {
	*bottest.Platform
	lim      *bot.Limiter
	mu       sync.Mutex
	refuse   map[string]time.Duration // channel → the retry-after of its one 429
	refused  atomic.Int64
	unbooked atomic.Int64
}

func newLimitedPlatform(clock *bottest.Clock, upd bot.Rate) *limitedPlatform {
	p := &limitedPlatform{Platform: bottest.NewPlatform("test"), lim: bot.NewLimiter(clock.Now, clock.NewTimer), refuse: map[string]time.Duration{}}
	p.lim.SetRate("card:", bot.Rate{Every: time.Second, Burst: 1})
	p.lim.SetRate("msg:", bot.Rate{Every: time.Second, Burst: 1})
	p.lim.SetRate("upd", upd)
	return p
}

func (p *limitedPlatform) ReservePost(channel string) time.Duration {
	return p.lim.Reserve(channel, "card:"+channel)
}

func (p *limitedPlatform) CancelPost(channel string) { p.lim.Cancel(channel) }

func (p *limitedPlatform) PostCard(ctx context.Context, channel string, m bot.Message) (string, error) {
	if _, err := p.lim.Acquire(ctx, channel, "card:"+channel); err != nil {
		return "", err
	}
	return p.Platform.PostCard(ctx, channel, m)
}

func (p *limitedPlatform) ReserveMessage(channel string) time.Duration {
	return p.lim.Reserve("m:"+channel, "msg:"+channel)
}

func (p *limitedPlatform) CancelMessage(channel string) { p.lim.Cancel("m:" + channel) }

func (p *limitedPlatform) Post(ctx context.Context, channel string, m bot.Message) error {
	if !bot.Booked(ctx) {
		p.unbooked.Add(1)
	}
	if _, err := p.lim.Acquire(ctx, "m:"+channel, "msg:"+channel); err != nil {
		return err
	}
	p.mu.Lock()
	d, ok := p.refuse[channel]
	delete(p.refuse, channel)
	p.mu.Unlock()
	if ok {
		p.refused.Add(1)
		p.lim.Park("msg:"+channel, d)
		return &bot.RateLimitError{RetryAfter: d, Scope: "channel"}
	}
	return p.Platform.Post(ctx, channel, m)
}

func (p *limitedPlatform) TryUpdate(channel, ref string) time.Duration {
	return p.lim.TryReserve("u:"+channel+"/"+ref, "upd")
}

func (p *limitedPlatform) CancelUpdate(channel, ref string) { p.lim.Cancel("u:" + channel + "/" + ref) }

func (p *limitedPlatform) UpdateCard(ctx context.Context, channel, ref string, m bot.Message) error {
	if !bot.Booked(ctx) {
		p.unbooked.Add(1)
	}
	if _, err := p.lim.Acquire(ctx, "u:"+channel+"/"+ref, "upd"); err != nil {
		return err
	}
	return p.Platform.UpdateCard(ctx, channel, ref, m)
}

// newClosingRig is newCommitRig with a card updater that flushes at once.
func newClosingRig(t *testing.T, clock *bottest.Clock, plat bot.Platform) *commitRig {
	t.Helper()
	r := &commitRig{clock: clock, space: store.SpaceRef{Platform: plat.Name(), ID: "team"}}
	db, err := store.Open(filepath.Join(t.TempDir(), "c.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now, NewTimer: clock.NewTimer, Seed: 3, UpdateEvery: time.Millisecond})
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

// opsIn returns what was sent in channel, in order: "card", "update",
// "results" (a results post) or "post".
func opsIn(plat *bottest.Platform, channel string) []string {
	var out []string
	for _, s := range plat.Sent("") {
		if s.Channel != channel {
			continue
		}
		op := s.Op
		if op == "post" && s.Msg.Kind == bot.KindResults {
			op = "results"
		}
		out = append(out, op)
	}
	return out
}

// TestClosingRateLimitParksOnlyItsChannel: closing goes through the same
// queue as posting. The questions of 45 channels are still open at
// Wednesday 09:00 (the process was down at their closing time), so that
// turn closes them and posts the next ones. The results in 40 channels,
// more than the pool's 32 workers, get a 429: every question closes on
// time and every closed card is updated at once; the other 5 channels get
// their results and then their next card at once; the 40 get theirs, the
// results before the next card, when the clock passes their retry-after,
// and nothing is lost or posted twice.
func TestClosingRateLimitParksOnlyItsChannel(t *testing.T) {
	clock := bottest.NewClock(monday)
	plat := newLimitedPlatform(clock, bot.Rate{Every: time.Millisecond, Burst: 100})
	r := newClosingRig(t, clock, plat)
	ids := r.channels(t, 45)
	tuesday09, wednesday09 := monday.Add(25*time.Hour), monday.Add(49*time.Hour)
	clock.Set(tuesday09)
	r.bot.RunDue(t.Context(), clock.Now())
	if n := len(plat.Sent("card")); n != 45 {
		t.Fatalf("%d cards on Tuesday, want 45", n)
	}
	first := map[string]store.Post{}
	for _, id := range ids {
		p, err := r.db.LatestPost(r.space, id)
		if err != nil {
			t.Fatal(err)
		}
		first[id] = p
	}
	parked := map[string]bool{}
	plat.mu.Lock()
	for _, id := range ids[:40] {
		plat.refuse[id] = 30 * time.Second
		parked[id] = true
	}
	plat.mu.Unlock()

	clock.Set(wednesday09)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.bot.RunDue(context.Background(), clock.Now())
	}()
	bottest.WaitFor(t, "the 40 channels' 429s", func() bool { return plat.refused.Load() == 40 })
	bottest.WaitFor(t, "the five channels without a 429: results, then the next card", func() bool {
		for _, id := range ids[40:] {
			if fmt.Sprint(opsIn(plat.Platform, id)) != "[card update results card]" {
				return false
			}
		}
		return true
	})
	bottest.WaitFor(t, "every closed card updated", func() bool { return len(plat.Sent("update")) == 45 })
	bottest.WaitFor(t, "the pool to wait on the clock", func() bool { w, _ := clock.Timers(); return w > 0 })
	for _, id := range ids[:40] {
		if got := fmt.Sprint(opsIn(plat.Platform, id)); got != "[card update]" {
			t.Errorf("%s within its retry-after: %s, want the card and its closed update only", id, got)
		}
	}
	for _, id := range ids {
		if p, err := r.db.GetPost(first[id].ID); err != nil || !p.Closed {
			t.Errorf("%s: Tuesday's question not closed on time: %+v %v", id, p, err)
		}
	}
	for _, u := range plat.Sent("update") {
		if !u.Msg.Buttons[0].Disabled {
			t.Errorf("%s: the update does not show the card closed", u.Channel)
		}
	}
	select {
	case <-done:
		t.Fatal("RunDue returned with 40 channels' results unposted")
	default:
	}

	clock.Add(30 * time.Second)
	<-done
	for _, id := range ids {
		if got := fmt.Sprint(opsIn(plat.Platform, id)); got != "[card update results card]" {
			t.Errorf("%s: %s, want [card update results card]", id, got)
		}
		p, err := r.db.LatestPost(r.space, id)
		if err != nil || p.ID == first[id].ID || p.MessageRef == "" || p.Closed {
			t.Errorf("%s: Wednesday's post %+v %v", id, p, err)
		}
	}
	if n := plat.unbooked.Load(); n != 0 {
		t.Errorf("%d results or updates made without booking them", n)
	}
}

// TestClosedCardsWaitForTheUpdateLimit: a platform that allows one card
// update a minute. Five questions close at 17:00: their results are all
// posted in that turn, which returns without the clock moving; one closed
// card is updated at once and the card updater sends the others one a
// minute as the clock moves, before the live count of a card still open
// that was clicked meanwhile; no update goes unbooked.
func TestClosedCardsWaitForTheUpdateLimit(t *testing.T) {
	clock := bottest.NewClock(monday)
	plat := newLimitedPlatform(clock, bot.Rate{Every: time.Minute, Burst: 1})
	r := newClosingRig(t, clock, plat)
	ids := r.channels(t, 6)
	if _, err := r.db.UpdateChannel(r.space, "c05", func(c *store.Channel) error { c.CloseAfter = 10 * time.Hour; return nil }); err != nil {
		t.Fatal(err)
	}
	tuesday09 := monday.Add(25 * time.Hour)
	clock.Set(tuesday09)
	r.bot.RunDue(t.Context(), clock.Now())
	if n := len(plat.Sent("card")); n != 6 {
		t.Fatalf("%d cards, want 6", n)
	}
	r.bot.StartUpdater()

	clock.Set(tuesday09.Add(8 * time.Hour)) // 17:00: c00 … c04 close
	r.bot.RunDue(t.Context(), clock.Now())
	var results []string
	for _, s := range plat.Sent("post") {
		if s.Msg.Kind == bot.KindResults {
			results = append(results, s.Channel)
		}
	}
	if len(results) != 5 {
		t.Fatalf("results in %v, want the five closed channels", results)
	}
	bottest.WaitFor(t, "the first closed card", func() bool { return len(plat.Sent("update")) == 1 })
	var card bottest.Sent
	for _, s := range plat.Sent("card") {
		if s.Channel == ids[5] {
			card = s
		}
	}
	if rep := r.bot.HandleClick(t.Context(), bot.Click{Space: r.space, Channel: ids[5], User: "ann", ActionID: card.Msg.Buttons[0].ActionID}); len(rep.Messages) != 1 || rep.Messages[0].Kind != bot.KindFeedback {
		t.Fatalf("click on the open card: %+v", rep)
	}
	for want := 2; want <= 6; want++ {
		bottest.WaitFor(t, "the updater to wait on the clock", func() bool { w, _ := clock.Timers(); return w > 0 })
		if n := len(plat.Sent("update")); n != want-1 {
			t.Fatalf("%d updates within a minute of the last, want %d", n, want-1)
		}
		clock.Add(time.Minute)
		bottest.WaitFor(t, fmt.Sprintf("update %d", want), func() bool { return len(plat.Sent("update")) == want })
	}
	ups := plat.Sent("update")
	closed := map[string]bool{}
	for _, u := range ups[:5] {
		if !u.Msg.Buttons[0].Disabled || u.Channel == ids[5] {
			t.Errorf("update of %s before the closed cards were all updated", u.Channel)
		}
		closed[u.Channel] = true
	}
	if len(closed) != 5 {
		t.Errorf("closed cards updated: %v", closed)
	}
	if last := ups[5]; last.Channel != ids[5] || last.Msg.Buttons[0].Disabled {
		t.Errorf("last update %s (closed %v), want the open card's live count", last.Channel, last.Msg.Buttons[0].Disabled)
	}
	if n := plat.unbooked.Load(); n != 0 {
		t.Errorf("%d results or updates made without booking them", n)
	}
}
