package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// A broken or hostile gateway, as Discord's documents it
// (https://discord.com/developers/docs/topics/gateway): connections
// closed with 4000-range codes, INVALID_SESSION (op 9) and RECONNECT
// (op 7), RESUME (op 6) answered with RESUMED, dropped or never answered,
// heartbeats left without ACK (a zombie connection), and dispatches of
// any shape. The counters let a test see how hard a client hammers.

// faults is what the gateway does wrong, under gateway.mu.
type faults struct {
	attempts    int // websocket connections accepted
	identifies  int // IDENTIFYs taken
	resumes     int // RESUMEs answered with RESUMED
	heartbeatMS int // HELLO's heartbeat_interval (0: 45000)
	noAck       bool
	storm       int // sessions still to close right after READY/RESUMED
	stormCode   int
	dropResume  int // RESUMEs still to answer by closing the socket
	stallResume int // RESUMEs still to leave unanswered
	refuse      int // IDENTIFYs and RESUMEs still to answer by closing
	refuseCode  int
	gatewayFail int // GET /gateway calls still to fail
	gatewayCode int
}

// Attempts returns how many gateway connections the fake accepted.
func (s *Server) Attempts() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.faults.attempts
}

// Identifies returns how many IDENTIFYs the fake took (new sessions;
// Discord allows 1,000 a day before it resets the token).
func (s *Server) Identifies() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.faults.identifies
}

// Resumes returns how many RESUMEs the fake answered with RESUMED.
func (s *Server) Resumes() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.faults.resumes
}

// SetHeartbeat sets the heartbeat_interval (milliseconds) sent in HELLO
// to new connections and whether heartbeats are ACKed (op 11); without
// ACKs the connection is a zombie.
func (s *Server) SetHeartbeat(intervalMS int, ack bool) {
	s.gw.mu.Lock()
	s.gw.faults.heartbeatMS, s.gw.faults.noAck = intervalMS, !ack
	s.gw.mu.Unlock()
}

// Storm closes the next n sessions with a close code (4000 "Unknown
// error", 4009 "Session timed out", …) right after READY or RESUMED.
func (s *Server) Storm(n, code int) {
	s.gw.mu.Lock()
	s.gw.faults.storm, s.gw.faults.stormCode = n, code
	s.gw.mu.Unlock()
}

// DropResumes makes the next n RESUMEs end the connection (close code
// 4000) instead of RESUMED: a gateway that drops mid-RESUME.
func (s *Server) DropResumes(n int) {
	s.gw.mu.Lock()
	s.gw.faults.dropResume = n
	s.gw.mu.Unlock()
}

// StallResumes makes the next n RESUMEs go unanswered on a socket that
// stays open: a gateway that goes silent mid-RESUME.
func (s *Server) StallResumes(n int) {
	s.gw.mu.Lock()
	s.gw.faults.stallResume = n
	s.gw.mu.Unlock()
}

// RefuseSessions makes the next n IDENTIFYs or RESUMEs end the
// connection with a close code instead of READY or RESUMED: 4004
// "Authentication failed" for a reset token, 4000 for a flaky gateway.
func (s *Server) RefuseSessions(n, code int) {
	s.gw.mu.Lock()
	s.gw.faults.refuse, s.gw.faults.refuseCode = n, code
	s.gw.mu.Unlock()
}

// refused closes a connection whose IDENTIFY or RESUME RefuseSessions
// refuses; it returns true when it did.
func (g *gateway) refused(c *conn) bool {
	g.mu.Lock()
	if g.faults.refuse <= 0 {
		g.mu.Unlock()
		return false
	}
	g.faults.refuse--
	code := g.faults.refuseCode
	g.mu.Unlock()
	c.closeWith(code, "refused")
	return true
}

// acks reports whether heartbeats are ACKed.
func (g *gateway) acks() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return !g.faults.noAck
}

// resume takes a RESUME: it closes the connection (DropResumes), says
// nothing (StallResumes), answers an unknown session with INVALID_SESSION
// d=false, or makes the connection ready for the session's shard and
// sends RESUMED. It returns false when it closed the connection.
func (g *gateway) resume(c *conn, raw json.RawMessage) bool {
	var r struct {
		SessionID string `json:"session_id"`
		Seq       int    `json:"seq"`
	}
	json.Unmarshal(raw, &r)
	g.mu.Lock()
	switch {
	case g.faults.dropResume > 0:
		g.faults.dropResume--
		g.mu.Unlock()
		c.closeWith(4000, "Unknown error")
		return false
	case g.faults.stallResume > 0:
		g.faults.stallResume--
		g.mu.Unlock()
		return true
	}
	sess, ok := g.sessions[r.SessionID]
	if !ok {
		g.mu.Unlock()
		c.send(map[string]any{"op": 9, "d": false})
		return true
	}
	g.faults.resumes++
	c.shard, c.count, c.ready, c.session = sess.shard, sess.count, true, sess
	c.wmu.Lock()
	defer c.wmu.Unlock()
	g.mu.Unlock()
	// What the client missed, then RESUMED.
	for _, l := range sess.since(r.Seq) {
		c.ws.WriteJSON(map[string]any{"op": 0, "t": l.t, "s": l.seq, "d": l.d})
	}
	c.ws.WriteJSON(map[string]any{"op": 0, "t": "RESUMED", "s": sess.next("", nil), "d": map[string]any{}})
	return true
}

// afterSession closes a session that a Storm still has to close; it
// returns false when it did.
func (g *gateway) afterSession(c *conn) bool {
	g.mu.Lock()
	if g.faults.storm <= 0 || !c.ready {
		g.mu.Unlock()
		return true
	}
	g.faults.storm--
	code := g.faults.stormCode
	g.mu.Unlock()
	c.closeWith(code, "storm")
	return false
}

// newest returns the newest ready connection.
func (g *gateway) newest() (*conn, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := len(g.conns) - 1; i >= 0; i-- {
		if g.conns[i].ready {
			return g.conns[i], nil
		}
	}
	return nil, fmt.Errorf("discordfake: no ready gateway connection")
}

// Kick closes the newest ready connection with a close code, as Discord
// does (4000 unknown error, 4004 authentication failed, 4007 invalid seq,
// 4009 session timed out, …).
func (s *Server) Kick(code int, text string) error {
	c, err := s.gw.newest()
	if err != nil {
		return err
	}
	s.gw.retire(c)
	c.closeWith(code, text)
	return nil
}

// retire marks a connection no longer ready: Discord dispatches nothing
// more on a connection it closes or told to RECONNECT or re-IDENTIFY.
func (g *gateway) retire(c *conn) {
	g.mu.Lock()
	c.ready = false
	g.mu.Unlock()
}

// SendOp sends a gateway payload of any opcode on the newest ready
// connection: 7 (RECONNECT, d null), 9 (INVALID_SESSION, d resumable), …
func (s *Server) SendOp(op int, d any) error {
	c, err := s.gw.newest()
	if err != nil {
		return err
	}
	if op == 7 || op == 9 {
		s.gw.retire(c)
	}
	return c.send(map[string]any{"op": op, "d": d})
}

// Dispatch sends a dispatch (op 0) of type t with any payload (a
// json.RawMessage goes as is) on the newest ready connection, with the
// next sequence number. An INTERACTION_CREATE sent this way is not
// tracked: use Interact for one the bot must answer.
func (s *Server) Dispatch(t string, d any) error {
	c, err := s.gw.newest()
	if err != nil {
		return err
	}
	return c.dispatch(t, d)
}

// SendRaw writes one text frame as is on the newest ready connection
// (malformed JSON, a frame of any size).
func (s *Server) SendRaw(frame []byte) error {
	c, err := s.gw.newest()
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	defer c.ws.SetWriteDeadline(time.Time{})
	return c.ws.WriteMessage(websocket.TextMessage, frame)
}

// Callbacks returns how many initial responses the bot sent for an
// interaction (Discord takes one).
func (s *Server) Callbacks(id string) int {
	return len(s.Calls("POST", "/api/v9/interactions/"+id+"/"))
}

// FailGateway makes the next n GET /api/v9/gateway calls (where a client
// learns the gateway's URL) answer status: 401 for a bad token, 500 for
// an outage.
func (s *Server) FailGateway(n, status int) {
	s.gw.mu.Lock()
	s.gw.faults.gatewayFail, s.gw.faults.gatewayCode = n, status
	s.gw.mu.Unlock()
}

// failGateway answers a GET /gateway that FailGateway fails; it reports
// whether it did.
func (g *gateway) failGateway(w http.ResponseWriter) bool {
	g.mu.Lock()
	if g.faults.gatewayFail <= 0 {
		g.mu.Unlock()
		return false
	}
	g.faults.gatewayFail--
	code := g.faults.gatewayCode
	g.mu.Unlock()
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"message":"%s","code":0}`, http.StatusText(code))
	return true
}
