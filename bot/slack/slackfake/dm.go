package slackfake

import (
	"net/url"
	"regexp"
	"strings"
)

// dmRefusalCodes are the errors Slack documents for conversations.open
// about the user asked for, which RefuseDM may make the fake answer.
var dmRefusalCodes = map[string]bool{
	"user_not_found":           true, // an ID no user has
	"user_not_visible":         true, // a user the bot may not see
	"user_disabled":            true, // a deactivated user
	"cannot_dm_bot":            true, // a bot user
	"invalid_user_combination": true, // an external user sharing no channel
}

// userID is the shape of Slack user IDs.
var userID = regexp.MustCompile(`^[UW][A-Z0-9]+$`)

// RefuseDM makes conversations.open with user answer ok:false with code,
// one of the refusals Slack documents for the user (user_not_found,
// user_not_visible, user_disabled, cannot_dm_bot,
// invalid_user_combination); Slack users cannot close their direct
// messages to an app otherwise. Any other code is a test bug and panics.
func (s *Server) RefuseDM(user, code string) {
	if !dmRefusalCodes[code] {
		panic("slackfake: " + code + " is not a conversations.open refusal")
	}
	s.mu.Lock()
	s.dmRefusals[user] = code
	s.mu.Unlock()
}

// DMChannel returns the direct-message channel conversations.open handed
// out for user ("" before that).
func (s *Server) DMChannel(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmChannels[user]
}

// conversationsOpen answers conversations.open as Slack does for a bot
// token: one user opens (or resumes) the 1:1 direct message, whose ID
// starts with D and in which the bot may then post; a missing users list,
// a user token or an app token, a malformed or refused user fail with
// Slack's codes. Several users would open a group DM, which studybot never
// wants: a violation.
func (s *Server) conversationsOpen(f url.Values, token string) map[string]any {
	if !strings.HasPrefix(token, "xoxb-") {
		return map[string]any{"ok": false, "error": "not_allowed_token_type"}
	}
	if f.Get("channel") != "" {
		s.violate("conversations.open: studybot opens DMs by user, not by channel " + f.Get("channel"))
		return map[string]any{"ok": false, "error": "channel_not_found"}
	}
	users := strings.Split(f.Get("users"), ",")
	if f.Get("users") == "" {
		return map[string]any{"ok": false, "error": "users_list_not_supplied"}
	}
	if len(users) > 1 {
		s.violate("conversations.open: users " + f.Get("users") + " opens a group DM, not a direct message")
	}
	u := users[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	if code := s.dmRefusals[u]; code != "" {
		return map[string]any{"ok": false, "error": code}
	}
	if !userID.MatchString(u) {
		return map[string]any{"ok": false, "error": "user_not_found"}
	}
	id, open := s.dmChannels[u]
	if !open {
		id = "D" + strings.TrimLeft(u, "UW")
		s.dmChannels[u] = id
		s.members[id] = true
	}
	if open {
		return map[string]any{"ok": true, "no_op": true, "already_open": true, "channel": map[string]any{"id": id}}
	}
	return map[string]any{"ok": true, "channel": map[string]any{"id": id}}
}
