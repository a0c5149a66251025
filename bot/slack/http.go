package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/studybot/studybot/bot/webhook"
)

// Body caps per route: a slash command's text is at most 4,000 characters
// (12 KB form-encoded at worst); an interaction carries the message it
// came from (or the Home tab's view); of the Events API studybot answers
// url_verification and app_home_opened, whose view is the Home tab the
// adapter published (under its 18 KB budget).
const (
	maxCommandBody     = 32 << 10
	maxInteractionBody = 128 << 10
	maxEventBody       = 64 << 10
)

// SignatureWindow is how old (or how far ahead) a request's
// X-Slack-Request-Timestamp may be; Slack's own libraries use 5 minutes.
const SignatureWindow = 5 * time.Minute

// seenFor is how long request keys are remembered: a request first seen
// at the far end of the window may be replayed for a whole window after.
const seenFor = 2 * SignatureWindow

// Paths are where HTTP mode serves Slack's requests.
type Paths struct {
	// Commands receives slash commands (default /slack/commands).
	Commands string
	// Interactivity receives button clicks (default /slack/interactivity).
	Interactivity string
	// Events receives the Events API (default /slack/events).
	Events string
}

// DefaultPaths are the paths in deploy/slack/manifest-http.yaml.
var DefaultPaths = Paths{Commands: "/slack/commands", Interactivity: "/slack/interactivity", Events: "/slack/events"}

// Handler returns the HTTP-mode handler. The headers of every request are
// checked first (a timestamp within SignatureWindow of Config.Now, a
// signature shaped v0= and 64 hex digits): a request that fails gets 401
// and its body is never read. The body is then read up to the route's cap
// (413 over it) and its signature verified (401). Malformed bodies get
// 400. Refusals are logged as one summary line a minute at most.
func (a *Adapter) Handler(p Paths) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+p.Commands, a.verified(maxCommandBody, a.serveCommand))
	mux.HandleFunc("POST "+p.Interactivity, a.verified(maxInteractionBody, a.serveInteraction))
	mux.HandleFunc("POST "+p.Events, a.verified(maxEventBody, a.serveEvent))
	return mux
}

// Header check failures (401, body unread).
var (
	errUnsigned  = fmt.Errorf("slack: %w", webhook.ErrUnsigned)
	errShape     = fmt.Errorf("slack: %w", webhook.ErrShape)
	errStale     = fmt.Errorf("slack: %w", webhook.ErrStale)
	errSignature = fmt.Errorf("slack: %w", webhook.ErrSignature)
)

// checkHeaders checks what can be checked before the body is read.
func (a *Adapter) checkHeaders(h http.Header) (ts string, sig []byte, err error) {
	ts, s := h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	if ts == "" || s == "" {
		return "", nil, errUnsigned
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(ts) > 12 || len(s) != 3+64 || s[:3] != "v0=" {
		return "", nil, errShape
	}
	sig, err = hex.DecodeString(s[3:])
	if err != nil {
		return "", nil, errShape
	}
	if age := a.cfg.Now().Sub(time.Unix(sec, 0)); age > SignatureWindow || age < -SignatureWindow {
		return "", nil, errStale
	}
	return ts, sig, nil
}

// verify checks sig, Slack's v0 HMAC-SHA256 of "v0:ts:body".
func (a *Adapter) verify(ts string, sig, body []byte) bool {
	m := hmac.New(sha256.New, []byte(a.cfg.SigningSecret))
	m.Write([]byte("v0:" + ts + ":"))
	m.Write(body)
	return hmac.Equal(m.Sum(nil), sig)
}

// refuse answers a refused request and counts it.
func (a *Adapter) refuse(w http.ResponseWriter, r *http.Request, status int, reason string) {
	a.refused.Add(reason)
	webhook.Refuse(w, r, status, reason)
}

func (a *Adapter) verified(max int64, next func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ts, sig, err := a.checkHeaders(r.Header)
		if err != nil {
			a.refuse(w, r, http.StatusUnauthorized, webhook.Reason(err))
			return
		}
		body, err := webhook.ReadBody(w, r, max)
		if err != nil {
			a.refuse(w, r, webhook.Status(err), webhook.Reason(err))
			return
		}
		if !a.verify(ts, sig, body) {
			a.refuse(w, r, http.StatusUnauthorized, webhook.Reason(errSignature))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	}
}

// commandKey identifies a slash command for the request memory: its
// trigger ID, else its signature (a replay repeats both).
func commandKey(sc slack.SlashCommand, r *http.Request) string {
	if sc.TriggerID != "" {
		return "slack:cmd:" + sc.TriggerID
	}
	if r != nil {
		return "slack:sig:" + r.Header.Get("X-Slack-Signature")
	}
	return ""
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, _ []byte) {
	sc, err := slack.SlashCommandParse(r)
	if err != nil || sc.Command == "" || sc.UserID == "" {
		a.refuse(w, r, http.StatusBadRequest, "malformed slash command")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if !a.seen.First(commandKey(sc, r)) {
		w.WriteHeader(http.StatusOK) // a retry or replay: answered already
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2500*time.Millisecond)
	defer cancel()
	c := a.command(ctx, sc)
	resp := a.core.HandleCommand(ctx, c)
	if payload := a.commandReply(ctx, c, resp); payload != nil {
		json.NewEncoder(w).Encode(payload)
	}
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request, _ []byte) {
	var cb slack.InteractionCallback
	if err := r.ParseForm(); err != nil || r.PostForm.Get("payload") == "" {
		a.refuse(w, r, http.StatusBadRequest, "missing payload")
		return
	}
	if err := json.Unmarshal([]byte(r.PostForm.Get("payload")), &cb); err != nil {
		a.refuse(w, r, http.StatusBadRequest, "malformed payload")
		return
	}
	clicks := a.newClicks(cb)
	// Acknowledge once the answers are stored (or after AckWait), so that
	// a 200 means recorded; the replies go out after.
	if !a.answerClicks(clicks, cb.ResponseURL, fromHome(cb)) {
		http.Error(w, "shutting down", http.StatusServiceUnavailable) // Slack retries
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		a.refuse(w, r, http.StatusBadRequest, "malformed event")
		return
	}
	if ev.Type == slackevents.URLVerification {
		var ch slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &ch); err != nil {
			a.refuse(w, r, http.StatusBadRequest, "malformed challenge")
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(ch.Challenge))
		return
	}
	w.WriteHeader(http.StatusOK)
	a.event(ev) // in the background: the 200 goes out at once
}
