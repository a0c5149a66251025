package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ItemQuery selects the answers ItemStats reads.
type ItemQuery struct {
	// Space limits the figures to one space; the zero value reads every space.
	Space SpaceRef
	// Since leaves out posts opened and reports made before it; the zero
	// value reads all time.
	Since time.Time
}

// ItemStat is how one question did with the people who answered it.
//
// Every figure comes from daily posts and their answers only. Practice
// answers are left out on purpose: a person picks practice questions
// themselves, may take the same one again after seeing its answer, and
// the store does not keep which option they chose.
type ItemStat struct {
	// QuestionID is the question.
	QuestionID string
	// AnswerID is the correct option's ID, from the latest post's snapshot;
	// for a multi-answer question the key of the correct set (SplitChoice).
	AnswerID string
	// Choose is 1, or the number of options a multi-answer question asks
	// for (the size of AnswerID's set).
	Choose int
	// Posted counts the daily posts that asked it.
	Posted int
	// Answered and Correct count answers to those posts.
	Answered, Correct int
	// Difficulty is the share of answers that were correct, Correct/Answered
	// (0 when unanswered): the lower, the harder.
	Difficulty float64
	// Discrimination is the point-biserial correlation between answering
	// this question right (1/0; for a multi-answer question right only with
	// the exact set) and the answerer's accuracy on every other
	// daily answer in the query (the item itself left out, so a question
	// does not correlate with itself). Each answerer counts once: one who
	// met the question in several posts contributes their share right. Between -1 and 1; positive when the
	// people who do best overall get it right more often. It uses every
	// answerer, where an upper/lower 27% split would leave a team of a few
	// dozen with a handful of people per group and throw the middle away.
	// Valid only when DiscriminationOK.
	Discrimination float64
	// DiscriminationOK reports whether Discrimination is defined: at least
	// two answerers with another answer, not all of them right or all
	// wrong, not all with the same other accuracy.
	DiscriminationOK bool
	// DiscriminationN counts the distinct answerers Discrimination uses:
	// those with at least one daily answer to another question in the query.
	DiscriminationN int
	// Choices counts how often each choice was made, by choice key: by
	// option ID for a single-answer question, by the chosen set's key for
	// a multi-answer one (per-set counts; the correct set is AnswerID).
	Choices map[string]int
	// Options counts how often each option was chosen, by option ID: for a
	// multi-answer question every option of a chosen set counts once (the
	// same as Choices for a single-answer question).
	Options map[string]int
	// TopThird counts the choices made (every answer, by choice key as
	// Choices) by the strongest
	// third of the answerers in DiscriminationN (by their accuracy on other
	// questions, ties by user ID), by option ID; TopThirdN is how many
	// people that is (DiscriminationN/3, rounded down).
	TopThird  map[string]int
	TopThirdN int
	// Reporters counts the users who reported the question (/report).
	Reporters int
}

// itemPost is the part of a stored post ItemStats reads.
type itemPost struct {
	Space    SpaceRef  `json:"space"`
	OpenedAt time.Time `json:"opened_at"`
	Question struct {
		QuestionID string `json:"question_id"`
		AnswerID   string `json:"answer_id"`
	} `json:"question"`
}

// postItem returns what ItemStats reads of post id, whose summary is m:
// from the summary, or from the post's record when the summary was
// written before it kept the question (postMeta.Question).
func postItem(tx *bolt.Tx, id []byte, m postMeta) (itemPost, error) {
	var p itemPost
	if m.Question != "" {
		p.Space, p.OpenedAt = m.Space, m.OpenedAt
		p.Question.QuestionID, p.Question.AnswerID = m.Question, m.Answer
		return p, nil
	}
	v := tx.Bucket(bPosts).Get(id)
	if v == nil {
		return p, fmt.Errorf("post %s: %w", id, ErrNotFound)
	}
	if err := json.Unmarshal(v, &p); err != nil {
		return p, fmt.Errorf("post %s: %w", id, ErrCorrupt)
	}
	return p, nil
}

// itemAcc gathers one question's figures while ItemStats reads.
type itemAcc struct {
	stat   ItemStat
	latest time.Time // the latest post's opening, for AnswerID
	// choices are the choice keys met, interned: an answer refers to its
	// choice by index (choiceIdx) rather than by string.
	choices   []string
	choiceIdx map[string]int32
}

// choice returns the index of a choice key, interning it if new; b is
// only read (it may be a bbolt key or value).
func (it *itemAcc) choice(b []byte) int32 {
	if c, ok := it.choiceIdx[string(b)]; ok {
		return c
	}
	c := int32(len(it.choices))
	s := string(b)
	it.choices = append(it.choices, s)
	it.choiceIdx[s] = c
	return c
}

// itemAnswer is one daily answer, by indexes: its question, its answerer
// (space and user) and its choice (itemAcc.choices).
type itemAnswer struct {
	item, user, choice int32
	correct            bool
}

// itemRead is what ItemStats reads in its transaction.
type itemRead struct {
	items []*itemAcc
	byID  map[string]int32
	// answers are in post ID order, each post's in user order, in chunks
	// of answerChunk (no copying as they grow)
	answers  [][]itemAnswer
	count    int // answers in all
	userIdx  map[string]int32
	userKeys []string // space key, sep, user ID: the ties' order
	answered []int    // by user, every daily answer in the query
	correct  []int
}

// answerChunk is how many answers one chunk of itemRead.answers holds.
const answerChunk = 4096

func (r *itemRead) add(a itemAnswer) {
	n := len(r.answers)
	if n == 0 || len(r.answers[n-1]) == answerChunk {
		r.answers = append(r.answers, make([]itemAnswer, 0, answerChunk))
		n++
	}
	r.answers[n-1] = append(r.answers[n-1], a)
	r.count++
}

func (r *itemRead) item(id string) *itemAcc {
	if i, ok := r.byID[id]; ok {
		return r.items[i]
	}
	it := &itemAcc{stat: ItemStat{QuestionID: id, Choices: map[string]int{}, Options: map[string]int{}, TopThird: map[string]int{}},
		choiceIdx: map[string]int32{}}
	r.byID[id] = int32(len(r.items))
	r.items = append(r.items, it)
	return it
}

// user returns the index of the answerer whose key (space key, sep,
// user ID) is k, adding them if new; k is only read.
func (r *itemRead) user(k []byte) int32 {
	if u, ok := r.userIdx[string(k)]; ok {
		return u
	}
	u := int32(len(r.userKeys))
	s := string(k)
	r.userIdx[s] = u
	r.userKeys = append(r.userKeys, s)
	r.answered = append(r.answered, 0)
	r.correct = append(r.correct, 0)
	return u
}

// ItemStats returns the figures of every question posted or reported in
// the query, by question ID. It reads in one transaction; the cost grows
// with the number of posts and answers stored, each answer read once
// without decoding it into an Answer.
func (d *DB) ItemStats(q ItemQuery) ([]ItemStat, error) {
	r := &itemRead{byID: map[string]int32{}, userIdx: map[string]int32{}}
	if err := d.view(func(tx *bolt.Tx) error { return r.read(tx, q) }); err != nil {
		return nil, fmt.Errorf("item stats: %w", err)
	}
	return r.analyse(), nil
}

// read gathers the posts, answers and reports of the query.
func (r *itemRead) read(tx *bolt.Tx, q ItemQuery) error {
	all := q.Space == (SpaceRef{})
	type inQuery struct {
		id   string
		item int32
		meta postMeta
	}
	var posts []inQuery // in post ID order
	err := tx.Bucket(bPostMeta).ForEach(func(k, v []byte) error {
		var m postMeta
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("post %s: %w", k, ErrCorrupt)
		}
		p, err := postItem(tx, k, m)
		if err != nil {
			return err
		}
		if !all && p.Space != q.Space || p.OpenedAt.Before(q.Since) || p.Question.QuestionID == "" {
			return nil
		}
		it := r.item(p.Question.QuestionID)
		it.stat.Posted++
		if !p.OpenedAt.Before(it.latest) {
			it.latest, it.stat.AnswerID = p.OpenedAt, p.Question.AnswerID
			it.stat.Choose = max(1, len(SplitChoice(it.stat.AnswerID)))
		}
		posts = append(posts, inQuery{id: string(k), item: r.byID[p.Question.QuestionID], meta: m})
		return nil
	})
	if err != nil {
		return err
	}
	// answers are kept by post: read only the posts in the query
	var ukey []byte
	var opts []int32
	for _, p := range posts {
		m := p.meta
		it := r.items[p.item]
		ukey = append(append(ukey[:0], key(m.Space.Platform, m.Space.ID)...), sep)
		space := len(ukey)
		opts = opts[:0]
		for range m.Options {
			opts = append(opts, -1)
		}
		err = eachPostChoice(tx, p.id, m, func(user []byte, correct bool, opt int, literal []byte) {
			ukey = append(ukey[:space], user...)
			u := r.user(ukey)
			r.answered[u]++
			if correct {
				r.correct[u]++
			}
			var c int32
			if opt >= 0 {
				if c = opts[opt]; c < 0 {
					c = it.choice([]byte(m.Options[opt]))
					opts[opt] = c
				}
			} else {
				c = it.choice(literal)
			}
			r.add(itemAnswer{item: p.item, user: u, choice: c, correct: correct})
		})
		if err != nil {
			return err
		}
	}
	pre := []byte{}
	if !all {
		pre = prefix(q.Space.Platform, q.Space.ID)
	}
	rc := tx.Bucket(bReports).Cursor()
	for k, v := rc.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = rc.Next() {
		var rep Report
		if err := json.Unmarshal(v, &rep); err != nil {
			return fmt.Errorf("report %q: %w", k, ErrCorrupt)
		}
		if rep.At.Before(q.Since) {
			continue
		}
		r.item(rep.QuestionID).stat.Reporters++
	}
	return nil
}

// eachPostChoice calls fn with every answer to a post, in user order,
// wherever they are kept, read no further than ItemStats needs: the
// user ID's bytes, whether the answer was right, and its choice, either
// an index into m.Options (opt) or, when opt is -1, the choice key's bytes
// (literal). The bytes are valid only during the call. It reads what
// eachPostAnswer reads, with the same outcome.
func eachPostChoice(tx *bolt.Tx, id string, m postMeta, fn func(user []byte, correct bool, opt int, literal []byte)) error {
	if m.Archive == 0 {
		c := tx.Bucket(bAnswers).Cursor()
		pre := prefix(id)
		for k, v := c.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = c.Next() {
			if len(v) < 9 { // as decodeAnswer reads it: wrong, no option
				fn(k[len(pre):], false, -1, nil)
				continue
			}
			fn(k[len(pre):], v[8] == 1, -1, v[9:])
		}
		return nil
	}
	c, pre, _, err := archivedRun(tx, id, m)
	if err != nil {
		return err
	}
	for k, v := c.Next(); k != nil && bytes.HasPrefix(k, pre); k, v = c.Next() {
		_, n := binary.Uvarint(v)
		if n <= 0 || n >= len(v) {
			return fmt.Errorf("archived answer %s/%s: %w", id, k[4:], ErrCorrupt)
		}
		switch idx := int(v[n] & 0x7f); {
		case idx == literalOption:
			fn(k[4:], v[n]&0x80 != 0, -1, v[n+1:])
		case idx < len(m.Options):
			fn(k[4:], v[n]&0x80 != 0, idx, nil)
		default:
			return fmt.Errorf("archived answer %s/%s: option %d of %d: %w", id, k[4:], idx, len(m.Options), ErrCorrupt)
		}
	}
	return nil
}

// person is one answerer of the question being analysed.
type person struct {
	user, n, c int
	acc        float64 // accuracy on every other question
	top        bool    // in the strongest third
}

// analyse turns what read gathered into the figures, in question ID
// order. For discrimination and the strongest third each answerer counts
// once (one may meet a question in several posts): x is their share right
// on this question, y their accuracy on every other question.
func (r *itemRead) analyse() []ItemStat {
	// each question's answers together, in the order read
	start := make([]int, len(r.items)+1)
	for _, chunk := range r.answers {
		for _, a := range chunk {
			start[a.item+1]++
		}
	}
	for i := range r.items {
		start[i+1] += start[i]
	}
	byItem := make([]itemAnswer, r.count)
	next := append([]int(nil), start[:len(r.items)]...)
	for _, chunk := range r.answers {
		for _, a := range chunk {
			byItem[next[a.item]] = a
			next[a.item]++
		}
	}
	// ties in accuracy go by user key: rank the keys once
	rank := make([]int32, len(r.userKeys))
	order := make([]int32, len(r.userKeys))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(r.userKeys[a], r.userKeys[b]) })
	for i, u := range order {
		rank[u] = int32(i)
	}
	personOf := make([]int32, len(r.userKeys))
	for i := range personOf {
		personOf[i] = -1
	}
	var (
		people      []person
		ss          []int32
		counts, top []int
	)
	out := make([]ItemStat, 0, len(r.items))
	for i, it := range r.items {
		s := &it.stat
		as := byItem[start[i]:start[i+1]]
		people = people[:0]
		counts = append(counts[:0], make([]int, len(it.choices))...)
		top = append(top[:0], make([]int, len(it.choices))...)
		for _, a := range as {
			s.Answered++
			if a.correct {
				s.Correct++
			}
			counts[a.choice]++
			pi := personOf[a.user]
			if pi < 0 {
				pi = int32(len(people))
				personOf[a.user] = pi
				people = append(people, person{user: int(a.user)})
			}
			p := &people[pi]
			p.n++
			if a.correct {
				p.c++
			}
		}
		if s.Answered > 0 {
			s.Difficulty = float64(s.Correct) / float64(s.Answered)
		}
		ss = ss[:0]
		for pi := range people {
			p := &people[pi]
			n, c := r.answered[p.user]-p.n, r.correct[p.user]-p.c
			if n <= 0 {
				continue
			}
			p.acc = float64(c) / float64(n)
			ss = append(ss, int32(pi))
		}
		n := len(ss)
		s.DiscriminationN = n
		if n >= 2 {
			var mx, my float64
			for _, pi := range ss {
				p := &people[pi]
				mx += float64(p.c) / float64(p.n)
				my += p.acc
			}
			mx, my = mx/float64(n), my/float64(n)
			var sxy, sxx, syy float64
			for _, pi := range ss {
				p := &people[pi]
				dx, dy := float64(p.c)/float64(p.n)-mx, p.acc-my
				sxy += dx * dy
				sxx += dx * dx
				syy += dy * dy
			}
			if sxx > 1e-12 && syy > 1e-12 {
				s.Discrimination = sxy / math.Sqrt(sxx*syy)
				s.DiscriminationOK = true
			}
		}
		s.TopThirdN = n / 3
		if s.TopThirdN > 0 {
			slices.SortFunc(ss, func(a, b int32) int {
				pa, pb := &people[a], &people[b]
				if pa.acc != pb.acc {
					if pa.acc > pb.acc {
						return -1
					}
					return 1
				}
				return int(rank[pa.user]) - int(rank[pb.user])
			})
			for _, pi := range ss[:s.TopThirdN] {
				people[pi].top = true
			}
			for _, a := range as {
				if people[personOf[a.user]].top {
					top[a.choice]++
				}
			}
		}
		for _, a := range as {
			personOf[a.user] = -1
		}
		for c, key := range it.choices {
			if counts[c] == 0 {
				continue
			}
			s.Choices[key] += counts[c]
			for _, o := range SplitChoice(key) {
				s.Options[o] += counts[c]
			}
			if top[c] > 0 {
				s.TopThird[key] += top[c]
			}
		}
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].QuestionID < out[j].QuestionID })
	return out
}
