// Package discordfake is a loopback fake of the parts of Discord studybot
// uses: REST (/api/v9/... gateway URL, command registration, channel
// messages, DM channels, interaction callbacks, webhook follow-ups) behind an
// http.Client whose transport rewrites discord.com to the fake, and a
// gateway websocket that sends HELLO, takes IDENTIFY, sends READY, answers
// heartbeats and dispatches INTERACTION_CREATE. Tests drive the real
// discordgo client against it. The gateway shards like Discord's
// (gateway.go, shard.go): each connection gets only its shard's guilds.
//
// It is strict where Discord is: an interaction takes one initial response
// within 3 s of its dispatch ("Unknown interaction" after), follow-ups need
// an acknowledged interaction, a DM channel needs a snowflake recipient,
// a user who blocks DMs refuses messages (403, code 50007), and every
// outgoing message, edit, response and follow-up is checked against
// Discord's documented limits.
// Violations are collected; Verify fails the test on any. It keeps
// Discord's rate limits — a global limit and per-route buckets reported
// in every response's X-RateLimit headers, 429 with retry_after — on an
// injectable clock, with an optional simulated round trip (ratelimit.go).
package discordfake

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/studybot/studybot/bot/internal/violation"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Call is one REST call the fake received.
type Call struct {
	// Method and Path identify the route ("POST", "/api/v9/channels/C1/messages").
	Method, Path string
	// Body is the decoded JSON body.
	Body map[string]any
	// Raw is the body as sent (JSON arrays are kept here); for a
	// multipart message, its payload_json.
	Raw []byte
	// Files are a multipart message's attachments.
	Files []Attachment
}

// Attachment is a file sent with a message as multipart/form-data.
type Attachment struct {
	// Field is the form field ("files[0]"), Name the file name.
	Field, Name string
	// Data is the file's content.
	Data []byte
}

// readMultipart reads a multipart message: payload_json becomes the body,
// files[n] parts the attachments, each checked to decode as a PNG.
func (s *Server) readMultipart(r *http.Request, raw []byte) ([]byte, []Attachment) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		s.violate("multipart message: bad Content-Type: " + err.Error())
		return nil, nil
	}
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	var payload []byte
	var files []Attachment
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.violate("multipart message: " + err.Error())
			return payload, files
		}
		data, _ := io.ReadAll(p)
		switch name := p.FormName(); {
		case name == "payload_json":
			payload = data
		case strings.HasPrefix(name, "files["):
			if p.FileName() == "" {
				s.violate("multipart message: part " + name + " has no filename")
			}
			if _, err := png.Decode(bytes.NewReader(data)); err != nil {
				s.violate(fmt.Sprintf("multipart message: %s (%s) is not a PNG: %v", name, p.FileName(), err))
			}
			files = append(files, Attachment{Field: name, Name: p.FileName(), Data: data})
		default:
			s.violate("multipart message: unexpected part " + name)
		}
	}
	if payload == nil {
		s.violate("multipart message without payload_json")
	}
	return payload, files
}

// Server is the fake Discord.
type Server struct {
	srv      *httptest.Server
	mu       sync.Mutex
	calls    []Call
	msgSeq   int
	limits   map[string]int // path prefix → 429s left
	gw       gateway        // the gateway's connections, one per shard, and the bot's guilds (gateway.go)
	upgrader websocket.Upgrader
	// interactions maps dispatched interaction IDs and tokens to their state.
	interactions map[string]*interaction
	violations   violation.Log // what the real platform would refuse
	stalls       []string
	stalled      map[string]int
	release      chan struct{}

	dmChannels map[string]string    // user → DM channel
	dmUsers    map[string]string    // DM channel → user
	dmBlocked  map[string]bool      // users who refuse DMs
	rl         *limiter             // rate limits (ratelimit.go)
	nonces     map[string]sentNonce // channel + nonce → the message it created (nonce.go)
	crashAfter map[string]bool      // channels whose next message is created and then the call fails (nonce.go)
	created    int                  // channel messages created
}

// interaction is a dispatched interaction as Discord tracks it.
type interaction struct {
	at    time.Time
	acked bool
}

// ResponseWindow is how long after dispatch an interaction takes its
// initial response.
const ResponseWindow = 3 * time.Second

// New starts a fake Discord on loopback.
func New() *Server {
	s := &Server{limits: map[string]int{}, interactions: map[string]*interaction{}, stalled: map[string]int{}, release: make(chan struct{}),
		dmChannels: map[string]string{}, dmUsers: map[string]string{}, dmBlocked: map[string]bool{},
		rl: newLimiter(), nonces: map[string]sentNonce{}, crashAfter: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/gw", s.serveGateway)
	mux.HandleFunc("/gw/", s.serveGateway)
	mux.HandleFunc("/", s.serveREST)
	s.srv = httptest.NewServer(mux)
	return s
}

// Close shuts the fake down.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.release:
	default:
		close(s.release)
	}
	s.mu.Unlock()
	s.gw.closeAll()
	s.srv.Close()
}

// Client returns an http.Client that sends discord.com requests here.
func (s *Server) Client() *http.Client {
	u, _ := url.Parse(s.srv.URL)
	return &http.Client{Timeout: 10 * time.Second, Transport: rewrite{host: u.Host, next: http.DefaultTransport}}
}

type rewrite struct {
	host string
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = "http", r.host
	req.Host = r.host
	return r.next.RoundTrip(req)
}

// RateLimit makes the next n requests whose path starts with prefix
// answer 429 with retry_after (seconds) in the body.
func (s *Server) RateLimit(prefix string, n int) {
	s.mu.Lock()
	s.limits[prefix] = n
	s.mu.Unlock()
}

// TB is the part of testing.TB that Verify uses.
type TB = violation.TB

// Verify fails tb, when the test ends, for every violation of Discord's
// limits or rules the fake saw.
func (s *Server) Verify(tb TB) { s.violations.Verify(tb, "discordfake") }

func (s *Server) violate(v ...string) { s.violations.Add(v...) }

// Stall makes requests whose path starts with prefix hang until the
// client gives up (its context) or the fake closes: a stuck Discord.
func (s *Server) Stall(prefix string) {
	s.mu.Lock()
	s.stalls = append(s.stalls, prefix)
	s.mu.Unlock()
}

// Stalled returns how many requests a Stall prefix has held.
func (s *Server) Stalled(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stalled[prefix]
}

// Calls returns the calls whose method and path match (path by prefix).
func (s *Server) Calls(method, pathPrefix string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if (method == "" || c.Method == method) && strings.HasPrefix(c.Path, pathPrefix) {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var files []Attachment
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		raw, files = s.readMultipart(r, raw)
	}
	var body map[string]any
	json.Unmarshal(raw, &body)
	path := r.URL.Path
	w.Header().Set("Content-Type", "application/json")
	s.delay(r)
	s.mu.Lock()
	for _, p := range s.stalls {
		if strings.HasPrefix(path, p) {
			s.stalled[p]++
			s.mu.Unlock()
			select {
			case <-r.Context().Done():
			case <-s.release:
			}
			return
		}
	}
	for p, n := range s.limits {
		if n > 0 && strings.HasPrefix(path, p) && r.Method != http.MethodGet {
			s.limits[p] = n - 1
			s.mu.Unlock()
			w.Header().Set("X-RateLimit-Bucket", "fake")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"message":"You are being rate limited.","retry_after":0.5,"global":false}`))
			return
		}
	}
	s.mu.Unlock()
	if !s.admit(w, r) {
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: r.Method, Path: path, Body: body, Raw: raw, Files: files})
	s.msgSeq++
	id := strconv.Itoa(1000 + s.msgSeq)
	s.mu.Unlock()
	if r.Method == http.MethodGet && strings.HasSuffix(path, "/gateway") && s.gw.failGateway(w) {
		return
	}
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/gateway"):
		json.NewEncoder(w).Encode(map[string]any{"url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/gw"})
	case r.Method == http.MethodPut && strings.Contains(path, "/commands"):
		var cmds []map[string]any
		json.Unmarshal(raw, &cmds)
		for i, c := range cmds {
			c["id"] = fmt.Sprint(5000 + i)
		}
		json.NewEncoder(w).Encode(cmds)
	case r.Method == http.MethodPost && path == "/api/v9/users/@me/channels":
		s.serveOpenDM(w, body)
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/messages") && s.refusesDM(path):
		s.violate(ValidateMessage("POST "+path, raw, false)...)
		writeDMRefused(w)
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/messages"):
		s.violate(ValidateMessage("POST "+path, raw, false)...)
		ch := strings.Split(strings.TrimPrefix(path, "/api/v9/channels/"), "/")[0]
		id, crash := s.createMessage(ch, id, body)
		if crash {
			dropConnection(w) // the message exists; the caller never hears of it
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": id, "channel_id": ch, "content": body["content"], "nonce": body["nonce"]})
	case r.Method == http.MethodPatch && strings.Contains(path, "/messages/"):
		s.violate(ValidateMessage("PATCH "+path, raw, true)...)
		parts := strings.Split(path, "/")
		json.NewEncoder(w).Encode(map[string]any{"id": parts[len(parts)-1]})
	case strings.HasSuffix(path, "/callback"):
		s.serveCallback(w, path, body)
	case strings.HasPrefix(path, "/api/v9/webhooks/"):
		parts := strings.Split(path, "/") // /api/v9/webhooks/APP/TOKEN
		if len(parts) >= 6 {
			s.mu.Lock()
			it := s.interactions["token:"+parts[5]]
			s.mu.Unlock()
			if it != nil && !it.acked {
				s.violate("follow-up " + path + " before the interaction was acknowledged")
				w.WriteHeader(http.StatusNotFound)
				w.Write([]byte(`{"message":"Unknown Webhook","code":10015}`))
				return
			}
		}
		s.violate(ValidateMessage("POST "+path, raw, false)...)
		json.NewEncoder(w).Encode(map[string]any{"id": id})
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"404: Not Found","code":0}`))
	}
}

// serveCallback answers /interactions/{id}/{token}/callback like Discord:
// one initial response within ResponseWindow of the dispatch.
func (s *Server) serveCallback(w http.ResponseWriter, path string, body map[string]any) {
	parts := strings.Split(path, "/") // /api/v9/interactions/ID/TOKEN/callback
	id := ""
	if len(parts) >= 5 {
		id = parts[4]
	}
	s.mu.Lock()
	it := s.interactions[id]
	var late, again bool
	if it != nil {
		late = time.Since(it.at) > ResponseWindow
		again = it.acked
		if !late && !again {
			it.acked = true
		}
	}
	s.mu.Unlock()
	switch {
	case again:
		s.violate("interaction " + id + " answered twice")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"message":"Interaction has already been acknowledged.","code":40060}`))
		return
	case late:
		s.violate("interaction " + id + " answered after " + ResponseWindow.String() + ": This interaction failed")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"Unknown interaction","code":10062}`))
		return
	}
	if t, _ := body["type"].(float64); t == 4 || t == 7 {
		data, _ := json.Marshal(body["data"])
		s.violate(ValidateMessage("interaction "+id+" response", data, t == 7)...)
	}
	w.WriteHeader(http.StatusNoContent)
}

var interactionSeq struct {
	sync.Mutex
	n int
}

func nextID() string {
	interactionSeq.Lock()
	defer interactionSeq.Unlock()
	interactionSeq.n++
	return strconv.Itoa(700000 + interactionSeq.n)
}

// member builds a guild member with permissions.
func member(user string, perms int64) map[string]any {
	return map[string]any{"user": map[string]any{"id": user, "username": user}, "permissions": strconv.FormatInt(perms, 10), "roles": []any{}}
}

// Command builds an application-command interaction in a guild channel (or
// a DM when guild is empty). options are name → value.
func Command(guild, channel, user string, perms int64, name string, options map[string]any) map[string]any {
	var opts []any
	for k, v := range options {
		typ := 3
		switch v.(type) {
		case int, float64:
			typ = 4
		case bool:
			typ = 5
		}
		opts = append(opts, map[string]any{"name": k, "type": typ, "value": v})
	}
	i := map[string]any{"id": nextID(), "application_id": "APP", "type": 2, "token": "tok-" + nextID(), "version": 1, "channel_id": channel,
		"data": map[string]any{"id": "5000", "name": name, "type": 1, "options": opts}, "locale": "ja"}
	if guild != "" {
		i["guild_id"] = guild
		i["member"] = member(user, perms)
	} else {
		i["user"] = map[string]any{"id": user, "username": user}
	}
	return i
}

// Click builds a button (message component) interaction.
func Click(guild, channel, user, customID, messageID string) map[string]any {
	i := map[string]any{"id": nextID(), "application_id": "APP", "type": 3, "token": "tok-" + nextID(), "version": 1, "channel_id": channel,
		"data":    map[string]any{"custom_id": customID, "component_type": 2},
		"message": map[string]any{"id": messageID, "channel_id": channel, "content": ""}}
	if guild != "" {
		i["guild_id"] = guild
		i["member"] = member(user, 0)
	} else {
		i["user"] = map[string]any{"id": user, "username": user}
	}
	return i
}

// Sign signs an HTTP interaction body like Discord does.
func Sign(priv ed25519.PrivateKey, body []byte, ts time.Time) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(priv, append([]byte(stamp), body...))
	h := http.Header{}
	h.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	h.Set("X-Signature-Timestamp", stamp)
	h.Set("Content-Type", "application/json")
	return h
}
