package bot

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// task is one unit of the posting pool's work. It returns 0 when done, or
// how long to wait before it is run again (a rate limit): meanwhile it is
// queued and holds no worker, so the worker goes on with other tasks.
type task func(ctx context.Context) (again time.Duration)

// runTasks runs tasks on at most postWorkers goroutines and returns when
// every task is done (or ctx is, dropping what is still queued). A task
// that asks to wait is queued until then on the bot's clock: the queue's
// own time moves with the clock and with each of its timers that fires, so
// a clock that stands still in a test does not hold it up.
func (b *Bot) runTasks(ctx context.Context, tasks []task) {
	if len(tasks) == 0 {
		return
	}
	q := &taskQueue{b: b, tasks: tasks, changed: make(chan struct{}), now: b.now()}
	q.ready = make([]int, len(tasks))
	for i := range tasks {
		q.ready[i] = i
	}
	workers := min(len(tasks), postWorkers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() { // owned by runTasks, which waits for it
			defer wg.Done()
			q.work(ctx)
		}()
	}
	wg.Wait()
}

// taskQueue is the state runTasks' workers share.
type taskQueue struct {
	b       *Bot
	tasks   []task
	mu      sync.Mutex
	ready   []int         // tasks to run now, in order
	delayed delayHeap     // tasks waiting for their time
	running int           // tasks being run
	timing  bool          // a worker sleeps on the timer for delayed[0]
	now     time.Time     // the queue's time: never behind the clock or a fired timer
	changed chan struct{} // closed (and replaced) when the queue changes
}

// work is one worker's loop.
func (q *taskQueue) work(ctx context.Context) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for ctx.Err() == nil {
		if now := q.b.now(); now.After(q.now) {
			q.now = now
		}
		for len(q.delayed) > 0 && !q.delayed[0].at.After(q.now) {
			q.ready = append(q.ready, heap.Pop(&q.delayed).(delayed).i)
		}
		if len(q.ready) > 0 {
			i := q.ready[0]
			q.ready = q.ready[1:]
			q.running++
			q.mu.Unlock()
			again := q.tasks[i](ctx)
			q.mu.Lock()
			q.running--
			if again > 0 {
				heap.Push(&q.delayed, delayed{at: q.now.Add(again), i: i})
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
		fire, stop := q.b.cfg.NewTimer(target.Sub(q.now))
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
func (q *taskQueue) wait(ctx context.Context, fire <-chan time.Time) bool {
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
func (q *taskQueue) signal() {
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
