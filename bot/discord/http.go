package discord

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// MaxSignatureAge is how old (or how far in the future) an HTTP
// interaction's timestamp may be.
const MaxSignatureAge = 5 * time.Minute

// HTTPHandler implements bot.HTTPAdapter: with a public key configured,
// Handler at POST /discord/interactions; nothing otherwise.
func (a *Adapter) HTTPHandler() (string, http.Handler) {
	if a.pubKey == nil {
		return "", nil
	}
	return "POST /discord/interactions", a.Handler()
}

// Handler is the optional HTTP interactions endpoint. Each request is
// verified (Ed25519 with the application's public key, plus the timestamp
// window) before it is parsed; failures get 401 and are never processed.
// PING is answered with PONG.
func (a *Adapter) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		if a.pubKey == nil {
			http.Error(w, "no public key configured", http.StatusServiceUnavailable)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ts, err := strconv.ParseInt(r.Header.Get("X-Signature-Timestamp"), 10, 64)
		age := a.cfg.Now().Sub(time.Unix(ts, 0))
		if err != nil || age > MaxSignatureAge || age < -MaxSignatureAge || !discordgo.VerifyInteraction(r, a.pubKey) {
			a.log.Warn("rejected unverified interaction")
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		var i discordgo.Interaction
		if err := json.Unmarshal(body, &i); err != nil {
			http.Error(w, "malformed interaction", http.StatusBadRequest)
			return
		}
		if i.Type == discordgo.InteractionPing {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"type":1}`))
			return
		}
		// A signed request replayed within the window runs once.
		if !a.replays.first(i.ID) {
			a.log.Warn("rejected replayed interaction", "id", i.ID)
			http.Error(w, "replayed interaction", http.StatusUnauthorized)
			return
		}
		res, handled, late := a.answer(&i)
		if handled && res == nil {
			if a.ctx.Err() != nil {
				http.Error(w, "shutting down", http.StatusServiceUnavailable)
				return
			}
			http.Error(w, "unsupported interaction", http.StatusBadRequest)
			return
		}
		out := deferral
		if handled {
			out = response(*res)
		}
		b, err := json.Marshal(out)
		if err != nil {
			http.Error(w, "cannot encode response", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
		if handled {
			return
		}
		// Deferred: the follow-up goes out once the core is done, after
		// this response (Discord needs the deferral first).
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		if !a.begin() {
			return // closing: the adapter's context is cancelled; no follow-up
		}
		go func() {
			defer a.wg.Done()
			a.followUp(&i, late)
		}()
	})
}

// idWindow remembers IDs for a while (replay protection).
type idWindow struct {
	ttl  time.Duration
	now  func() time.Time
	mu   sync.Mutex
	seen map[string]time.Time
}

func newIDWindow(ttl time.Duration, now func() time.Time) *idWindow {
	return &idWindow{ttl: ttl, now: now, seen: map[string]time.Time{}}
}

// first reports whether id is new within the window, and remembers it.
func (w *idWindow) first(id string) bool {
	now := w.now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.seen) > 10000 {
		for k, t := range w.seen {
			if now.Sub(t) > w.ttl {
				delete(w.seen, k)
			}
		}
	}
	if t, ok := w.seen[id]; ok && now.Sub(t) <= w.ttl {
		return false
	}
	w.seen[id] = now
	return true
}
