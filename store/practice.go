package store

import (
	"encoding/binary"
	"fmt"
)

// Practice answers are keyed by time first, so that the bucket only grows
// at its end (fillTime), and the rest of the record is in the key:
//
//	time (8 bytes, Unix ns) | platform \0 space \0 user \0 question ID
//	→ format byte (1) | correct (0 or 1) | varint domain
//
// Schema 4 and older kept them under platform \0 space \0 user \0 time \0
// question ID as JSON; those are read as they are and converted as posts
// close (legacy.go).

// practiceFormat is the first byte of an encoded practice answer.
const practiceFormat = 1

// practiceKey is a practice answer's key.
func practiceKey(p Practice) []byte {
	return append(putTime(make([]byte, 0, 64), p.At), key(p.Space.Platform, p.Space.ID, p.UserID, p.QuestionID)...)
}

// encodePractice writes what the key does not hold.
func encodePractice(p Practice) []byte {
	b := []byte{practiceFormat, 0}
	if p.Correct {
		b[1] = 1
	}
	return binary.AppendVarint(b, int64(p.Domain))
}

// decodePractice reads a practice answer written by practiceKey and
// encodePractice, or one kept as JSON by schema 4 and older (legacy.go);
// ErrCorrupt if it is neither.
func decodePractice(k, v []byte) (Practice, error) {
	if isLegacyPractice(v) {
		return decodeLegacyPractice(k, v)
	}
	if len(k) <= 8 || len(v) < 3 || v[0] != practiceFormat || v[1] > 1 {
		return Practice{}, fmt.Errorf("practice answer %q: %w", k, ErrCorrupt)
	}
	parts := splitKey(k[8:])
	dom, n := binary.Varint(v[2:])
	if len(parts) != 4 || n <= 0 {
		return Practice{}, fmt.Errorf("practice answer %q: %w", k, ErrCorrupt)
	}
	return Practice{Space: SpaceRef{Platform: parts[0], ID: parts[1]}, UserID: parts[2], QuestionID: parts[3],
		Domain: int(dom), Correct: v[1] == 1, At: getTime(k)}, nil
}
