package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"
)

// sep separates the parts of composite keys; IDs may not contain it.
const sep = 0

func validID(kind, id string) error {
	if id == "" || strings.IndexByte(id, sep) >= 0 || len(id) > 255 {
		return fmt.Errorf("%s %q: %w", kind, id, ErrInvalid)
	}
	return nil
}

// key joins parts with the separator.
func key(parts ...string) []byte {
	n := len(parts)
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, sep)
		}
		b = append(b, p...)
	}
	return b
}

// prefix is key(parts...) followed by a separator, for cursor scans.
func prefix(parts ...string) []byte { return append(key(parts...), sep) }

func putU64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }
func getU64(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func putTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return putU64(b, 0)
	}
	return putU64(b, uint64(t.UnixNano()))
}

func getTime(b []byte) time.Time {
	v := getU64(b)
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(v)).UTC()
}

// splitKey splits a composite key.
func splitKey(k []byte) []string {
	parts := bytes.Split(k, []byte{sep})
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = string(p)
	}
	return out
}

// dayNumber is a calendar day in loc, counted from the epoch and blind to
// DST: the UTC midnight of the same date, in days.
func dayNumber(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func dayKey(day int64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(day))
	return string(b[:])
}

func invU32(v float64) uint32 {
	if v < 0 {
		v = 0
	}
	if v > math.MaxUint32 {
		v = math.MaxUint32
	}
	return math.MaxUint32 - uint32(v)
}
