package main

import (
	"net"
	"net/http"
	"sync"
)

// connCap is a listener that holds at most max connections. When a new
// connection arrives at the cap, it makes room by closing the connection
// that has waited longest without sending a complete request (a slow
// client), else the longest-idle keep-alive; only when every connection
// is busy serving a request does it wait. A flood of slow clients thus
// cannot starve a quick request such as a health probe: the probe has sent
// its request by the time it is accepted, and the flood's oldest pending
// connections are the ones that go.
//
// The server's ConnState must be track, which tells pending, busy and
// idle connections apart.
type connCap struct {
	net.Listener
	max    int
	mu     sync.Mutex
	freed  *sync.Cond
	conns  map[net.Conn]*capEntry
	seq    uint64
	closed bool
}

type capEntry struct {
	seq   uint64 // admission order (older is smaller)
	state http.ConnState
	conn  net.Conn
}

func newConnCap(l net.Listener, max int) *connCap {
	c := &connCap{Listener: l, max: max, conns: map[net.Conn]*capEntry{}}
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
		v := c.victim()
		if v == nil {
			c.freed.Wait() // every connection is serving a request
			continue
		}
		delete(c.conns, v.conn)
		victims = append(victims, v.conn)
	}
	if c.closed {
		c.mu.Unlock()
		conn.Close()
		return nil, net.ErrClosed
	}
	c.seq++
	c.conns[conn] = &capEntry{seq: c.seq, state: http.StateNew, conn: conn}
	c.mu.Unlock()
	for _, v := range victims {
		v.Close()
	}
	return conn, nil
}

// victim returns the oldest connection without a request, else the
// oldest idle one, else nil. c.mu is held.
func (c *connCap) victim() *capEntry {
	var pending, idle *capEntry
	for _, e := range c.conns {
		switch e.state {
		case http.StateNew:
			if pending == nil || e.seq < pending.seq {
				pending = e
			}
		case http.StateIdle:
			if idle == nil || e.seq < idle.seq {
				idle = e
			}
		}
	}
	if pending != nil {
		return pending
	}
	return idle
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

// Close implements net.Listener.
func (c *connCap) Close() error {
	c.mu.Lock()
	c.closed = true
	c.freed.Broadcast()
	c.mu.Unlock()
	return c.Listener.Close()
}
