package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// snowflake is the shape of Discord IDs.
var snowflake = regexp.MustCompile(`^[0-9]{1,20}$`)

// BlockDMs makes user refuse direct messages, as a user who closed DMs
// from server members or blocked the bot does: opening the DM channel
// works, and every message into it answers 403 with code 50007 "Cannot
// send messages to this user".
func (s *Server) BlockDMs(user string) {
	s.mu.Lock()
	s.dmBlocked[user] = true
	s.mu.Unlock()
}

// DMChannel returns the DM channel opened with user ("" before that).
func (s *Server) DMChannel(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmChannels[user]
}

// serveOpenDM answers POST /users/@me/channels as Discord does: the body
// must carry recipient_id, a snowflake (else 400 Invalid Form Body, code
// 50035); the same user always gets the same DM channel (type 1).
func (s *Server) serveOpenDM(w http.ResponseWriter, body map[string]any) {
	rid, _ := body["recipient_id"].(string)
	if !snowflake.MatchString(rid) {
		s.violate(fmt.Sprintf("POST /users/@me/channels: recipient_id %v is not a snowflake", body["recipient_id"]))
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"code": 50035, "message": "Invalid Form Body",
			"errors": map[string]any{"recipient_id": map[string]any{"_errors": []any{map[string]any{"code": "NUMBER_TYPE_COERCE", "message": fmt.Sprintf("Value %q is not snowflake.", rid)}}}}})
		return
	}
	s.mu.Lock()
	id, ok := s.dmChannels[rid]
	if !ok {
		id = fmt.Sprint(880000 + len(s.dmChannels))
		s.dmChannels[rid] = id
		s.dmUsers[id] = rid
	}
	s.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"id": id, "type": 1, "last_message_id": nil,
		"recipients": []any{map[string]any{"id": rid, "username": "user" + rid}}})
}

// refusesDM reports whether a message POSTed to path goes to the DM
// channel of a user who blocks DMs.
func (s *Server) refusesDM(path string) bool {
	ch := strings.Split(strings.TrimPrefix(path, "/api/v9/channels/"), "/")[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.dmUsers[ch]
	return ok && s.dmBlocked[u]
}

// writeDMRefused writes Discord's answer to a message for a user who
// cannot be messaged.
func writeDMRefused(w http.ResponseWriter) {
	w.WriteHeader(http.StatusForbidden)
	w.Write([]byte(`{"message":"Cannot send messages to this user","code":50007}`))
}
