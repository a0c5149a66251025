package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// gateway is the fake's gateway: every connection (one per shard, as a
// sharded bot opens them) and the guilds the bot is in. Events of a guild
// go only to the connection of the guild's shard (shard.go).
type gateway struct {
	mu       sync.Mutex
	conns    []*conn
	guilds   []string            // the bot's guilds, in the order they were added
	last     map[string]any      // the last IDENTIFY payload
	perShard int                 // guilds one connection may hold (0: MaxGuildsPerShard)
	faults   faults              // what a broken gateway does (faults.go)
	sessions map[string]*session // by session ID, for RESUME
	order    []*session          // oldest first
}

// session is a gateway session: its sequence and the dispatches sent or
// queued in it, which a RESUME replays from the client's last sequence
// (as Discord does), events queued while no connection was up included.
type session struct {
	mu           sync.Mutex
	id           string
	shard, count int
	seq          int
	log          []logged
}

// logged is one dispatch of a session.
type logged struct {
	seq int
	t   string
	d   any
}

// next numbers a dispatch, logging it for replay when t is not "".
func (s *session) next(t string, d any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	if t != "" {
		s.log = append(s.log, logged{s.seq, t, d})
	}
	return s.seq
}

// since returns the dispatches after seq.
func (s *session) since(seq int) []logged {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []logged
	for _, l := range s.log {
		if l.seq > seq {
			out = append(out, l)
		}
	}
	return out
}

// conn is one gateway connection (a session) and what it was sent.
type conn struct {
	ws  *websocket.Conn
	wmu sync.Mutex // serialises writes; guards seq
	seq int

	// set at IDENTIFY, under gateway.mu
	ready        bool
	shard, count int
	session      *session
	identify     map[string]any
	events       []Event
}

// Event is a dispatch the fake sent over a gateway connection.
type Event struct {
	// Type is the dispatch type ("GUILD_CREATE", "INTERACTION_CREATE").
	Type string
	// Guild is the guild it concerns ("" for READY and direct messages).
	Guild string
}

// send writes one payload to the connection.
func (c *conn) send(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteJSON(v)
}

// dispatch sends an op 0 event with the connection's next sequence number.
func (c *conn) dispatch(t string, d any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.seq++
	seq := c.seq
	if c.session != nil {
		seq = c.session.next(t, d)
	}
	return c.ws.WriteJSON(map[string]any{"op": 0, "t": t, "s": seq, "d": d})
}

// closeWith ends the connection with a gateway close code, as Discord
// does for an invalid IDENTIFY.
func (c *conn) closeWith(code int, text string) {
	c.wmu.Lock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.wmu.Unlock()
	c.ws.Close()
}

// closeAll closes every connection (the fake is shutting down).
func (g *gateway) closeAll() {
	g.mu.Lock()
	conns := g.conns
	g.conns = nil
	g.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
}

// drop forgets a connection that ended.
func (g *gateway) drop(c *conn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, x := range g.conns {
		if x == c {
			g.conns = append(g.conns[:i], g.conns[i+1:]...)
			return
		}
	}
}

// record notes that an event went to c.
func (g *gateway) record(c *conn, t, guild string) {
	g.mu.Lock()
	c.events = append(c.events, Event{Type: t, Guild: guild})
	g.mu.Unlock()
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws}
	s.gw.mu.Lock()
	s.gw.conns = append(s.gw.conns, c)
	s.gw.faults.attempts++
	interval := s.gw.faults.heartbeatMS
	s.gw.mu.Unlock()
	defer s.gw.drop(c)
	if interval == 0 {
		interval = 45000
	}
	c.send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": interval}})
	for {
		var msg struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := ws.ReadJSON(&msg); err != nil {
			return
		}
		switch msg.Op {
		case 2: // IDENTIFY
			if s.gw.refused(c) || !s.identify(c, msg.D) || !s.gw.afterSession(c) {
				return
			}
		case 6: // RESUME
			if s.gw.refused(c) || !s.gw.resume(c, msg.D) || !s.gw.afterSession(c) {
				return
			}
		case 1: // HEARTBEAT
			if s.gw.acks() {
				c.send(map[string]any{"op": 11})
			}
		}
	}
}

// identify takes an IDENTIFY: it checks the shard (shard.go), then sends
// READY with the shard's guilds as unavailable and a GUILD_CREATE for each,
// as Discord does. It returns false when it closed the connection.
func (s *Server) identify(c *conn, raw json.RawMessage) bool {
	var id map[string]any
	json.Unmarshal(raw, &id)
	shard, count, ok := parseShard(id["shard"])
	if !ok {
		c.closeWith(CloseInvalidShard, "Invalid shard")
		return false
	}
	s.gw.mu.Lock()
	s.gw.last = id
	guilds := s.gw.guildsOf(shard, count)
	limit := s.gw.perShard
	if limit == 0 {
		limit = MaxGuildsPerShard
	}
	if len(guilds) > limit {
		s.gw.mu.Unlock()
		c.closeWith(CloseShardingRequired, "Sharding required")
		return false
	}
	// Ready (routable) at once, with the connection's writes held until
	// READY and the GUILD_CREATEs are out: what is dispatched to it
	// meanwhile (AddGuild, Interact) follows them.
	c.identify, c.shard, c.count, c.ready = id, shard, count, true
	c.events = append(c.events, Event{Type: "READY"})
	unavailable := make([]any, 0, len(guilds))
	for _, g := range guilds {
		unavailable = append(unavailable, map[string]any{"id": g, "unavailable": true})
		c.events = append(c.events, Event{Type: "GUILD_CREATE", Guild: g})
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	s.gw.faults.identifies++
	sess := &session{id: fmt.Sprintf("fake-session-%d", s.gw.faults.identifies), shard: shard, count: count}
	if s.gw.sessions == nil {
		s.gw.sessions = map[string]*session{}
	}
	s.gw.sessions[sess.id] = sess
	s.gw.order = append(s.gw.order, sess)
	c.session = sess
	s.gw.mu.Unlock()
	c.ws.WriteJSON(map[string]any{"op": 0, "t": "READY", "s": sess.next("", nil), "d": map[string]any{"v": 10, "session_id": sess.id,
		"user": map[string]any{"id": "9000", "username": "studybot", "bot": true}, "guilds": unavailable, "shard": []int{shard, count},
		"application": map[string]any{"id": "APP"}, "resume_gateway_url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/gw"}})
	for _, g := range guilds {
		c.ws.WriteJSON(map[string]any{"op": 0, "t": "GUILD_CREATE", "s": sess.next("", nil), "d": guildCreate(g)})
	}
	return true
}

// guildCreate is a GUILD_CREATE payload for a guild with no channels.
func guildCreate(id string) map[string]any {
	return map[string]any{"id": id, "name": "guild " + id, "unavailable": false, "member_count": 1,
		"channels": []any{}, "roles": []any{}, "members": []any{}}
}

// Ready reports whether a client completed IDENTIFY.
func (s *Server) Ready() bool {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for _, c := range s.gw.conns {
		if c.ready {
			return true
		}
	}
	return false
}

// Identify returns the last IDENTIFY payload a client sent.
func (s *Server) Identify() map[string]any {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.last
}

// Interact dispatches an INTERACTION_CREATE over the gateway connection
// of the interaction's guild's shard (shard 0 for a direct message); the
// 3 s response window starts now. It fails when no connection serves
// that shard.
func (s *Server) Interact(i map[string]any) error {
	guild, _ := i["guild_id"].(string)
	c, err := s.gw.connFor(guild)
	if err != nil {
		// No connection up: Discord keeps the event for the session's
		// RESUME, if the shard has a session.
		sess := s.gw.sessionFor(guild)
		if sess == nil {
			return err
		}
		s.track(i)
		sess.next("INTERACTION_CREATE", i)
		return nil
	}
	return s.interactOn(c, i)
}

// sessionFor returns the newest session of the shard serving guild.
func (g *gateway) sessionFor(guild string) *session {
	g.mu.Lock()
	defer g.mu.Unlock()
	for k := len(g.order) - 1; k >= 0; k-- {
		if sh, ok := ShardOf(guild, g.order[k].count); ok && sh == g.order[k].shard {
			return g.order[k]
		}
	}
	return nil
}

// interactOn registers the interaction and dispatches it on c.
func (s *Server) interactOn(c *conn, i map[string]any) error {
	s.track(i)
	guild, _ := i["guild_id"].(string)
	if err := c.dispatch("INTERACTION_CREATE", i); err != nil {
		return fmt.Errorf("discordfake: dispatch: %w", err)
	}
	s.gw.record(c, "INTERACTION_CREATE", guild)
	return nil
}

// track registers a dispatched interaction: its response window starts.
func (s *Server) track(i map[string]any) {
	it := &interaction{at: time.Now()}
	s.mu.Lock()
	if id, ok := i["id"].(string); ok {
		if old := s.interactions[id]; old != nil {
			it = old // delivered again: the same interaction, answered once
		}
		s.interactions[id] = it
	}
	if tok, ok := i["token"].(string); ok {
		s.interactions["token:"+tok] = it
	}
	s.mu.Unlock()
}
