package bot

import (
	"container/heap"
	"context"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/digest"
	"github.com/studybot/studybot/bot/quiz"
	"sync"
	"time"

	"github.com/studybot/studybot/store"
)

// dueIndex is the due-loop's in-memory view of every channel's next slot,
// so that a registration or a settings change touches only its own
// channel: the loop's full look at the store (RunDue) runs when its timer
// fires, not on each change. It is safe for concurrent use.
type dueIndex struct {
	mu      sync.Mutex
	entries map[chanKey]*dueEntry
	heap    dueHeap
	touched map[chanKey]bool // changed since the loop's last turn
	// holds are the channels whose due slot waits for the minimum
	// interval (cadence.go), and until when: kept across rebuilds, few
	holds map[chanKey]time.Time
}

// chanKey names a channel.
type chanKey = core.ChanKey

// dueEntry is a channel's next slot and its place in the heap.
type dueEntry struct {
	key  chanKey
	next time.Time
	pos  int
}

// dueHeap orders entries by next slot, soonest first.
type dueHeap []*dueEntry

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].next.Before(h[j].next) }
func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].pos, h[j].pos = i, j
}
func (h *dueHeap) Push(x any) {
	e := x.(*dueEntry)
	e.pos = len(*h)
	*h = append(*h, e)
}
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

func newDueIndex() *dueIndex {
	return &dueIndex{entries: map[chanKey]*dueEntry{}, touched: map[chanKey]bool{}, holds: map[chanKey]time.Time{}}
}

// hold records that a channel's due slot waits until t (zero: it no
// longer waits).
func (x *dueIndex) hold(k chanKey, t time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if t.IsZero() {
		delete(x.holds, k)
		return
	}
	x.holds[k] = t
}

// firstHold returns the soonest hold's end after now (zero if none); the
// holds that ended are dropped (the turn at their end has looked).
func (x *dueIndex) firstHold(now time.Time) time.Time {
	x.mu.Lock()
	defer x.mu.Unlock()
	var first time.Time
	for k, t := range x.holds {
		if !t.After(now) {
			delete(x.holds, k)
			continue
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first
}

// set records a channel's next slot (zero removes it).
func (x *dueIndex) set(k chanKey, next time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.setLocked(k, next)
}

func (x *dueIndex) setLocked(k chanKey, next time.Time) {
	e, ok := x.entries[k]
	switch {
	case next.IsZero() && ok:
		heap.Remove(&x.heap, e.pos)
		delete(x.entries, k)
	case next.IsZero():
	case ok:
		e.next = next
		heap.Fix(&x.heap, e.pos)
	default:
		e = &dueEntry{key: k, next: next}
		x.entries[k] = e
		heap.Push(&x.heap, e)
	}
}

// rebuild replaces the index with chans' next slots after now and forgets
// the touched channels (a full turn has just looked at every channel).
func (x *dueIndex) rebuild(chans []store.Channel, now time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	clear(x.entries)
	clear(x.heap)
	x.heap = x.heap[:0]
	for _, ch := range chans {
		x.setLocked(chanKey{Space: ch.Space, Channel: ch.ID}, nextChannelEvent(ch, now))
	}
	clear(x.touched)
}

// touch marks a channel as changed since the loop's last turn.
func (x *dueIndex) touch(k chanKey) {
	x.mu.Lock()
	x.touched[k] = true
	x.mu.Unlock()
}

// takeTouched returns and forgets the channels changed since the last turn.
func (x *dueIndex) takeTouched() []chanKey {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]chanKey, 0, len(x.touched))
	for k := range x.touched {
		out = append(out, k)
	}
	clear(x.touched)
	return out
}

// first returns the soonest next slot in the index (zero if none).
func (x *dueIndex) first() time.Time {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.heap) == 0 {
		return time.Time{}
	}
	return x.heap[0].next
}

// touchChannel tells the due-loop that one channel's settings changed: its
// next turn looks at that channel alone (and the open posts), not at every
// channel.
func (b *Bot) touchChannel(sp Space, channel string) {
	b.due.touch(chanKey{Space: sp, Channel: channel})
	b.Wake()
}

// runTouched is a due-loop turn after a wake: it posts the due slots of
// the channels changed since the last turn only, refreshes their next
// slots in the index, closes what is due and sends due reminders.
func (b *Bot) runTouched(ctx context.Context, now time.Time) {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	touched := b.due.takeTouched()
	tasks := b.quiz.CloseTasks(now)
	for _, k := range touched {
		tasks = append(tasks, b.quiz.DueTask(k.Space, k.Channel, now))
	}
	b.runTasks(ctx, tasks)
	for _, k := range touched {
		ch, err := b.db.GetChannel(k.Space, k.Channel)
		if err != nil {
			b.due.set(k, time.Time{})
			continue
		}
		b.due.set(k, nextChannelEvent(ch, now))
	}
	b.digest.StartDigests()
	b.learn.RunReminders(ctx, now)
}

// runAll is a due-loop turn when its timer fired: RunDue over every
// channel, then the index rebuilt from the store.
func (b *Bot) runAll(ctx context.Context, now time.Time) {
	b.RunDue(ctx, now)
	chans, err := b.db.Channels()
	if err != nil {
		b.log.Error("due index: channels", "err", err)
		return
	}
	b.due.rebuild(chans, now)
}

// nextLoopEvent is NextEvent from the index: the soonest of the open
// posts' events, the indexed channels' next slots and the store's next
// reminder, after now.
func (b *Bot) nextLoopEvent(now time.Time) time.Time {
	next := b.quiz.NextPostEvent(now)
	if t := b.due.first(); t.After(now) && (next.IsZero() || t.Before(next)) {
		next = t
	} else if !t.IsZero() && !t.After(now) {
		next = now // a slot already due: look again at once
	}
	if t := b.learn.NextReminder(); !t.IsZero() && (next.IsZero() || t.Before(next)) {
		next = t // a reminder (already due: look again at once)
	}
	if t := b.due.firstHold(now); !t.IsZero() && (next.IsZero() || t.Before(next)) {
		next = t // a slot held for the minimum interval
	}
	return next
}

// nextChannelEvent is the sooner of the channel's next slot and its next
// timed digest after now (zero when it has neither, as when paused).
func nextChannelEvent(ch store.Channel, now time.Time) time.Time {
	next := quiz.NextSlot(ch, now)
	if ch.Paused {
		return next
	}
	if d := digest.NextDigest(ch, now); !d.IsZero() && (next.IsZero() || d.Before(next)) {
		next = d
	}
	return next
}

// Hold implements quiz.Loop: the index holds a channel's due slot until
// a time (zero releases it).
func (x *dueIndex) Hold(k chanKey, until time.Time) { x.hold(k, until) }
