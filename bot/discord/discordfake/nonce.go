package discordfake

import (
	"fmt"
	"net/http"
	"time"
)

// NonceWindow is how long the fake remembers a message's nonce for
// enforce_nonce. Discord documents "the past few minutes"; studybot
// relies on no more than bot/discord's NonceWindow, which is shorter.
const NonceWindow = 5 * time.Minute

// maxNonce is the longest nonce Discord takes (a string of 25 characters).
const maxNonce = 25

// sentNonce is a message created with a nonce.
type sentNonce struct {
	id string
	at time.Time
}

// createMessage creates a channel message like Discord: with a nonce and
// enforce_nonce set, a nonce the channel saw within NonceWindow returns
// the message it created then, and nothing new is created. It reports
// whether the call is to fail after the message was created (CrashAfter).
func (s *Server) createMessage(channel, id string, body map[string]any) (string, bool) {
	nonce, _ := body["nonce"].(string)
	enforce, _ := body["enforce_nonce"].(bool)
	if _, isNum := body["nonce"].(float64); isNum {
		nonce = fmt.Sprint(body["nonce"])
	}
	if len(nonce) > maxNonce {
		s.violate(fmt.Sprintf("POST /channels/%s/messages: nonce of %d characters, limit %d", channel, len(nonce), maxNonce))
	}
	if enforce && nonce == "" {
		s.violate("POST /channels/" + channel + "/messages: enforce_nonce without a nonce")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.rl.now()
	k := channel + "\x00" + nonce
	if enforce && nonce != "" {
		if prev, ok := s.nonces[k]; ok && now.Sub(prev.at) < NonceWindow {
			return prev.id, false
		}
	}
	if nonce != "" {
		s.nonces[k] = sentNonce{id: id, at: now}
	}
	s.created++
	crash := s.crashAfter[channel]
	delete(s.crashAfter, channel)
	return id, crash
}

// CrashAfter makes the next message posted in channel be created and its
// call then fail (the connection is dropped before the answer), as when
// the bot's process dies between Discord accepting a card and the bot
// reading the answer.
func (s *Server) CrashAfter(channel string) {
	s.mu.Lock()
	s.crashAfter[channel] = true
	s.mu.Unlock()
}

// Created returns how many channel messages the fake created (a nonce
// replay creates none).
func (s *Server) Created() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.created
}

// dropConnection ends a request without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	w.WriteHeader(http.StatusBadGateway)
}
