package main

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/studybot/studybot/bot/webhook"
)

// connCap is a listener that holds at most max connections. When a new
// connection arrives at the cap, it makes room by closing, in this order:
// a connection whose request was refused and answered (net/http lingers
// half a second before closing it); the body read at the lowest rate if
// that is below the Gate's minimum rate and has been for bodyGrace (a
// trickled body: the webhook Gate reports each body's progress, see
// context); the oldest connection the server has waited on for its
// headers for headerGrace; the slowest body; the oldest connection the
// server waits on for its headers; the longest-idle keep-alive. A
// connection the server has not yet started reading (an accept storm) is
// cut last, and only after Accept has waited unreadWait for the server to
// get round to it, so that a probe accepted a moment ago is not cut just
// before it is served. Only when every connection is busy serving a
// request past its body does Accept wait for good. A flood of slow
// clients, before or after their headers, thus cannot starve a quick
// request such as a health probe.
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
	read  atomic.Bool // the server has started reading it
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
	waited := time.Duration(0)
	for len(c.conns) >= c.max && !c.closed {
		v, kind := c.victim(waited >= unreadWait)
		if v == nil && kind == "unread" {
			// The only candidates are connections the server has not
			// started reading (an accept storm): let it read them, keeping
			// newcomers in the kernel's queue, rather than cut a request
			// it is about to serve; a while at most.
			c.mu.Unlock()
			time.Sleep(time.Millisecond)
			waited += time.Millisecond
			c.mu.Lock()
			continue
		}
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
	e := &capEntry{seq: c.seq, at: c.now(), state: http.StateNew, body: &webhook.Progress{}}
	cc := &capConn{Conn: conn, e: e}
	e.conn = cc
	c.conns[cc] = e
	c.mu.Unlock()
	for _, v := range victims {
		v.Close()
	}
	return cc, nil
}

// capConn is an admitted connection: it notes when the server first reads
// it, which tells a client that has not sent its headers from one the
// server has not got round to yet.
type capConn struct {
	net.Conn
	e *capEntry
}

func (c *capConn) Read(p []byte) (int, error) {
	c.e.read.Store(true)
	return c.Conn.Read(p)
}

// CloseWrite lets net/http half-close the connection as it would a TCP one.
func (c *capConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// victim returns the connection to close to make room, and what it was
// ("refused", "slow body", "headers", "body", "idle", "unread"); nil and
// "unread" when the only candidates are connections the server has not
// started reading and takeUnread is false; nil and "" when every
// connection is busy. c.mu is held.
func (c *connCap) victim(takeUnread bool) (*capEntry, string) {
	var closing, pending, unread, idle, slow *capEntry
	var slowRate float64
	now := c.now()
	for _, e := range c.conns {
		switch e.state {
		case http.StateNew:
			if !e.read.Load() {
				if unread == nil || e.seq < unread.seq {
					unread = e
				}
			} else if pending == nil || e.seq < pending.seq {
				pending = e // the server waits for its headers
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
		doomed = now.Sub(since) >= bodyGrace
	}
	switch {
	case closing != nil:
		return closing, "refused"
	case doomed: // below the minimum rate: the gate would cut it anyway
		return slow, "slow body"
	case pending != nil && now.Sub(pending.at) >= headerGrace:
		return pending, "headers"
	case slow != nil:
		return slow, "body"
	case pending != nil:
		return pending, "headers"
	case idle != nil:
		return idle, "idle"
	case unread != nil && takeUnread:
		return unread, "unread"
	case unread != nil:
		return nil, "unread"
	}
	return nil, ""
}

// Grace periods of the cap: a connection the server waits on for its
// headers goes before the bodies after headerGrace; a body below the
// minimum rate goes before everything but refused connections after
// bodyGrace; Accept waits up to unreadWait for the server to start
// reading the connections it has not got round to.
const (
	headerGrace = 250 * time.Millisecond
	bodyGrace   = 250 * time.Millisecond
	unreadWait  = 200 * time.Millisecond
)

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
