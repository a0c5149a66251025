package store

import (
	"errors"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// committer is group commit without waiting: a write that finds no commit
// running commits at once, alone; writes that arrive while a commit runs
// queue, and the first of them commits the whole queue in one transaction
// when it ends. Unlike bbolt's Batch, a lone write never waits out a
// delay, and a burst of writes shares commits (two fdatasyncs each).
type committer struct {
	mu      sync.Mutex
	running bool
	queue   []*groupCall
}

// groupCall is one write waiting for its commit.
type groupCall struct {
	fn   func(*bolt.Tx) error
	done chan error    // its outcome
	lead chan struct{} // it is to commit the queue
}

// errGroupFailed aborts a group's transaction when one of its writes fails.
var errGroupFailed = errors.New("store: a write in the group failed")

// group runs fn in a read-write transaction, possibly shared with other
// concurrent writes. Like Batch, fn may run more than once (when another
// write of its group fails): it must read what it needs inside, reset
// what it captures at its top, and return an error only to abort itself.
func (d *DB) group(fn func(tx *bolt.Tx) error) error {
	c := &groupCall{fn: fn, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	g := &d.commits
	g.mu.Lock()
	g.queue = append(g.queue, c)
	if !g.running {
		g.running = true
		c.lead <- struct{}{}
	}
	g.mu.Unlock()
	select {
	case err := <-c.done:
		return err
	case <-c.lead:
	}
	// this call leads: commit everything queued (itself included), then
	// hand the lead to the first write that queued meanwhile
	g.mu.Lock()
	calls := g.queue
	g.queue = nil
	g.mu.Unlock()
	d.commitGroup(calls)
	g.mu.Lock()
	if len(g.queue) > 0 {
		g.queue[0].lead <- struct{}{}
	} else {
		g.running = false
	}
	g.mu.Unlock()
	return <-c.done
}

// commitGroup commits calls in one transaction. A write that fails is
// run again alone for its own error, and the others again without it.
func (d *DB) commitGroup(calls []*groupCall) {
	for len(calls) > 0 {
		if len(calls) == 1 {
			calls[0].done <- d.update(calls[0].fn)
			return
		}
		failed := -1
		err := d.update(func(tx *bolt.Tx) error {
			failed = -1
			for i, c := range calls {
				if err := c.fn(tx); err != nil {
					failed = i
					return errGroupFailed
				}
			}
			return nil
		})
		if failed < 0 {
			for _, c := range calls {
				c.done <- err
			}
			return
		}
		bad := calls[failed]
		bad.done <- d.update(bad.fn)
		calls = append(calls[:failed:failed], calls[failed+1:]...)
	}
}
