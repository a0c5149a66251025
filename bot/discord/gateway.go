package discord

import (
	"context"
	"errors"
	"github.com/studybot/studybot/bot/pace"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// The gateway connection. discordgo reconnects on its own, but without
// growing its backoff while each connection opens and then drops (a
// reconnect storm costs an IDENTIFY or RESUME a second, and Discord resets
// a bot's token after 1,000 IDENTIFYs a day), with no deadline on the
// handshake (a gateway that goes silent mid-RESUME holds Open, and Close,
// forever), after five missed heartbeat ACKs only, and whatever the close
// code (4004 "Authentication failed" is retried for ever). So the adapter
// turns discordgo's reconnection off and keeps the connection itself:
// a jittered exponential backoff that resets only once a connection has
// stayed up for StableAfter, a deadline on every handshake, a watchdog
// that closes a connection whose heartbeats go unACKed for ZombieAfter,
// and the end of Run on the close codes Discord says not to reconnect on.

// Gateway defaults (Config fields of the same names).
const (
	DefaultReconnectMin     = time.Second
	DefaultReconnectMax     = 2 * time.Minute
	DefaultStableAfter      = time.Minute
	DefaultZombieAfter      = 90 * time.Second // two heartbeat intervals and a bit
	DefaultHandshakeTimeout = 30 * time.Second
	DefaultMaxInFlight      = 256
)

// fatalClose are the gateway close codes after which Discord says not to
// reconnect: authentication failed, invalid shard, sharding required,
// invalid API version, invalid or disallowed intents.
var fatalClose = map[int]bool{4004: true, 4010: true, 4011: true, 4012: true, 4013: true, 4014: true}

// fatal reports whether a gateway error is one not to reconnect after.
func fatal(err error) bool {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fatalClose[ce.Code]
	}
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == 401
}

// handshakeConn is a gateway connection with a deadline over its whole
// handshake (websocket upgrade, HELLO, IDENTIFY or RESUME, READY): the
// websocket library clears deadlines after the upgrade, so a zero
// deadline is held back until done.
type handshakeConn struct {
	net.Conn
	until time.Time
	mu    sync.Mutex
	over  bool
}

func (c *handshakeConn) hold(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.IsZero() && !c.over {
		return c.until
	}
	return t
}

// SetDeadline implements net.Conn.
func (c *handshakeConn) SetDeadline(t time.Time) error { return c.Conn.SetDeadline(c.hold(t)) }

// SetReadDeadline implements net.Conn.
func (c *handshakeConn) SetReadDeadline(t time.Time) error { return c.Conn.SetReadDeadline(c.hold(t)) }

// done ends the handshake: the deadline is lifted.
func (c *handshakeConn) done() {
	c.mu.Lock()
	c.over = true
	c.mu.Unlock()
	c.Conn.SetDeadline(time.Time{})
}

// gatewayDialer returns a websocket dialer whose connections carry the
// handshake deadline; the newest is kept in last.
func gatewayDialer(timeout time.Duration, wall func() time.Time, last *atomic.Pointer[handshakeConn]) *websocket.Dialer {
	d := *websocket.DefaultDialer // a copy: the default is shared
	var nd net.Dialer
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := nd.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		hc := &handshakeConn{Conn: c, until: wall().Add(timeout)}
		hc.Conn.SetDeadline(hc.until)
		last.Store(hc)
		return hc, nil
	}
	return &d
}

// open opens the gateway once, under the handshake deadline; it refuses
// once the adapter is closing, so that Close does not race a reconnect.
func (a *Adapter) open() error {
	a.openMu.Lock()
	defer a.openMu.Unlock()
	if a.ctx.Err() != nil {
		return a.ctx.Err()
	}
	err := a.s.Open()
	if hc := a.handshake.Swap(nil); hc != nil && err == nil {
		hc.done()
	}
	if errors.Is(err, discordgo.ErrWSAlreadyOpen) {
		a.state.Store("connected") // a late report of an earlier drop
		return nil
	}
	return err
}

// closeGateway closes the gateway connection (not the adapter).
func (a *Adapter) closeGateway(code int) {
	a.openMu.Lock()
	defer a.openMu.Unlock()
	if c, ok := a.s.(interface{ CloseWithCode(int) error }); ok {
		c.CloseWithCode(code)
		return
	}
	a.s.Close()
}

// zombie reports whether the open connection's heartbeats have gone
// unACKed for ZombieAfter. discordgo stamps ACKs with the wall clock, so
// this compares with the wall clock too.
func (a *Adapter) zombie() bool {
	s, ok := a.s.(*discordgo.Session)
	if !ok || !s.TryRLock() { // busy opening or closing: not a zombie
		return false
	}
	last := s.LastHeartbeatAck
	s.RUnlock()
	return !last.IsZero() && a.wall().Sub(last) > a.cfg.ZombieAfter
}

// lost is told (without blocking) that the connection dropped.
func (a *Adapter) lost() {
	select {
	case a.dropped <- struct{}{}:
	default:
	}
}

// keepConnected reconnects after every drop, with backoff, until ctx or
// the adapter is done; it returns an error only for a fatal close code.
func (a *Adapter) keepConnected(ctx context.Context) error {
	b := &pace.Backoff{Min: a.cfg.ReconnectMin, Max: a.cfg.ReconnectMax, Jitter: a.cfg.Jitter}
	up := a.wall()
	tick := time.NewTicker(max(a.cfg.ZombieAfter/4, time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-a.ctx.Done():
			return nil
		case <-tick.C:
			if a.State() != "connected" && a.state.Load() == "connected" {
				a.log.Warn("gateway heartbeats not acknowledged: closing the zombie connection", "after", a.cfg.ZombieAfter)
				a.closeGateway(4000) // not 1000: the session stays resumable
			}
			continue
		case <-a.dropped:
		}
		if a.wall().Sub(up) >= a.cfg.StableAfter {
			b.Reset()
		}
		for {
			a.state.Store("connecting")
			d := b.Next()
			a.reconnects.Add(1)
			select {
			case <-ctx.Done():
				return nil
			case <-a.ctx.Done():
				return nil
			case <-a.cfg.After(d):
			}
			err := a.open()
			if err == nil {
				up = a.wall()
				// A drop reported twice (discordgo's reader and heartbeat
				// both close) is one drop.
				select {
				case <-a.dropped:
				default:
				}
				break
			}
			if a.ctx.Err() != nil || ctx.Err() != nil {
				return nil
			}
			if fatal(err) {
				a.state.Store("failed")
				return err
			}
			a.log.Warn("gateway reconnect failed", "err", err)
		}
	}
}

// Reconnects returns how many times the adapter waited to reconnect.
func (a *Adapter) Reconnects() int64 { return a.reconnects.Load() }

// admit takes an interaction into the bounded set being answered; false
// (counted, and logged once a minute at most) when MaxInFlight are
// already: under a flood the excess goes unanswered rather than growing
// goroutines and memory without bound.
func (a *Adapter) admit() bool {
	if a.inflight.Add(1) > int64(a.cfg.MaxInFlight) {
		a.inflight.Add(-1)
		a.shed.Add(1)
		a.refused.Add("gateway interaction shed: too many in flight")
		return false
	}
	return true
}

// Shed returns how many gateway interactions were dropped unanswered
// because MaxInFlight were being answered.
func (a *Adapter) Shed() int64 { return a.shed.Load() }

// Duplicates returns how many gateway interactions were dropped because
// their ID had been taken already (a redelivery or a replay).
func (a *Adapter) Duplicates() int64 { return a.dupes.Load() }

// Malformed returns how many gateway interactions were dropped as no
// Discord sends them (null, no ID, no user, data of the wrong kind).
func (a *Adapter) Malformed() int64 { return a.malformed.Load() }

// wellFormed reports whether an interaction has what Discord always
// sends: an ID, a user, and data of its type's kind (a data field that
// did not decode leaves none).
func wellFormed(i *discordgo.Interaction) bool {
	if user, _ := who(i); i.ID == "" || user == "" {
		return false
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		_, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		return ok
	case discordgo.InteractionMessageComponent:
		_, ok := i.Data.(discordgo.MessageComponentInteractionData)
		return ok
	}
	return false
}

// firstDelivery reports whether a gateway interaction is new and well
// formed: an interaction ID seen before (a redelivery, a replay) is
// dropped, as one without an ID or a user. Commands are remembered where
// HTTP commands are (the store when Config.Requests is set), clicks in
// memory.
func (a *Adapter) firstDelivery(i *discordgo.Interaction) bool {
	if !wellFormed(i) {
		a.malformed.Add(1)
		a.log.Debug("dropped a malformed gateway interaction", "interaction", i.ID, "type", i.Type)
		return false
	}
	seen := a.replays
	if i.Type != discordgo.InteractionApplicationCommand {
		seen = a.clickReplays
	}
	if !seen.First("discord:ia:" + i.ID) {
		a.dupes.Add(1)
		a.log.Debug("dropped a gateway interaction delivered again", "interaction", i.ID)
		return false
	}
	return true
}
