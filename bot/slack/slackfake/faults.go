package slackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

// A broken Socket Mode (https://api.slack.com/apis/socket-mode): sockets
// that drop right after hello, disconnect messages (refresh_requested,
// link_disabled, warning), apps.connections.open failing (429 with
// Retry-After, 500, ok:false with an error code), envelopes of any shape
// (no envelope_id, redelivered with retry_attempt). The counters let a
// test see how hard a client hammers.

// openFault is how the next apps.connections.open calls fail.
type openFault struct {
	n          int
	status     int    // HTTP status (0: 200 with ok:false)
	retryAfter int    // seconds, with 429
	code       string // the error code of ok:false
}

// FailOpen makes the next n apps.connections.open calls fail: with HTTP
// status (429 carries Retry-After: retryAfter seconds), or, with status 0,
// as ok:false with code ("invalid_auth").
func (s *Server) FailOpen(n, status, retryAfter int, code string) {
	s.mu.Lock()
	s.openFault = openFault{n: n, status: status, retryAfter: retryAfter, code: code}
	s.mu.Unlock()
}

// failOpen answers an apps.connections.open that FailOpen fails; it
// reports whether it did.
func (s *Server) failOpen(w http.ResponseWriter) bool {
	s.mu.Lock()
	f := s.openFault
	if f.n <= 0 {
		s.mu.Unlock()
		return false
	}
	s.openFault.n--
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case f.status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		w.WriteHeader(f.status)
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "ratelimited"})
	case f.status != 0:
		w.WriteHeader(f.status)
		w.Write([]byte("<html>internal error</html>"))
	default:
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": f.code})
	}
	return true
}

// Opens returns how many times apps.connections.open was called,
// failed calls included.
func (s *Server) Opens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.opens)
}

// OpenTimes returns when apps.connections.open was called.
func (s *Server) OpenTimes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.opens...)
}

// Attempts returns how many Socket Mode websockets the fake accepted.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// DropAfterHello closes the next n Socket Mode connections right after
// their hello.
func (s *Server) DropAfterHello(n int) {
	s.mu.Lock()
	s.dropAfterHello = n
	s.mu.Unlock()
}

// dropNow reports whether a new connection is one DropAfterHello drops.
func (s *Server) dropNow() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropAfterHello <= 0 {
		return false
	}
	s.dropAfterHello--
	return true
}

// Disconnect sends a disconnect message with reason (refresh_requested,
// link_disabled, warning) on the newest connection, as Slack does before
// it closes a connection.
func (s *Server) Disconnect(reason string) error {
	return s.SendRaw(map[string]any{"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": "fake"}})
}

// SendRaw writes any message (an envelope without envelope_id, with
// retry_attempt, of a type Slack does not send) on the newest connection.
func (s *Server) SendRaw(v any) error {
	c := s.newest()
	if c == nil {
		return fmt.Errorf("slackfake: no Socket Mode connection")
	}
	return c.write(v)
}

// SendFrame writes one text frame as is (not JSON, or of any size) on
// the newest connection.
func (s *Server) SendFrame(frame []byte) error {
	c := s.newest()
	if c == nil {
		return fmt.Errorf("slackfake: no Socket Mode connection")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	defer c.ws.SetWriteDeadline(time.Time{})
	return c.ws.WriteMessage(websocket.TextMessage, frame)
}

// Redeliver sends an envelope again as Slack does when the first was not
// acknowledged in time: a new envelope ID, retry_attempt and
// retry_reason set. It returns the new envelope ID.
func (s *Server) Redeliver(typ string, payload any, attempt int) (string, error) {
	s.mu.Lock()
	s.envSeq++
	id := fmt.Sprintf("env-%d", s.envSeq)
	s.mu.Unlock()
	return id, s.SendRaw(map[string]any{"envelope_id": id, "type": typ, "accepts_response_payload": typ == "slash_commands",
		"payload": payload, "retry_attempt": attempt, "retry_reason": "timeout"})
}

// Acked reports whether an envelope was acknowledged.
func (s *Server) Acked(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.acks[id]
	return ok
}

// newest returns the newest open connection.
func (s *Server) newest() *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.conns) == 0 {
		return nil
	}
	return s.conns[len(s.conns)-1]
}

// forget drops a connection that ended.
func (s *Server) forget(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.conns {
		if x == c {
			s.conns = append(s.conns[:i], s.conns[i+1:]...)
			return
		}
	}
}

// Drop closes the newest Socket Mode connection without a word (a
// network failure).
func (s *Server) Drop() error {
	c := s.newest()
	if c == nil {
		return fmt.Errorf("slackfake: no Socket Mode connection")
	}
	s.forget(c)
	return c.ws.Close()
}
