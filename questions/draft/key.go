package draft

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
)

// keyOf hashes everything a request says into its Key (24 hex digits),
// which is also its custom_id in batch files.
func keyOf(r Request) string {
	h := sha256.New()
	for _, p := range []string{string(r.Kind), r.Model, r.System, r.User, r.SchemaName, string(r.Schema)} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(r.MaxTokens))
	h.Write(n[:])
	return string(r.Kind) + "-" + hex.EncodeToString(h.Sum(nil)[:12])
}

// hashOf returns a short hex digest of parts.
func hashOf(n int, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:n]
}

// seeded returns a deterministic 64-bit value from the seed and parts.
func seeded(seed int64, parts ...string) uint64 {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(seed))
	h.Write(n[:])
	h.Write([]byte(strings.Join(parts, "\x00")))
	return binary.BigEndian.Uint64(h.Sum(nil)[:8])
}
