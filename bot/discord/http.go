package discord

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// MaxSignatureAge is how old (or how far in the future) an HTTP
// interaction's timestamp may be.
const MaxSignatureAge = 5 * time.Minute

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
		w.Header().Set("Content-Type", "application/json")
		if i.Type == discordgo.InteractionPing {
			w.Write([]byte(`{"type":1}`))
			return
		}
		res := a.handle(r.Context(), &i)
		if res == nil {
			http.Error(w, "unsupported interaction", http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(response(*res))
	})
}
