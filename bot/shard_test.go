package bot_test

import (
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

// shardPlatform is a fake platform that serves only some spaces, as a
// Discord shard does.
type shardPlatform struct {
	*bottest.Platform
	mu    sync.Mutex
	owned map[string]bool
}

func (p *shardPlatform) OwnsSpace(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.owned[id]
}

func (p *shardPlatform) own(ids ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.owned = map[string]bool{}
	for _, id := range ids {
		p.owned[id] = true
	}
}

// TestScheduleOnlyInOwnedSpaces: the core posts, closes and retries only
// in the spaces its platform owns (bot.SpaceOwner); a space that moved to
// another shard keeps its rows here but gets nothing more from here.
func TestScheduleOnlyInOwnedSpaces(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{})
	p := &shardPlatform{Platform: h.Platform}
	p.own("mine", "moved")
	h.Bot.AddPlatform(p)
	mine, moved := store.SpaceRef{Platform: "test", ID: "mine"}, store.SpaceRef{Platform: "test", ID: "moved"}
	for _, sp := range []store.SpaceRef{mine, moved} {
		if _, err := h.Bot.EnsureChannel(sp, "C-"+sp.ID); err != nil {
			t.Fatal(err)
		}
	}
	cards := func(ch string) (n int) {
		for _, s := range p.Sent("card") {
			if s.Channel == ch {
				n++
			}
		}
		return n
	}
	h.Clock.Set(monday.Add(time.Hour)) // 09:00: both owned, both posted
	h.RunDue()
	if cards("C-mine") != 1 || cards("C-moved") != 1 {
		t.Fatalf("cards %d and %d, want one each", cards("C-mine"), cards("C-moved"))
	}
	p.own("mine") // "moved" now belongs to another shard
	h.Clock.Set(monday.Add(9 * time.Hour))
	h.RunDue()
	for _, op := range []string{"update", "post"} {
		for _, s := range p.Sent(op) {
			if s.Channel == "C-moved" {
				t.Errorf("%s in C-moved after it moved", op)
			}
		}
	}
	if len(p.Sent("post")) != 1 {
		t.Errorf("%d results posted, want C-mine's", len(p.Sent("post")))
	}
	open, err := h.DB.LatestPost(moved, "C-moved")
	if err != nil || open.Closed {
		t.Errorf("the moved channel's post was closed here: %+v %v", open, err)
	}
	h.Clock.Set(monday.Add(25 * time.Hour)) // Tuesday 09:00
	h.RunDue()
	if cards("C-mine") != 2 || cards("C-moved") != 1 {
		t.Errorf("Tuesday: cards %d and %d, want 2 and 1", cards("C-mine"), cards("C-moved"))
	}
}
