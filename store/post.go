package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SnapOption is one option of a posted question, as shown.
type SnapOption struct {
	// ID is the option's identity (stable across display orders).
	ID string `json:"id"`
	// Text is what users saw.
	Text string `json:"text"`
	// Why is the memo line that tells why this option is (not) the answer.
	Why string `json:"why,omitempty"`
}

// Snapshot is a question exactly as it was posted, so history reads right
// after the memo changes.
type Snapshot struct {
	// QuestionID is the question's stable ID.
	QuestionID string `json:"question_id"`
	// Domain is the exam domain number.
	Domain int `json:"domain"`
	// Item is the memo item the question is about (spaced repetition
	// schedules it); empty for posts made before it was recorded.
	Item string `json:"item,omitempty"`
	// DomainTitle is the domain's title.
	DomainTitle string `json:"domain_title"`
	// Type is the question type.
	Type string `json:"type"`
	// Stem is the question text.
	Stem string `json:"stem"`
	// Options are the choices in display order.
	Options []SnapOption `json:"options"`
	// AnswerID is the ID of the correct option, or for a multi-answer
	// ("choose two") question the choice key of the correct set: the IDs
	// sorted and joined by SetSeparator (see AnswerIDs, Choose).
	AnswerID string `json:"answer_id"`
	// Explanation quotes the memo.
	Explanation string `json:"explanation"`
	// MemoHash identifies the memo version the question came from.
	MemoHash string `json:"memo_hash"`
	// Source is the memo passage the question rested on when it was
	// posted ("" for an authored question without one, and for posts
	// made before this field existed).
	Source string `json:"source,omitempty"`
}

// OptionIndex returns the display index of an option ID, or -1.
func (s Snapshot) OptionIndex(id string) int {
	for i, o := range s.Options {
		if o.ID == id {
			return i
		}
	}
	return -1
}

// Post is a daily question posted in a channel for one schedule slot.
type Post struct {
	// ID identifies the post; derived from space, channel and slot.
	ID string `json:"id"`
	// Space is where the post lives.
	Space SpaceRef `json:"space"`
	// Channel is the channel ID.
	Channel string `json:"channel"`
	// Slot is the schedule time the post is for.
	Slot time.Time `json:"slot"`
	// Number counts the channel's posts: 1 for its first question.
	Number int `json:"number"`
	// Question is the question as shown.
	Question Snapshot `json:"question"`
	// MessageRef is the platform's reference to the posted message; empty
	// while the card has not reached the platform.
	MessageRef string `json:"message_ref,omitempty"`
	// Unconfirmed is set for a post whose card may or may not have reached
	// the platform: the process stopped between the platform call and the
	// commit, on a platform without an idempotency key. Its card is not
	// sent again; MessageRef is learnt from the first click on it, if any.
	Unconfirmed bool `json:"unconfirmed,omitempty"`
	// SendFailures counts the failed tries to post the card.
	SendFailures int `json:"send_failures,omitempty"`
	// NextSend is when the card is tried again after a failure.
	NextSend time.Time `json:"next_send,omitempty"`
	// OpenedAt is when the post opened.
	OpenedAt time.Time `json:"opened_at"`
	// ClosesAt is when the post closes.
	ClosesAt time.Time `json:"closes_at"`
	// Closed is set once the post was closed.
	Closed bool `json:"closed"`
	// ClosedAt is when it was closed.
	ClosedAt time.Time `json:"closed_at,omitempty"`
}

// postMeta is the part of a post an answer needs, kept small.
type postMeta struct {
	Space    SpaceRef  `json:"s"`
	Domain   int       `json:"d"`
	Answer   string    `json:"a"`
	ClosesAt time.Time `json:"c"`
	Closed   bool      `json:"x"`
	Day      int64     `json:"y"`
	Options  []string  `json:"o"`
	// Archive is where the answers went when the post closed (see
	// archive.go); 0 while they are in bAnswers.
	Archive uint32 `json:"z,omitempty"`
	// Question and OpenedAt are the post's question ID and opening, for
	// ItemStats, which then reads no post record. Summaries written before
	// they existed lack them ("" and zero) until the post closes; readers
	// then read the post (postItem).
	Question string    `json:"q,omitempty"`
	OpenedAt time.Time `json:"t,omitzero"`
}

// PostID returns the ID of the post for a channel's slot.
func PostID(space SpaceRef, channel string, slot time.Time) string {
	h := sha256.Sum256(key(space.Platform, space.ID, channel, slot.UTC().Format(time.RFC3339)))
	return "p" + hex.EncodeToString(h[:8])
}

// CreatePost stores a new post and, in the same transaction, the
// (channel, slot) guard, the question history entry and the posting day.
// The post is stored as given otherwise: with its card's MessageRef when
// the card was posted first (one commit per post), or its first failed
// try (SendFailures, NextSend).
// If the slot was already posted it returns the existing post and
// ErrSlotTaken, so double fires and restarts never post twice.
func (d *DB) CreatePost(p Post) (Post, error) { return d.createPost(p, false) }

// PreparePost returns p as CreatePost would store it now: with its ID,
// its number in the channel and its times in UTC, stored nowhere. The bot
// posts the card (which shows both) before the post's one commit.
func (d *DB) PreparePost(p Post) (Post, error) {
	if err := p.Space.valid(); err != nil {
		return Post{}, err
	}
	if err := validID("channel", p.Channel); err != nil {
		return Post{}, err
	}
	if p.Slot.IsZero() {
		return Post{}, fmt.Errorf("prepare post: no slot: %w", ErrInvalid)
	}
	p.ID = PostID(p.Space, p.Channel, p.Slot)
	if p.OpenedAt.IsZero() {
		p.OpenedAt = d.now()
	}
	p.Slot, p.OpenedAt, p.ClosesAt = p.Slot.UTC(), p.OpenedAt.UTC(), p.ClosesAt.UTC()
	err := d.view(func(tx *bolt.Tx) error {
		p.Number = postNumber(tx, p.Space, p.Channel)
		return nil
	})
	if err != nil {
		return Post{}, fmt.Errorf("prepare post: %w", err)
	}
	return p, nil
}

// postNumber is the number the channel's next post gets: one more than
// its posts so far.
func postNumber(tx *bolt.Tx, sp SpaceRef, channel string) int {
	hp := prefix(sp.Platform, sp.ID, channel)
	cur := tx.Bucket(bHistory).Cursor()
	n := 1
	for k, _ := cur.Seek(hp); k != nil && bytes.HasPrefix(k, hp); k, _ = cur.Next() {
		n++
	}
	return n
}

// CreateScheduledPost is CreatePost for a schedule's slot: in the same
// commit it also moves the channel's LastFired forward to the slot (as
// SetLastFired would), whether the post is new or the slot was taken. Its
// commit may be shared with other concurrent writes.
func (d *DB) CreateScheduledPost(p Post) (Post, error) { return d.createPost(p, true) }

func (d *DB) createPost(p Post, fired bool) (Post, error) {
	if err := p.Space.valid(); err != nil {
		return Post{}, err
	}
	if err := validID("channel", p.Channel); err != nil {
		return Post{}, err
	}
	if p.Question.QuestionID == "" || p.Question.AnswerID == "" || !p.Question.validAnswerKey() {
		return Post{}, fmt.Errorf("create post: question snapshot lacks ID or a valid answer: %w", ErrInvalid)
	}
	if p.Slot.IsZero() {
		return Post{}, fmt.Errorf("create post: no slot: %w", ErrInvalid)
	}
	p.ID = PostID(p.Space, p.Channel, p.Slot)
	if p.OpenedAt.IsZero() {
		p.OpenedAt = d.now()
	}
	p.Slot, p.OpenedAt, p.ClosesAt = p.Slot.UTC(), p.OpenedAt.UTC(), p.ClosesAt.UTC()
	var existing Post
	var taken bool
	commit := d.update
	if fired {
		commit = d.group
	}
	err := commit(func(tx *bolt.Tx) error {
		taken = false
		sp, err := getSpace(tx, p.Space)
		if err != nil {
			return err
		}
		if fired {
			if err := setLastFired(tx, p.Space, p.Channel, p.Slot); err != nil {
				return err
			}
		}
		slots := tx.Bucket(bSlots)
		sk := key(p.Space.Platform, p.Space.ID, p.Channel, string(putTime(nil, p.Slot)))
		if id := slots.Get(sk); id != nil {
			existing, err = getPost(tx, string(id))
			if err != nil {
				return err
			}
			if fired {
				taken = true // keep LastFired's move: commit
				return nil
			}
			return ErrSlotTaken
		}
		if err := slots.Put(sk, []byte(p.ID)); err != nil {
			return err
		}
		p.Number = postNumber(tx, p.Space, p.Channel)
		v, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bPosts).Put([]byte(p.ID), v); err != nil {
			return err
		}
		day := dayNumber(p.OpenedAt, sp.Location())
		meta := postMeta{Space: p.Space, Domain: p.Question.Domain, Answer: p.Question.AnswerID, ClosesAt: p.ClosesAt, Day: day,
			Question: p.Question.QuestionID, OpenedAt: p.OpenedAt}
		for _, o := range p.Question.Options {
			meta.Options = append(meta.Options, o.ID)
		}
		if err := putJSON(tx.Bucket(bPostMeta), []byte(p.ID), meta); err != nil {
			return err
		}
		if err := tx.Bucket(bOpen).Put(openKey(p.ClosesAt, p.ID), nil); err != nil {
			return err
		}
		days := tx.Bucket(bPostDays)
		dk := key(p.Space.Platform, p.Space.ID, dayKey(day))
		if err := days.Put(dk, putU64(nil, getU64(days.Get(dk))+1)); err != nil {
			return err
		}
		hk := key(p.Space.Platform, p.Space.ID, p.Channel, string(putTime(nil, p.OpenedAt)))
		return tx.Bucket(bHistory).Put(hk, []byte(p.Question.QuestionID+"\x00"+p.ID))
	})
	if err == nil || errors.Is(err, ErrSlotTaken) {
		d.dropIntent(p.ID) // the card's intent is resolved by its post
	}
	if errors.Is(err, ErrSlotTaken) || err == nil && taken {
		return existing, fmt.Errorf("create post %s/%s at %s: %w", p.Space, p.Channel, p.Slot.Format(time.RFC3339), ErrSlotTaken)
	}
	if err != nil {
		return Post{}, fmt.Errorf("create post: %w", err)
	}
	return p, nil
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

func getPost(tx *bolt.Tx, id string) (Post, error) {
	v := tx.Bucket(bPosts).Get([]byte(id))
	if v == nil {
		return Post{}, fmt.Errorf("post %s: %w", id, ErrNotFound)
	}
	var p Post
	if err := json.Unmarshal(v, &p); err != nil {
		return Post{}, fmt.Errorf("post %s: %w", id, err)
	}
	return p, nil
}

func getPostMeta(tx *bolt.Tx, id string) (postMeta, error) {
	v := tx.Bucket(bPostMeta).Get([]byte(id))
	if v == nil {
		return postMeta{}, fmt.Errorf("post %s: %w", id, ErrNotFound)
	}
	var m postMeta
	err := json.Unmarshal(v, &m)
	return m, err
}

// GetPost returns a post.
func (d *DB) GetPost(id string) (Post, error) {
	var p Post
	err := d.view(func(tx *bolt.Tx) error {
		var err error
		p, err = getPost(tx, id)
		return err
	})
	return p, err
}

// SetPostMessage records the platform's reference to the posted message.
// Its commit may be shared with other concurrent writes.
func (d *DB) SetPostMessage(id, ref string) error {
	return d.group(func(tx *bolt.Tx) error {
		p, err := getPost(tx, id)
		if err != nil {
			return err
		}
		p.MessageRef = ref
		return putJSON(tx.Bucket(bPosts), []byte(id), p)
	})
}

// AdoptPostMessage records ref as the post's card when it has none yet
// (an unconfirmed post, whose card was first seen in a click on it) and
// reports whether it did. Its commit may be shared with other concurrent
// writes.
func (d *DB) AdoptPostMessage(id, ref string) (bool, error) {
	var did bool
	err := d.group(func(tx *bolt.Tx) error {
		did = false
		p, err := getPost(tx, id)
		if err != nil || p.MessageRef != "" || ref == "" {
			return err
		}
		p.MessageRef, p.Unconfirmed, did = ref, false, true
		return putJSON(tx.Bucket(bPosts), []byte(id), p)
	})
	if err != nil {
		return false, fmt.Errorf("adopt post message: %w", err)
	}
	return did, nil
}

// RecordSendFailure counts a failed try to post a post's card and sets
// when to try again. It returns the post as stored, with the new count.
func (d *DB) RecordSendFailure(id string, next time.Time) (Post, error) {
	var p Post
	err := d.update(func(tx *bolt.Tx) error {
		var err error
		if p, err = getPost(tx, id); err != nil {
			return err
		}
		p.SendFailures++
		p.NextSend = next.UTC()
		return putJSON(tx.Bucket(bPosts), []byte(id), p)
	})
	if err != nil {
		return Post{}, fmt.Errorf("record send failure: %w", err)
	}
	return p, nil
}

// ClosePost closes a post: later answers get ErrClosed. Closing a closed
// post returns it unchanged; the bool reports whether this call closed it.
func (d *DB) ClosePost(id string) (Post, bool, error) {
	var p Post
	var closed bool
	err := d.update(func(tx *bolt.Tx) error {
		var err error
		p, err = getPost(tx, id)
		if err != nil || p.Closed {
			return err
		}
		p.Closed, p.ClosedAt, closed = true, d.now().UTC(), true
		if err := putJSON(tx.Bucket(bPosts), []byte(id), p); err != nil {
			return err
		}
		m, err := getPostMeta(tx, id)
		if err != nil {
			return err
		}
		m.Closed = true
		if m.Question == "" { // a summary written before it had them
			m.Question, m.OpenedAt = p.Question.QuestionID, p.OpenedAt
		}
		if err := tx.Bucket(bOpen).Delete(openKey(m.ClosesAt, id)); err != nil {
			return err
		}
		if _, err := archiveAnswers(tx, id, &m); err != nil {
			return err
		}
		if err := pruneBoards(tx, m.Space, p.ClosedAt); err != nil {
			return err
		}
		if err := convertLegacy(tx); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bPostMeta), []byte(id), m)
	})
	return p, closed, err
}

// openKey is a post's key in the index of open posts: its closing time,
// then its ID.
func openKey(closesAt time.Time, id string) []byte {
	return append(putTime(nil, closesAt), id...)
}

// OpenPosts returns every post not yet closed, oldest first. It reads the
// index of open posts, so it costs O(open posts) however many posts were
// ever stored.
func (d *DB) OpenPosts() ([]Post, error) {
	var out []Post
	err := d.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bOpen).ForEach(func(k, _ []byte) error {
			if len(k) <= 8 {
				return fmt.Errorf("open post key %q: %w", k, ErrCorrupt)
			}
			p, err := getPost(tx, string(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].OpenedAt.Before(out[j].OpenedAt) })
	return out, err
}

// LatestPost returns the newest post of a channel.
func (d *DB) LatestPost(space SpaceRef, channel string) (Post, error) {
	var p Post
	err := d.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bHistory).Cursor()
		pre := prefix(space.Platform, space.ID, channel)
		// seek past the prefix and step back
		var k, v []byte
		if k, _ = c.Seek(append(append([]byte{}, pre...), 0xff)); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		if k == nil || !bytes.HasPrefix(k, pre) {
			return fmt.Errorf("channel %s/%s has no post: %w", space, channel, ErrNotFound)
		}
		_, id := splitHistory(v)
		var err error
		p, err = getPost(tx, id)
		return err
	})
	return p, err
}

// Results are the answers to one post.
type Results struct {
	// Counts maps a choice key to the number of users who chose it: the
	// option ID, or for a multi-answer question the chosen set's key (per
	// set counts).
	Counts map[string]int
	// OptionCounts maps an option ID to the number of users whose choice
	// holds it: for a single-answer question the same as Counts, for a
	// multi-answer one each chosen set counted once for each of its
	// options ("how many chose each option").
	OptionCounts map[string]int
	// Total is the number of answers.
	Total int
	// Correct is the number of correct answers.
	Correct int
	// FirstCorrect lists the first correct answerers, earliest first.
	FirstCorrect []string
}

// PostResults counts the answers to a post; firstN bounds FirstCorrect.
func (d *DB) PostResults(id string, firstN int) (Results, error) {
	r := Results{Counts: map[string]int{}, OptionCounts: map[string]int{}}
	type fc struct {
		user string
		at   time.Time
	}
	var firsts []fc
	err := d.view(func(tx *bolt.Tx) error {
		m, err := getPostMeta(tx, id)
		if err != nil {
			return err
		}
		return eachPostAnswer(tx, id, m, func(a Answer) error {
			r.Counts[a.OptionID]++
			for _, o := range SplitChoice(a.OptionID) {
				r.OptionCounts[o]++
			}
			r.Total++
			if a.Correct {
				r.Correct++
				firsts = append(firsts, fc{a.UserID, a.At})
			}
			return nil
		})
	})
	sort.SliceStable(firsts, func(i, j int) bool { return firsts[i].at.Before(firsts[j].at) })
	for i := 0; i < len(firsts) && i < firstN; i++ {
		r.FirstCorrect = append(r.FirstCorrect, firsts[i].user)
	}
	return r, err
}

// PostAnswers returns every answer to a post, earliest first.
func (d *DB) PostAnswers(id string) ([]Answer, error) {
	var out []Answer
	err := d.view(func(tx *bolt.Tx) error {
		m, err := getPostMeta(tx, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return eachPostAnswer(tx, id, m, func(a Answer) error {
			out = append(out, a)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, err
}
