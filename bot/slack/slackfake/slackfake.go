// Package slackfake is a loopback fake of the parts of Slack studybot
// uses: the Web API methods (auth.test, apps.connections.open,
// chat.postMessage, chat.postEphemeral, chat.update, users.info,
// conversations.open for direct messages, views.publish for the App Home
// tab), the
// response_url of slash commands and clicks, and a Socket Mode websocket
// that sends hello and envelopes and collects acks. It speaks the real
// wire formats, so tests drive the real slack-go client.
//
// It is strict where Slack is: posts in channels the bot is not a member
// of (a DM counts once conversations.open opened it) fail with
// channel_not_found, conversations.open refuses the users RefuseDM names,
// chat.update needs a message the bot posted, Socket Mode acks of 20 KB
// or more are dropped, a response_url takes five posts, and every
// outgoing message is checked against Block Kit's documented limits and
// mrkdwn escaping. Violations are collected;
// Verify fails the test on any. chat.postMessage keeps Slack's rate limits
// (about one message a second per channel, a workspace cap; 429 with
// Retry-After) and chat.update its Tier 3 limit (about 50 a minute per
// workspace), on an injectable clock, with an optional simulated round
// trip (ratelimit.go).
package slackfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/studybot/studybot/bot/internal/violation"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Call is one Web API call the fake received.
type Call struct {
	// Method is the API method ("chat.postMessage").
	Method string
	// Form holds the request's form fields.
	Form url.Values
	// Token is the bearer token used.
	Token string
	// Body is the JSON body of a response_url post (Method "response_url").
	Body map[string]any
}

// Server is the fake Slack.
type Server struct {
	srv      *httptest.Server
	mu       sync.Mutex
	calls    []Call
	ts       int
	team     string
	admins   map[string]bool
	limits   map[string]limit
	authErr  string
	conns    []*conn
	acks     map[string]json.RawMessage
	upgrader websocket.Upgrader
	envSeq   int
	members  map[string]bool
	// messages maps channel/ts to the block IDs of the message's current version.
	messages   map[string][]string
	violations violation.Log  // what the real platform would refuse
	hooks      map[string]int // response_url path → posts
	hookSeq    int
	uploads    map[string]*File // file ID → the external upload

	dmChannels map[string]string // user → the DM channel conversations.open opened
	dmRefusals map[string]string // user → the error conversations.open answers
	rl         *limiter          // rate limits (ratelimit.go)

	// faults (faults.go)
	openFault      openFault
	opens          []time.Time
	attempts       int
	dropAfterHello int
}

// File is a file uploaded through Slack's external upload flow.
type File struct {
	// ID is the file ID files.getUploadURLExternal handed out.
	ID string
	// Name and Length are what files.getUploadURLExternal was told.
	Name   string
	Length int
	// Data is what was posted to the upload URL.
	Data []byte
	// Channel and Comment are from files.completeUploadExternal ("" until then).
	Channel, Comment string
}

type limit struct {
	n          int
	retryAfter int
}

type conn struct {
	mu sync.Mutex
	ws *websocket.Conn
}

// New starts a fake Slack for team teamID on loopback.
func New(teamID string) *Server {
	s := &Server{team: teamID, admins: map[string]bool{}, limits: map[string]limit{}, acks: map[string]json.RawMessage{},
		members: map[string]bool{}, messages: map[string][]string{}, hooks: map[string]int{}, uploads: map[string]*File{},
		dmChannels: map[string]string{}, dmRefusals: map[string]string{},
		rl: newLimiter()}
	s.upgrader = websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://api.slack.com" }}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", s.serveWS)
	mux.HandleFunc("/hooks/", s.serveHook)
	mux.HandleFunc("/upload/", s.serveUpload)
	mux.HandleFunc("/", s.serveAPI)
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the Web API base URL, with the trailing slash slack-go wants.
func (s *Server) URL() string { return s.srv.URL + "/" }

// Close shuts the fake down.
func (s *Server) Close() {
	s.mu.Lock()
	for _, c := range s.conns {
		c.ws.Close()
	}
	s.mu.Unlock()
	s.srv.Close()
}

// Join makes the bot a member of channels: only there do
// chat.postMessage, chat.postEphemeral and chat.update work.
func (s *Server) Join(channels ...string) {
	s.mu.Lock()
	for _, c := range channels {
		s.members[c] = true
	}
	s.mu.Unlock()
}

// TB is the part of testing.TB that Verify uses.
type TB = violation.TB

// Verify fails tb, when the test ends, for every violation of Slack's
// limits or rules the fake saw.
func (s *Server) Verify(tb TB) { s.violations.Verify(tb, "slackfake") }

// Violations returns what the client sent that the real platform would
// refuse.
func (s *Server) Violations() []string { return s.violations.List() }

func (s *Server) violate(v ...string) { s.violations.Add(v...) }

// SetAdmin marks a user as a workspace admin for users.info.
func (s *Server) SetAdmin(user string, admin bool) {
	s.mu.Lock()
	s.admins[user] = admin
	s.mu.Unlock()
}

// RateLimit makes the next n calls of method answer 429 with Retry-After.
func (s *Server) RateLimit(method string, n, retryAfterSeconds int) {
	s.mu.Lock()
	s.limits[method] = limit{n, retryAfterSeconds}
	s.mu.Unlock()
}

// FailAuth makes auth.test and apps.connections.open answer ok:false with code.
func (s *Server) FailAuth(code string) {
	s.mu.Lock()
	s.authErr = code
	s.mu.Unlock()
}

// Calls returns the calls of one method ("" for all).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/")
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if tok == "" {
		tok = r.PostForm.Get("token")
	}
	s.delay(r)
	s.mu.Lock()
	if l, ok := s.limits[method]; ok && l.n > 0 {
		l.n--
		s.limits[method] = l
		s.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(l.retryAfter))
		w.WriteHeader(http.StatusTooManyRequests)
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "ratelimited"})
		return
	}
	s.mu.Unlock()
	if method == "apps.connections.open" {
		s.mu.Lock()
		s.opens = append(s.opens, time.Now())
		s.mu.Unlock()
		if s.failOpen(w) {
			return
		}
	}
	call := Call{Method: method, Form: r.PostForm, Token: tok}
	var publish map[string]any
	if method == "views.publish" {
		if publish = s.checkPublish(r); publish == nil {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		call.Body = publish
	}
	ch := r.PostForm.Get("channel")
	if method == "chat.postMessage" && !s.admitPost(w, ch) || method == "chat.update" && !s.admitUpdate(w) {
		return
	}
	s.mu.Lock()
	refuse := ""
	switch method {
	case "chat.postMessage", "chat.postEphemeral", "chat.update":
		if !s.members[ch] {
			refuse = "channel_not_found"
		} else if _, ok := s.messages[ch+"/"+r.PostForm.Get("ts")]; method == "chat.update" && !ok {
			refuse = "message_not_found"
		}
	}
	if refuse != "" {
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": refuse})
		return
	}
	s.calls = append(s.calls, call)
	authErr := s.authErr
	s.ts++
	ts := fmt.Sprintf("1700000000.%06d", s.ts)
	s.mu.Unlock()
	reply := func(v map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	switch method {
	case "auth.test":
		if authErr != "" {
			reply(map[string]any{"ok": false, "error": authErr})
			return
		}
		reply(map[string]any{"ok": true, "team_id": s.team, "user_id": "UBOT", "team": "Fake Team", "url": "https://fake.slack.com/"})
	case "apps.connections.open":
		if authErr != "" {
			reply(map[string]any{"ok": false, "error": authErr})
			return
		}
		if !strings.HasPrefix(tok, "xapp-") {
			reply(map[string]any{"ok": false, "error": "not_allowed_token_type"})
			return
		}
		reply(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/ws"})
	case "chat.postMessage":
		ids := s.checkForm(method, r.PostForm)
		s.mu.Lock()
		s.messages[ch+"/"+ts] = ids
		s.mu.Unlock()
		reply(map[string]any{"ok": true, "channel": ch, "ts": ts})
	case "chat.postEphemeral":
		s.checkForm(method, r.PostForm)
		reply(map[string]any{"ok": true, "message_ts": ts})
	case "chat.update":
		ids := s.checkForm(method, r.PostForm)
		key := ch + "/" + r.PostForm.Get("ts")
		s.mu.Lock()
		for _, old := range s.messages[key] {
			for _, id := range ids {
				if id == old {
					s.violations.Add("chat.update: block_id " + id + " reused; use a new block_id on each update")
				}
			}
		}
		s.messages[key] = ids
		s.mu.Unlock()
		reply(map[string]any{"ok": true, "channel": ch, "ts": r.PostForm.Get("ts"), "text": r.PostForm.Get("text")})
	case "files.getUploadURLExternal":
		n, err := strconv.Atoi(r.PostForm.Get("length"))
		name := r.PostForm.Get("filename")
		if err != nil || n <= 0 || name == "" {
			s.violate(fmt.Sprintf("files.getUploadURLExternal: filename %q and a positive length are required (length %q)", name, r.PostForm.Get("length")))
			reply(map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		s.mu.Lock()
		id := fmt.Sprintf("F%04d", len(s.uploads)+1)
		s.uploads[id] = &File{ID: id, Name: name, Length: n}
		s.mu.Unlock()
		reply(map[string]any{"ok": true, "upload_url": s.srv.URL + "/upload/" + id, "file_id": id})
	case "files.completeUploadExternal":
		var files []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		}
		if err := json.Unmarshal([]byte(r.PostForm.Get("files")), &files); err != nil || len(files) == 0 {
			s.violate("files.completeUploadExternal: files must be a JSON array of {id, title}: " + r.PostForm.Get("files"))
			reply(map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		cid := r.PostForm.Get("channel_id")
		s.mu.Lock()
		member := s.members[cid]
		var bad string
		for _, f := range files {
			u := s.uploads[f.ID]
			switch {
			case u == nil:
				bad = "file " + f.ID + " was never handed out"
			case u.Data == nil:
				bad = "file " + f.ID + " completed before its bytes were uploaded"
			default:
				u.Channel, u.Comment = cid, r.PostForm.Get("initial_comment")
			}
		}
		s.mu.Unlock()
		if bad != "" {
			s.violate("files.completeUploadExternal: " + bad)
			reply(map[string]any{"ok": false, "error": "file_not_found"})
			return
		}
		if !member {
			reply(map[string]any{"ok": false, "error": "channel_not_found"})
			return
		}
		reply(map[string]any{"ok": true, "files": []map[string]any{{"id": files[0].ID, "title": files[0].Title}}})
	case "conversations.open":
		reply(s.conversationsOpen(r.PostForm, tok))
	case "views.publish":
		reply(map[string]any{"ok": true, "view": map[string]any{"id": "V" + ts, "type": "home", "blocks": publish["view"].(map[string]any)["blocks"]}})
	case "users.info":
		u := r.PostForm.Get("user")
		s.mu.Lock()
		admin := s.admins[u]
		s.mu.Unlock()
		reply(map[string]any{"ok": true, "user": map[string]any{"id": u, "name": u, "is_admin": admin}})
	default:
		reply(map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.attempts++
	s.mu.Unlock()
	defer s.forget(c)
	c.write(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "AFAKE"}})
	if s.dropNow() {
		c.mu.Lock()
		ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "dropped"), time.Now().Add(time.Second))
		c.mu.Unlock()
		ws.Close()
		return
	}
	// ping now and then, as Slack does
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				c.mu.Lock()
				err := ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
				c.mu.Unlock()
				if err != nil {
					return
				}
			}
		}
	}()
	defer close(stop)
	for {
		_, raw, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(raw, &ack); err != nil {
			s.violate("socket mode: response is not JSON: " + err.Error())
			continue
		}
		if len(raw) >= MaxAck {
			// Slack drops it silently: the envelope stays unacknowledged.
			s.violate(fmt.Sprintf("socket mode: ack of %s is %d bytes, Slack drops responses of %d or more", ack.EnvelopeID, len(raw), MaxAck))
			continue
		}
		if len(ack.Payload) > 0 && string(ack.Payload) != "null" {
			s.checkJSON("socket mode ack", ack.Payload)
		}
		s.mu.Lock()
		s.acks[ack.EnvelopeID] = ack.Payload
		s.mu.Unlock()
	}
}

func (c *conn) write(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ws.WriteJSON(v)
}

// Connected reports whether a Socket Mode client is connected.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns) > 0
}

// Send sends an envelope of type typ ("slash_commands", "interactive",
// "events_api") with payload over the newest connection and returns its
// envelope ID.
func (s *Server) Send(typ string, payload any) (string, error) {
	s.mu.Lock()
	s.envSeq++
	id := fmt.Sprintf("env-%d", s.envSeq)
	var c *conn
	if len(s.conns) > 0 {
		c = s.conns[len(s.conns)-1]
	}
	s.mu.Unlock()
	if c == nil {
		return "", fmt.Errorf("slackfake: no Socket Mode connection")
	}
	return id, c.write(map[string]any{"envelope_id": id, "type": typ, "accepts_response_payload": typ == "slash_commands", "payload": payload})
}

// WaitAck waits for the ack of an envelope and returns its payload.
func (s *Server) WaitAck(id string, timeout time.Duration) (json.RawMessage, bool) {
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		p, ok := s.acks[id]
		s.mu.Unlock()
		if ok {
			return p, true
		}
		if time.Now().After(deadline) {
			return nil, false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// SlashCommand builds a slash-command payload as Slack sends it.
func SlashCommand(team, channel, user, command, text string) map[string]any {
	return map[string]any{"token": "x", "team_id": team, "team_domain": "fake", "channel_id": channel, "channel_name": "general",
		"user_id": user, "user_name": user, "command": "/" + command, "text": text, "api_app_id": "AFAKE",
		"response_url": "https://hooks.slack.invalid/commands/1", "trigger_id": fmt.Sprintf("trig-%s-%d", user, time.Now().UnixNano())}
}

// BlockAction builds a block_actions payload for a click on actionID.
func BlockAction(team, channel, user, actionID, messageTS string) map[string]any {
	return map[string]any{
		"type": "block_actions", "team": map[string]any{"id": team, "domain": "fake"}, "user": map[string]any{"id": user, "username": user, "team_id": team},
		"api_app_id": "AFAKE", "token": "x", "container": map[string]any{"type": "message", "message_ts": messageTS, "channel_id": channel, "is_ephemeral": false},
		"trigger_id": "trig", "channel": map[string]any{"id": channel, "name": "general"}, "response_url": "https://hooks.slack.invalid/actions/1",
		"actions": []any{map[string]any{"action_id": actionID, "block_id": "answers", "text": map[string]any{"type": "plain_text", "text": "A"},
			"value": actionID, "type": "button", "action_ts": fmt.Sprintf("%d.%06d", time.Now().Unix(), time.Now().Nanosecond()/1000)}},
	}
}

// Sign returns the headers Slack adds to a request body sent at ts.
func Sign(secret string, body []byte, ts time.Time) http.Header {
	h := http.Header{}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

// checkForm validates a Web API message (form fields blocks and text)
// and returns its block IDs.
func (s *Server) checkForm(method string, f url.Values) []string {
	v, ids := validateMessage(method, []byte(f.Get("blocks")), f.Get("text"), f.Get("mrkdwn") != "false")
	s.violate(v...)
	return ids
}

// checkJSON validates a message sent as JSON (an ack payload or a
// response_url post).
func (s *Server) checkJSON(where string, raw []byte) map[string]any {
	var m struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
		Mrkdwn *bool           `json:"mrkdwn"`
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || json.Unmarshal(raw, &body) != nil {
		s.violate(where + ": not a JSON object")
		return nil
	}
	if string(m.Blocks) == "null" {
		m.Blocks = nil
	}
	v, _ := validateMessage(where, m.Blocks, m.Text, m.Mrkdwn == nil || *m.Mrkdwn)
	s.violate(v...)
	return body
}

// ResponseURL returns a new response_url served by the fake (what Slack
// puts in slash-command and interaction payloads).
func (s *Server) ResponseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hookSeq++
	p := fmt.Sprintf("/hooks/%d", s.hookSeq)
	s.hooks[p] = 0
	return s.srv.URL + p
}

func (s *Server) serveHook(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil || r.Method != http.MethodPost {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	n, ok := s.hooks[r.URL.Path]
	if ok {
		s.hooks[r.URL.Path] = n + 1
	}
	s.mu.Unlock()
	switch {
	case !ok:
		http.Error(w, "no_service", http.StatusNotFound)
		return
	case n >= MaxResponseURLPosts:
		s.violate(fmt.Sprintf("response_url %s: post %d, Slack takes %d", r.URL.Path, n+1, MaxResponseURLPosts))
		http.Error(w, "used_url", http.StatusNotFound)
		return
	}
	body := s.checkJSON("response_url", raw)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: "response_url", Body: body, Form: url.Values{"path": {r.URL.Path}}})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "ok")
}

// SlashCommand builds a slash-command payload whose response_url is served
// by the fake.
func (s *Server) SlashCommand(team, channel, user, command, text string) map[string]any {
	p := SlashCommand(team, channel, user, command, text)
	p["response_url"] = s.ResponseURL()
	return p
}

// BlockAction builds a block_actions payload whose response_url is served
// by the fake.
func (s *Server) BlockAction(team, channel, user, actionID, messageTS string) map[string]any {
	p := BlockAction(team, channel, user, actionID, messageTS)
	p["response_url"] = s.ResponseURL()
	return p
}

// serveUpload is the upload URL files.getUploadURLExternal hands out: it
// takes the file as multipart field "file", checks its length against the
// one announced and that it decodes as a PNG.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	s.mu.Lock()
	u := s.uploads[id]
	s.mu.Unlock()
	if u == nil || r.Method != http.MethodPost {
		s.violate("upload: " + r.Method + " to an upload URL never handed out: " + r.URL.Path)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		s.violate("upload: no multipart field \"file\": " + err.Error())
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	data, err := io.ReadAll(f)
	if err != nil {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	if len(data) != u.Length {
		s.violate(fmt.Sprintf("upload %s: %d bytes, announced %d", id, len(data), u.Length))
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		s.violate(fmt.Sprintf("upload %s (%s): not a PNG: %v", id, u.Name, err))
	}
	s.mu.Lock()
	u.Data = data
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "OK - "+strconv.Itoa(len(data)))
}

// Files returns the files uploaded so far, completed or not, by ID.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.uploads))
	for i := 1; i <= len(s.uploads); i++ {
		if u := s.uploads[fmt.Sprintf("F%04d", i)]; u != nil {
			out = append(out, *u)
		}
	}
	return out
}
