package main

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/studybot/studybot/bot/webhook"
)

// connCap is a listener that holds at most max connections. When a new
// connection arrives at the cap, it makes room by closing, in this order:
// a connection whose request was refused and answered (net/http lingers
// half a second before closing it); the body read at the lowest rate if
// that is below the Gate's minimum rate and has been for headerGrace (a
// trickled body: the webhook Gate reports each body's progress, see
// context); the connection that has waited longest (at least headerGrace)
// without sending its request headers; the slowest body; the
// longest-idle keep-alive; the newest connection still within headerGrace
// (under an accept storm, the older ones are nearer to being read). Only when every connection
// is busy serving a request past its body does it wait. A flood of slow
// clients, before or after their headers, thus cannot starve a quick
// request such as a health probe: its connection is admitted at once and
// a flooder's goes.
//
// The server's ConnState must be track, and its ConnContext context,
// which tells pending, reading, busy and idle connections apart.
type connCap struct {
	net.Listener
	max    int
	now    func() time.Time // wall clock: compares body rates
	mu     sync.Mutex
	freed  *sync.Cond
	conns  map[net.Conn]*capEntry
	seq    uint64
	closed bool
	// evicted counts connections closed to make room, by what they were.
	evicted map[string]int64
	// minRate is the webhook Gate's minimum body rate (bytes a second): a
	// body below it for headerGrace goes before a pending request.
	minRate int
}

type capEntry struct {
	seq   uint64    // admission order (older is smaller)
	at    time.Time // admission time
	state http.ConnState
	conn  net.Conn
	body  *webhook.Progress
}

func newConnCap(l net.Listener, max, minRate int) *connCap {
	c := &connCap{Listener: l, max: max, minRate: minRate, now: time.Now, conns: map[net.Conn]*capEntry{}, evicted: map[string]int64{}}
	c.freed = sync.NewCond(&c.mu)
	return c
}

// Accept implements net.Listener.
func (c *connCap) Accept() (net.Conn, error) {
	conn, err := c.Listener.Accept()
	if err != nil {
		return nil, err
	}
	var victims []net.Conn
	c.mu.Lock()
	for len(c.conns) >= c.max && !c.closed {
		v, kind := c.victim()
		if v == nil {
			c.freed.Wait() // every connection is serving a request
			continue
		}
		delete(c.conns, v.conn)
		c.evicted[kind]++
		victims = append(victims, v.conn)
	}
	if c.closed {
		c.mu.Unlock()
		conn.Close()
		return nil, net.ErrClosed
	}
	c.seq++
	c.conns[conn] = &capEntry{seq: c.seq, at: c.now(), state: http.StateNew, conn: conn, body: &webhook.Progress{}}
	c.mu.Unlock()
	for _, v := range victims {
		v.Close()
	}
	return conn, nil
}

// victim returns the connection to close to make room, and what it was
// ("refused", "slow body", "headers", "body", "idle"), or nil when every
// connection is busy. c.mu is held.
func (c *connCap) victim() (*capEntry, string) {
	var closing, pending, young, idle, slow *capEntry
	var slowRate float64
	now := c.now()
	for _, e := range c.conns {
		switch e.state {
		case http.StateNew:
			if now.Sub(e.at) < headerGrace {
				if young == nil || e.seq > young.seq { // the newest: the older is nearer being read
					young = e
				}
			} else if pending == nil || e.seq < pending.seq {
				pending = e
			}
		case http.StateIdle:
			if idle == nil || e.seq < idle.seq {
				idle = e
			}
		case http.StateActive:
			if e.body.Closing() { // refused, answered, lingering before the close
				if closing == nil || e.seq < closing.seq {
					closing = e
				}
				continue
			}
			reading, since, n := e.body.Rate()
			if !reading {
				continue // serving a request: never cut
			}
			rate := float64(n) / max(now.Sub(since).Seconds(), 1e-3)
			if slow == nil || rate < slowRate || (rate == slowRate && e.seq < slow.seq) {
				slow, slowRate = e, rate
			}
		}
	}
	doomed := slow != nil && slowRate < float64(c.minRate)
	if doomed {
		_, since, _ := slow.body.Rate()
		doomed = now.Sub(since) >= headerGrace
	}
	switch {
	case closing != nil:
		return closing, "refused"
	case doomed: // below the minimum rate: the gate would cut it anyway
		return slow, "slow body"
	case pending != nil:
		return pending, "headers"
	case slow != nil:
		return slow, "body"
	case idle != nil:
		return idle, "idle"
	case young != nil:
		return young, "headers"
	}
	return nil, ""
}

// headerGrace is how long a new connection has to send its headers before
// it is the first to go: under an accept storm, a health probe accepted a
// moment ago is not cut before the server has read its request.
const headerGrace = time.Second

// context is the server's ConnContext: it hands the connection's body
// progress to the webhook Gate.
func (c *connCap) context(ctx context.Context, conn net.Conn) context.Context {
	c.mu.Lock()
	e, ok := c.conns[conn]
	c.mu.Unlock()
	if !ok {
		return ctx
	}
	return webhook.WithProgress(ctx, e.body)
}

// track is the server's ConnState hook.
func (c *connCap) track(conn net.Conn, st http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.conns[conn]
	if !ok {
		return // evicted already
	}
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(c.conns, conn)
		c.freed.Broadcast()
	default:
		e.state = st
		if st == http.StateIdle {
			c.freed.Broadcast() // an idle connection may be closed to make room
		}
	}
}

// Evicted returns how many connections were closed to make room, by what
// they were waiting for.
func (c *connCap) Evicted() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.evicted))
	for k, v := range c.evicted {
		out[k] = v
	}
	return out
}

// Close implements net.Listener.
func (c *connCap) Close() error {
	c.mu.Lock()
	c.closed = true
	c.freed.Broadcast()
	c.mu.Unlock()
	return c.Listener.Close()
}
