package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// maxBody bounds request bodies; Slack's are a few kilobytes.
const maxBody = 512 << 10

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

// Handler returns the HTTP-mode handler. Every request is verified with
// the signing secret (±5 minutes) before anything is parsed: unsigned,
// badly signed or stale requests get 401. Malformed bodies get 400.
func (a *Adapter) Handler(p Paths) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+p.Commands, a.verified(a.serveCommand))
	mux.HandleFunc("POST "+p.Interactivity, a.verified(a.serveInteraction))
	mux.HandleFunc("POST "+p.Events, a.verified(a.serveEvent))
	return mux
}

func (a *Adapter) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		if len(body) > maxBody {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		sv, err := slack.NewSecretsVerifier(r.Header, a.cfg.SigningSecret)
		if err == nil {
			if _, err = sv.Write(body); err == nil {
				err = sv.Ensure()
			}
		}
		if err != nil {
			a.log.Warn("rejected unverified request", "path", r.URL.Path, "err", err)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	}
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, _ []byte) {
	sc, err := slack.SlashCommandParse(r)
	if err != nil || sc.Command == "" || sc.UserID == "" {
		http.Error(w, "malformed slash command", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if !a.seen.first("cmd:" + sc.TriggerID) {
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
		http.Error(w, "missing payload", http.StatusBadRequest)
		return
	}
	if err := json.Unmarshal([]byte(r.PostForm.Get("payload")), &cb); err != nil {
		http.Error(w, "malformed payload", http.StatusBadRequest)
		return
	}
	clicks := a.newClicks(cb)
	// Acknowledge once the answers are stored (or after AckWait), so that
	// a 200 means recorded; the replies go out after.
	if !a.answerClicks(clicks, cb.ResponseURL) {
		http.Error(w, "shutting down", http.StatusServiceUnavailable) // Slack retries
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	if ev.Type == slackevents.URLVerification {
		var ch slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &ch); err != nil {
			http.Error(w, "malformed challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(ch.Challenge))
		return
	}
	w.WriteHeader(http.StatusOK)
}
