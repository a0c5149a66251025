package store

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Kinds of problem Check reports, the keys of CheckReport.Kinds.
const (
	// KindPages: bbolt's pages are damaged (nothing else is read then).
	KindPages = "damaged pages"
	// KindUnreadable: a record that does not decode, or says it is
	// another record than the one its key names.
	KindUnreadable = "unreadable records"
	// KindOrphanAnswer: answers whose post is missing or unreadable.
	KindOrphanAnswer = "answers without their post"
	// KindOrphanPost: posts whose channel or space is missing.
	KindOrphanPost = "posts without their channel"
	// KindDerived: counters, leaderboard and other indexes that disagree
	// with the records they are computed from.
	KindDerived = "counters and indexes"
	// KindReminder: reminders and their index.
	KindReminder = "reminders"
)

// CheckOptions tunes CheckWith. The zero value is Check.
type CheckOptions struct {
	// Items, when not nil, is the set of memo item IDs the caller's
	// question bank holds. Cards for an item that neither it nor any post
	// knows are then counted in CheckReport.UnknownItems (a card outlives
	// its item by design, so they are not problems).
	Items map[string]bool
}

// problem records one problem of a kind.
func (r *CheckReport) problem(kind, format string, a ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, a...))
	r.addKind(kind, 1)
}

// addKind counts n problems of a kind already in r.Problems.
func (r *CheckReport) addKind(kind string, n int) {
	if n == 0 {
		return
	}
	if r.Kinds == nil {
		r.Kinds = map[string]int{}
	}
	r.Kinds[kind] += n
}

// humanKey shows a record key for people: its parts joined by "/",
// with bytes that are not printable text in hex.
func humanKey(k []byte) string {
	parts := splitKey(k)
	for i, p := range parts {
		printable := utf8.ValidString(p)
		for _, c := range p {
			if c < 0x20 || c == 0x7f || c == utf8.RuneError {
				printable = false
				break
			}
		}
		if !printable {
			parts[i] = fmt.Sprintf("%x", p)
		}
	}
	return strings.Join(parts, "/")
}

// refs is what checkRefs learnt about posts, for the answers.
type refs struct {
	posts  map[string]string // post ID → "" when readable, else why not
	items  map[string]bool   // items of posted questions
	orphan map[string]int    // post ID → answers without it
}

// checkPosts reads every post and its summary: each must decode, name
// itself by its key, and belong to a channel and a space that exist.
func checkPosts(tx *bolt.Tx, r *CheckReport) *refs {
	rf := &refs{posts: map[string]string{}, items: map[string]bool{}, orphan: map[string]int{}}
	channels, spaces := tx.Bucket(bChannels), tx.Bucket(bSpaces)
	_ = tx.Bucket(bPosts).ForEach(func(k, v []byte) error {
		id := humanKey(k)
		var p Post
		if err := json.Unmarshal(v, &p); err != nil {
			rf.posts[string(k)] = "its record cannot be read"
			r.problem(KindUnreadable, "post record %s: cannot be read (%v)", id, err)
			return nil
		}
		if p.ID != string(k) {
			rf.posts[string(k)] = "its record names another post"
			r.problem(KindUnreadable, "post record %s: says it is post %s", id, humanKey([]byte(p.ID)))
			return nil
		}
		rf.posts[string(k)] = ""
		if p.Question.Item != "" {
			rf.items[p.Question.Item] = true
		}
		switch {
		case spaces.Get(key(p.Space.Platform, p.Space.ID)) == nil:
			r.problem(KindOrphanPost, "post %s: its space %s does not exist", id, p.Space)
		case channels.Get(key(p.Space.Platform, p.Space.ID, p.Channel)) == nil:
			r.problem(KindOrphanPost, "post %s: its channel %s in %s does not exist", id, humanKey([]byte(p.Channel)), p.Space)
		}
		if v := tx.Bucket(bPostMeta).Get(k); v == nil {
			r.problem(KindUnreadable, "post %s: its summary record is missing", id)
		} else {
			checkPostSummary(r, id, p, v)
		}
		return nil
	})
	_ = tx.Bucket(bPostMeta).ForEach(func(k, v []byte) error {
		var m postMeta
		if err := json.Unmarshal(v, &m); err != nil {
			r.problem(KindUnreadable, "post summary %s: cannot be read (%v)", humanKey(k), err)
		}
		if _, ok := rf.posts[string(k)]; !ok {
			rf.posts[string(k)] = "its record is missing"
			r.problem(KindUnreadable, "post summary %s: the post record is missing", humanKey(k))
		}
		return nil
	})
	return rf
}

// checkPostSummary checks what ItemStats reads from a post's summary
// (v) instead of the post: its question ID, opening and answer, when
// the summary keeps them. (An unreadable summary is reported by
// checkPosts' walk over the summaries.)
func checkPostSummary(r *CheckReport, id string, p Post, v []byte) {
	var m postMeta
	if json.Unmarshal(v, &m) != nil || m.Question == "" {
		return
	}
	if m.Question != p.Question.QuestionID || !m.OpenedAt.Equal(p.OpenedAt) || m.Answer != p.Question.AnswerID {
		r.problem(KindDerived, "post %s: its summary says question %s (answer %s) opened %s, the post question %s (answer %s) opened %s",
			id, m.Question, m.Answer, m.OpenedAt.Format(time.RFC3339Nano), p.Question.QuestionID, p.Question.AnswerID, p.OpenedAt.Format(time.RFC3339Nano))
	}
}

// answer notes an answer to post id.
func (rf *refs) answer(id string) {
	if why, ok := rf.posts[id]; !ok || why != "" {
		rf.orphan[id]++
	}
}

// report adds the answers without their post, one line per post.
func (rf *refs) report(r *CheckReport) {
	ids := make([]string, 0, len(rf.orphan))
	for id := range rf.orphan {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		why, ok := rf.posts[id]
		if !ok {
			why = "its record is missing"
		}
		r.addKind(KindOrphanAnswer, rf.orphan[id]) // one per answer; one line per post
		r.Problems = append(r.Problems, fmt.Sprintf("%d answers to post %s: %s", rf.orphan[id], humanKey([]byte(id)), why))
	}
}

// checkCards reads every card: its key must name a space, a user and an
// item, and its value must decode. (A card may precede its space's
// record: UpdateCard does not ask for one.) With items, cards for an
// item neither items nor a post knows are counted in r.UnknownItems.
func checkCards(tx *bolt.Tx, r *CheckReport, rf *refs, items map[string]bool) {
	b := tx.Bucket(bCards)
	if b == nil {
		return
	}
	_ = b.ForEach(func(k, v []byte) error {
		parts := splitKey(k)
		if len(parts) != 4 {
			r.problem(KindUnreadable, "card %s: its key is malformed", humanKey(k))
			return nil
		}
		if _, err := decodeCard(parts[3], v); err != nil {
			r.problem(KindUnreadable, "card %s: cannot be read", humanKey(k))
			return nil
		}
		if items != nil && !items[parts[3]] && !rf.items[parts[3]] {
			r.UnknownItems++
		}
		return nil
	})
}
