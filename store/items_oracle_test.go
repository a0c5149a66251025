package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// This file keeps ItemStats as it was before the lean read of issue 23
// (every post decoded, every answer kept as a struct with its option's
// string, maps per question and per person), as the oracle the property
// test compares the store's ItemStats with.

// oraclePost is the part of a stored post ItemStats reads.
type oraclePost struct {
	Space    SpaceRef  `json:"space"`
	OpenedAt time.Time `json:"opened_at"`
	Question struct {
		QuestionID string `json:"question_id"`
		AnswerID   string `json:"answer_id"`
	} `json:"question"`
}

type oracleAnswer struct {
	user    int
	correct bool
	option  string
}

// itemStatsOracle is the former ItemStats.
func (d *DB) itemStatsOracle(q ItemQuery) ([]ItemStat, error) {
	stats := map[string]*ItemStat{}
	item := func(id string) *ItemStat {
		s := stats[id]
		if s == nil {
			s = &ItemStat{QuestionID: id, Choices: map[string]int{}, Options: map[string]int{}, TopThird: map[string]int{}}
			stats[id] = s
		}
		return s
	}
	all := q.Space == (SpaceRef{})
	type postInfo struct {
		item  *ItemStat
		space string
	}
	answers := map[*ItemStat][]oracleAnswer{}
	var users []struct{ answered, correct int }
	userIdx := map[string]int{}
	err := d.view(func(tx *bolt.Tx) error {
		posts := map[string]postInfo{}
		var order []string // post IDs in key order
		latest := map[*ItemStat]time.Time{}
		err := tx.Bucket(bPosts).ForEach(func(k, v []byte) error {
			var p oraclePost
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("post %s: %w", k, ErrCorrupt)
			}
			if !all && p.Space != q.Space || p.OpenedAt.Before(q.Since) || p.Question.QuestionID == "" {
				return nil
			}
			s := item(p.Question.QuestionID)
			s.Posted++
			if !p.OpenedAt.Before(latest[s]) {
				latest[s], s.AnswerID = p.OpenedAt, p.Question.AnswerID
				s.Choose = max(1, len(SplitChoice(s.AnswerID)))
			}
			posts[string(k)] = postInfo{item: s, space: string(key(p.Space.Platform, p.Space.ID))}
			order = append(order, string(k))
			return nil
		})
		if err != nil {
			return err
		}
		// answers are kept by post: read only the posts in the query
		for _, id := range order {
			p := posts[id]
			m, err := getPostMeta(tx, id)
			if err != nil {
				return err
			}
			err = eachPostAnswer(tx, id, m, func(a Answer) error {
				uk := p.space + "\x00" + a.UserID
				u, ok := userIdx[uk]
				if !ok {
					u = len(users)
					userIdx[uk] = u
					users = append(users, struct{ answered, correct int }{})
				}
				users[u].answered++
				if a.Correct {
					users[u].correct++
				}
				answers[p.item] = append(answers[p.item], oracleAnswer{user: u, correct: a.Correct, option: a.OptionID})
				return nil
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
			var r Report
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("report %q: %w", k, ErrCorrupt)
			}
			if r.At.Before(q.Since) {
				continue
			}
			item(r.QuestionID).Reporters++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("item stats: %w", err)
	}
	userKeys := make([]string, len(users))
	for k, i := range userIdx {
		userKeys[i] = k
	}
	out := make([]ItemStat, 0, len(stats))
	for _, s := range stats {
		s.analyseOracle(answers[s], func(u, answered, correct int) (float64, bool) {
			n, c := users[u].answered-answered, users[u].correct-correct
			if n <= 0 {
				return 0, false
			}
			return float64(c) / float64(n), true
		}, userKeys)
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].QuestionID < out[j].QuestionID })
	return out, nil
}

// analyse fills the figures from one question's answers. For
// discrimination and the strongest third each answerer counts once (one
// may meet a question in several posts): x is their share right on this
// question, y their accuracy on every other question (rest).
func (s *ItemStat) analyseOracle(as []oracleAnswer, rest func(u, answered, correct int) (float64, bool), userKeys []string) {
	type person struct {
		user, n, c int
		options    []string
		acc        float64
	}
	byUser := map[int]*person{}
	var people []*person
	for _, a := range as {
		s.Answered++
		if a.correct {
			s.Correct++
		}
		s.Choices[a.option]++
		for _, o := range SplitChoice(a.option) {
			s.Options[o]++
		}
		p := byUser[a.user]
		if p == nil {
			p = &person{user: a.user}
			byUser[a.user] = p
			people = append(people, p)
		}
		p.n++
		if a.correct {
			p.c++
		}
		p.options = append(p.options, a.option)
	}
	if s.Answered > 0 {
		s.Difficulty = float64(s.Correct) / float64(s.Answered)
	}
	ss := people[:0]
	for _, p := range people {
		if acc, ok := rest(p.user, p.n, p.c); ok {
			p.acc = acc
			ss = append(ss, p)
		}
	}
	n := len(ss)
	s.DiscriminationN = n
	if n >= 2 {
		var mx, my float64
		for _, p := range ss {
			mx += float64(p.c) / float64(p.n)
			my += p.acc
		}
		mx, my = mx/float64(n), my/float64(n)
		var sxy, sxx, syy float64
		for _, p := range ss {
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
	sort.Slice(ss, func(i, j int) bool {
		if ss[i].acc != ss[j].acc {
			return ss[i].acc > ss[j].acc
		}
		return userKeys[ss[i].user] < userKeys[ss[j].user]
	})
	s.TopThirdN = n / 3
	for _, p := range ss[:s.TopThirdN] {
		for _, o := range p.options {
			s.TopThird[o]++
		}
	}
}
