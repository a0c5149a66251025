package pace

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// Task is one unit of the posting pool's work: posting or closing in one
// channel. Run returns 0 when the task is done, or how long to wait before
// it is run again (a rate limit): meanwhile it is queued and holds no
// worker, so the worker goes on with other tasks.
type Task[K comparable] struct {
	// Key is the task's channel: the tasks of one key run one at a time,
	// in the order given, even while one of them waits.
	Key K
	// Run does the work and returns 0, or how long to wait before it is
	// run again.
	Run func(ctx context.Context) (again time.Duration)
	// Dropped, if set, is called for a task still queued when ctx ends.
	Dropped func()
}

// Clock is the time a queue runs on: Now reads it and NewTimer sleeps on
// it (WallTimer, or a test's fake clock).
type Clock struct {
	// Now returns the current time.
	Now func() time.Time
	// NewTimer returns a channel that receives once d has passed, and a
	// function that stops the timer.
	NewTimer func(d time.Duration) (<-chan time.Time, func())
}

// WallTimer is a NewTimer on the wall clock.
func WallTimer(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}

// Run runs tasks on at most workers goroutines and returns when every
// task is done (or ctx is, dropping what is still queued). A task that
// asks to wait is queued until then on clock: the queue's own time moves
// with the clock and with each of its timers that fires, so a clock that
// stands still in a test does not hold it up. A task starts only once the
// tasks given before it for the same key are done, so a question's
// results, held back by a rate limit, still come before the channel's
// next card.
func Run[K comparable](ctx context.Context, clock Clock, workers int, tasks []Task[K]) {
	if len(tasks) == 0 {
		return
	}
	q := &taskQueue[K]{clock: clock, tasks: tasks, changed: make(chan struct{}), now: clock.Now(),
		owner: map[K]int{}, behind: map[K][]int{}}
	q.ready = make([]int, len(tasks))
	for i := range tasks {
		q.ready[i] = i
	}
	workers = min(len(tasks), max(workers, 1))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() { // owned by Run, which waits for it
			defer wg.Done()
			q.work(ctx)
		}()
	}
	wg.Wait()
	left := append([]int(nil), q.ready...)
	for _, d := range q.delayed {
		left = append(left, d.i)
	}
	for _, behind := range q.behind {
		left = append(left, behind...)
	}
	for _, i := range left {
		if f := tasks[i].Dropped; f != nil {
			f()
		}
	}
}

// taskQueue is the state Run's workers share.
type taskQueue[K comparable] struct {
	clock   Clock
	tasks   []Task[K]
	mu      sync.Mutex
	ready   []int         // tasks to run now, in order
	delayed delayHeap     // tasks waiting for their time
	running int           // tasks being run
	owner   map[K]int     // key → its task started and not done (running or delayed)
	behind  map[K][]int   // key → its tasks waiting for owner to be done, in order
	timing  bool          // a worker sleeps on the timer for delayed[0]
	now     time.Time     // the queue's time: never behind the clock or a fired timer
	changed chan struct{} // closed (and replaced) when the queue changes
}

// work is one worker's loop.
func (q *taskQueue[K]) work(ctx context.Context) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for ctx.Err() == nil {
		if now := q.clock.Now(); now.After(q.now) {
			q.now = now
		}
		for len(q.delayed) > 0 && !q.delayed[0].at.After(q.now) {
			q.ready = append(q.ready, heap.Pop(&q.delayed).(delayed).i)
		}
		if len(q.ready) > 0 {
			i := q.ready[0]
			q.ready = q.ready[1:]
			k := q.tasks[i].Key
			if o, ok := q.owner[k]; ok && o != i {
				q.behind[k] = append(q.behind[k], i) // the channel's earlier task is not done
				continue
			}
			q.owner[k] = i
			q.running++
			q.mu.Unlock()
			again := q.tasks[i].Run(ctx)
			q.mu.Lock()
			q.running--
			if again > 0 {
				if now := q.clock.Now(); now.After(q.now) {
					q.now = now // the task took time: its wait starts now
				}
				heap.Push(&q.delayed, delayed{at: q.now.Add(again), i: i})
			} else {
				delete(q.owner, k)
				if next := q.behind[k]; len(next) > 0 {
					q.ready = append(q.ready, next[0])
					if q.behind[k] = next[1:]; len(q.behind[k]) == 0 {
						delete(q.behind, k)
					}
				}
			}
			q.signal()
			continue
		}
		if len(q.delayed) == 0 {
			if q.running == 0 {
				return // all done
			}
			q.wait(ctx, nil)
			continue
		}
		if q.timing {
			q.wait(ctx, nil)
			continue
		}
		// this worker keeps time for the soonest delayed task
		target := q.delayed[0].at
		fire, stop := q.clock.NewTimer(target.Sub(q.now))
		q.timing = true
		fired := q.wait(ctx, fire)
		stop()
		q.timing = false
		if fired && target.After(q.now) {
			q.now = target
		}
		q.signal()
	}
}

// wait releases the lock until the queue changes, fire fires (reported
// true) or ctx ends.
func (q *taskQueue[K]) wait(ctx context.Context, fire <-chan time.Time) bool {
	changed := q.changed
	q.mu.Unlock()
	defer q.mu.Lock()
	select {
	case <-changed:
	case <-ctx.Done():
	case <-fire:
		return true
	}
	return false
}

// signal wakes the workers waiting for a change.
func (q *taskQueue[K]) signal() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// delayed is a task waiting until at.
type delayed struct {
	at time.Time
	i  int
}

// delayHeap orders delayed tasks by time, then by task order.
type delayHeap []delayed

func (h delayHeap) Len() int { return len(h) }
func (h delayHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].i < h[j].i
}
func (h delayHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *delayHeap) Push(x any)   { *h = append(*h, x.(delayed)) }
func (h *delayHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
