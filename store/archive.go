package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Answers live in two places. While a post is open they are in bAnswers,
// keyed by post ID and user (random inserts: every user answers the same
// post at once). When the post closes they move, in one go and in user
// order, to bArchive, under a sequence number the post gets at that
// moment: the archive only ever grows at its end, so its pages are filled
// to the brim (fillSequence), and its records are small:
//
//	seq (4 bytes)              → base time (8 bytes, Unix ms) | post ID
//	seq (4 bytes) | user ID    → uvarint(ms after base) | option byte [| option ID]
//
// The option byte is the option's index among the post's options, with
// the top bit set for a correct answer; index 127 means the option ID
// follows (an option the post's metadata does not list). Answer times are
// kept to the millisecond. The post's metadata records its sequence
// (postMeta.Archive); 0 means its answers are still in bAnswers.
//
// bArchive is created by the first close. The answers of posts closed
// before schema 5 stay in bAnswers, where readers find them (postMeta.Archive
// is 0), until convertLegacy moves them.
var bArchive = []byte("archive")

// literalOption is the option index that says the option ID follows.
const literalOption = 127

func seqKey(seq uint32) []byte { return binary.BigEndian.AppendUint32(make([]byte, 0, 4+16), seq) }

// archiveAnswers moves a closing post's answers from bAnswers to the end
// of bArchive, records the sequence in m (the caller stores m) and
// returns how many it moved. A post without answers gets no sequence.
func archiveAnswers(tx *bolt.Tx, id string, m *postMeta) (int, error) {
	if m.Archive != 0 {
		return 0, nil
	}
	live := tx.Bucket(bAnswers)
	pre := prefix(id)
	var keys [][]byte
	var answers []Answer
	base := int64(math.MaxInt64)
	c := live.Cursor()
	for k, v := c.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = c.Next() {
		a := decodeAnswer(id, string(k[len(pre):]), v)
		keys = append(keys, append([]byte(nil), k...))
		answers = append(answers, a)
		base = min(base, a.At.UnixMilli())
	}
	if len(answers) == 0 {
		return 0, nil
	}
	if _, err := tx.CreateBucketIfNotExists(bArchive); err != nil {
		return 0, err
	}
	arch := appendBucket(tx, bArchive)
	next, err := arch.NextSequence()
	if err != nil {
		return 0, err
	}
	if next > math.MaxUint32 {
		return 0, fmt.Errorf("archive answers of post %s: sequence exhausted: %w", id, ErrInvalid)
	}
	seq := uint32(next)
	if err := arch.Put(seqKey(seq), append(putU64(nil, uint64(base)), id...)); err != nil {
		return 0, err
	}
	for _, a := range answers {
		if err := arch.Put(append(seqKey(seq), a.UserID...), encodeArchived(a, base, m.Options)); err != nil {
			return 0, err
		}
	}
	for _, k := range keys {
		if err := live.Delete(k); err != nil {
			return 0, err
		}
	}
	m.Archive = seq
	return len(answers), nil
}

// encodeArchived writes an answer's archive record.
func encodeArchived(a Answer, base int64, options []string) []byte {
	b := binary.AppendUvarint(make([]byte, 0, 8), uint64(max(0, a.At.UnixMilli()-base)))
	idx := byte(literalOption)
	for i, o := range options {
		if o == a.OptionID && i < literalOption {
			idx = byte(i)
			break
		}
	}
	if a.Correct {
		idx |= 0x80
	}
	b = append(b, idx)
	if idx&0x7f == literalOption {
		b = append(b, a.OptionID...)
	}
	return b
}

// decodeArchived reads an archive record written by encodeArchived.
func decodeArchived(post, user string, base int64, options []string, v []byte) (Answer, error) {
	off, n := binary.Uvarint(v)
	if n <= 0 || n >= len(v) {
		return Answer{}, fmt.Errorf("archived answer %s/%s: %w", post, user, ErrCorrupt)
	}
	a := Answer{PostID: post, UserID: user, At: time.UnixMilli(base + int64(off)).UTC(), Correct: v[n]&0x80 != 0}
	switch idx := int(v[n] & 0x7f); {
	case idx == literalOption:
		a.OptionID = string(v[n+1:])
	case idx < len(options):
		a.OptionID = options[idx]
	default:
		return Answer{}, fmt.Errorf("archived answer %s/%s: option %d of %d: %w", post, user, idx, len(options), ErrCorrupt)
	}
	return a, nil
}

// archiveHeader reads the header of an archived post: its base time and ID.
func archiveHeader(arch *bolt.Bucket, seq uint32) (int64, string, bool) {
	v := arch.Get(seqKey(seq))
	if len(v) < 8 {
		return 0, "", false
	}
	return int64(getU64(v)), string(v[8:]), true
}

// getAnswerTx returns a user's answer to a post, wherever it is kept.
func getAnswerTx(tx *bolt.Tx, id, user string, m postMeta) (Answer, bool, error) {
	if m.Archive == 0 {
		v := tx.Bucket(bAnswers).Get(key(id, user))
		if v == nil {
			return Answer{}, false, nil
		}
		return decodeAnswer(id, user, v), true, nil
	}
	arch := tx.Bucket(bArchive)
	if arch == nil {
		return Answer{}, false, fmt.Errorf("post %s: answers archived under %d, but there is no archive: %w", id, m.Archive, ErrCorrupt)
	}
	base, _, ok := archiveHeader(arch, m.Archive)
	if !ok {
		return Answer{}, false, fmt.Errorf("post %s: archive %d has no header: %w", id, m.Archive, ErrCorrupt)
	}
	v := arch.Get(append(seqKey(m.Archive), user...))
	if v == nil {
		return Answer{}, false, nil
	}
	a, err := decodeArchived(id, user, base, m.Options, v)
	return a, err == nil, err
}

// archivedRun opens the run of a closed post's archived answers: a cursor
// on the run's header, the run's key prefix (the answers follow the
// header under it) and the header's base time.
func archivedRun(tx *bolt.Tx, id string, m postMeta) (c *bolt.Cursor, pre []byte, base int64, err error) {
	arch := tx.Bucket(bArchive)
	if arch == nil {
		return nil, nil, 0, fmt.Errorf("post %s: answers archived under %d, but there is no archive: %w", id, m.Archive, ErrCorrupt)
	}
	pre = seqKey(m.Archive)
	c = arch.Cursor()
	k, v := c.Seek(pre)
	if k == nil || len(k) != 4 || len(v) < 8 {
		return nil, nil, 0, fmt.Errorf("post %s: archive %d has no header: %w", id, m.Archive, ErrCorrupt)
	}
	return c, pre, int64(getU64(v)), nil
}

// eachPostAnswer calls fn with every answer to a post, in user order,
// wherever they are kept.
func eachPostAnswer(tx *bolt.Tx, id string, m postMeta, fn func(Answer) error) error {
	if m.Archive == 0 {
		c := tx.Bucket(bAnswers).Cursor()
		pre := prefix(id)
		for k, v := c.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = c.Next() {
			if err := fn(decodeAnswer(id, string(k[len(pre):]), v)); err != nil {
				return err
			}
		}
		return nil
	}
	c, pre, base, err := archivedRun(tx, id, m)
	if err != nil {
		return err
	}
	for k, v := c.Next(); k != nil && bytes.HasPrefix(k, pre); k, v = c.Next() {
		a, err := decodeArchived(id, string(k[4:]), base, m.Options, v)
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

// eachAnswer calls fn with every stored answer, archived ones first (in
// closing order), then the open posts' ones, each with its post's
// metadata. A record it cannot read goes to bad, and the walk goes on.
func eachAnswer(tx *bolt.Tx, fn func(a Answer, m postMeta) error, bad func(problem string)) error {
	metas := map[string]*postMeta{}
	meta := func(id string) *postMeta {
		if m, ok := metas[id]; ok {
			return m
		}
		m, err := getPostMeta(tx, id)
		var mp *postMeta
		if err == nil {
			mp = &m
		}
		metas[id] = mp
		return mp
	}
	if arch := tx.Bucket(bArchive); arch != nil {
		var (
			base int64
			id   string
			m    *postMeta
			seq  []byte
		)
		err := arch.ForEach(func(k, v []byte) error {
			if len(k) == 4 {
				seq, m = append(seq[:0], k...), nil
				if len(v) < 8 {
					bad(fmt.Sprintf("archive %x: header malformed", k))
					return nil
				}
				base, id = int64(getU64(v)), string(v[8:])
				if m = meta(id); m == nil {
					bad(fmt.Sprintf("archive %x: post %s missing", k, id))
				} else if m.Archive != binary.BigEndian.Uint32(k) {
					bad(fmt.Sprintf("archive %x: post %s says its answers are under %d", k, id, m.Archive))
					m = nil
				}
				return nil
			}
			if len(k) < 4 || !bytes.Equal(k[:4], seq) || m == nil {
				bad(fmt.Sprintf("archived answer %q: no readable post header", k))
				return nil
			}
			a, err := decodeArchived(id, string(k[4:]), base, m.Options, v)
			if err != nil {
				bad(err.Error())
				return nil
			}
			return fn(a, *m)
		})
		if err != nil {
			return err
		}
	}
	return tx.Bucket(bAnswers).ForEach(func(k, v []byte) error {
		parts := splitKey(k)
		if len(parts) != 2 {
			bad(fmt.Sprintf("answer key %q malformed", k))
			return nil
		}
		m := meta(parts[0])
		if m == nil {
			bad(fmt.Sprintf("answer %s/%s: post missing", parts[0], parts[1]))
			return nil
		}
		if m.Archive != 0 {
			bad(fmt.Sprintf("answer %s/%s: kept open after its post's answers were archived", parts[0], parts[1]))
			return nil
		}
		return fn(decodeAnswer(parts[0], parts[1], v), *m)
	})
}
