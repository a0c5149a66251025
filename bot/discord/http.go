package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/studybot/studybot/bot/webhook"
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

// maxInteractionBody caps an interaction's body: a component click carries
// the message it came from, a command its options; both are a few KB.
const maxInteractionBody = 64 << 10

// Header check failures (401, body unread).
var (
	errUnsigned  = fmt.Errorf("discord: %w", webhook.ErrUnsigned)
	errShape     = fmt.Errorf("discord: %w", webhook.ErrShape)
	errStale     = fmt.Errorf("discord: %w", webhook.ErrStale)
	errSignature = fmt.Errorf("discord: %w", webhook.ErrSignature)
)

// checkHeaders checks what can be checked before the body is read: an
// X-Signature-Ed25519 of 128 hex digits and an X-Signature-Timestamp
// within MaxSignatureAge of Config.Now.
func (a *Adapter) checkHeaders(h http.Header) (ts string, sig []byte, err error) {
	ts, s := h.Get("X-Signature-Timestamp"), h.Get("X-Signature-Ed25519")
	if ts == "" || s == "" {
		return "", nil, errUnsigned
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(ts) > 12 || len(s) != 2*ed25519.SignatureSize {
		return "", nil, errShape
	}
	if sig, err = hex.DecodeString(s); err != nil {
		return "", nil, errShape
	}
	if age := a.cfg.Now().Sub(time.Unix(sec, 0)); age > MaxSignatureAge || age < -MaxSignatureAge {
		return "", nil, errStale
	}
	return ts, sig, nil
}

// refuse answers a refused request and counts it (one log line a minute
// at most).
func (a *Adapter) refuse(w http.ResponseWriter, r *http.Request, status int, reason string) {
	a.refused.Add(reason)
	webhook.Refuse(w, r, status, reason)
}

// Handler is the optional HTTP interactions endpoint. The headers are
// checked first (signature shape, timestamp window): a request that fails
// gets 401 and its body is never read. The body is then read up to
// maxInteractionBody (413 over it) and its Ed25519 signature verified with
// the application's public key (401). PING is answered with PONG; an
// interaction already answered (a replay, even after a restart when
// Config.Requests is set) gets 401 and is not processed again. Refusals
// are logged as one summary line a minute at most.
func (a *Adapter) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			a.refuse(w, r, http.StatusMethodNotAllowed, "POST only")
			return
		}
		if a.pubKey == nil {
			a.refuse(w, r, http.StatusServiceUnavailable, "no public key configured")
			return
		}
		ts, sig, err := a.checkHeaders(r.Header)
		if err != nil {
			a.refuse(w, r, http.StatusUnauthorized, webhook.Reason(err))
			return
		}
		body, err := webhook.ReadBody(w, r, maxInteractionBody)
		if err != nil {
			a.refuse(w, r, webhook.Status(err), webhook.Reason(err))
			return
		}
		if !ed25519.Verify(a.pubKey, append([]byte(ts), body...), sig) {
			a.refuse(w, r, http.StatusUnauthorized, webhook.Reason(errSignature))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var i discordgo.Interaction
		if err := json.Unmarshal(body, &i); err != nil {
			a.refuse(w, r, http.StatusBadRequest, "malformed interaction")
			return
		}
		if i.Type == discordgo.InteractionPing {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"type":1}`))
			return
		}
		// A signed request replayed within the window runs once.
		seen := a.replays
		if i.Type != discordgo.InteractionApplicationCommand {
			seen = a.clickReplays
		}
		if !seen.First("discord:ia:" + i.ID) {
			a.refuse(w, r, http.StatusUnauthorized, "replayed interaction")
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
