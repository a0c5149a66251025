package questions

import (
	"fmt"
	"sort"
)

// Bank is the set of questions kept from one memo after quality checks,
// with the memo and its lookup index.
type Bank struct {
	// Memo is the parsed memo.
	Memo *Memo
	// Questions are the kept questions, in memo order.
	Questions []*Question
	// Dropped counts the questions dropped, by rule name (or "too-few-kin",
	// "low-confidence").
	Dropped map[string]int
	// Skipped counts the definitions not asked about, by reason (inside a
	// worked scenario, a procedure step, a bare value …).
	Skipped map[string]int
	// Index answers memo lookups.
	Index *Index

	// AuthoredErrors lists the authored questions left out of the bank,
	// each naming its file, line and rule (set by the caller that read the
	// questions file; see AddAuthored).
	AuthoredErrors []error
	// ReviewErrors lists the review file's decisions not applied (an ID
	// no question has, an edit failing a rule), each naming its file and
	// line (set by the caller that read the review file; see ApplyReview).
	ReviewErrors []error
	// Rejected are the questions the review file rejected (ApplyReview),
	// no longer in the bank, in the order rejected; the web page lists them.
	Rejected []*Question

	byID   map[string]*Question
	ranked []*Question // the daily post's draw order
}

// Build parses src, generates every question, drops those failing a rule
// and builds the lookup index.
func Build(src []byte, opts ParseOptions) (*Bank, error) {
	m, err := Parse(src, opts)
	if err != nil {
		return nil, err
	}
	return NewBank(m)
}

// Default builds the bank of the bundled memo with its bundled config.
func Default() (*Bank, error) {
	return Build(DefaultMemo(), ParseOptions{Config: DefaultConfig()})
}

// NewBank generates and checks the questions of a parsed memo and builds
// its lookup index.
func NewBank(m *Memo) (*Bank, error) { return newBank(m, true) }

// newBank is NewBank; withIndex false leaves the index out (benchmarks of
// generation alone).
func newBank(m *Memo, withIndex bool) (*Bank, error) {
	b := &Bank{Memo: m, Dropped: map[string]int{}, Skipped: map[string]int{}, byID: map[string]*Question{}}
	// The index does not depend on the questions: build it alongside.
	idx := make(chan *Index, 1)
	if withIndex {
		go func() { idx <- NewIndex(m) }()
	} else {
		idx <- nil
	}
	stems := map[string]bool{}
	g := newGenerator(m)
	qs := g.generate()
	for k, v := range g.dropped {
		b.Dropped[k] += v
	}
	for _, why := range g.skipped {
		b.Skipped[why]++
	}
	for _, q := range qs {
		if _, no := m.Rejected[q.ID]; no {
			b.Dropped["rejected"]++
			continue
		}
		ks := q.normalStem()
		if stems[ks] {
			b.Dropped["duplicate-stem"]++
			continue
		}
		if _, dup := b.byID[q.ID]; dup {
			b.Dropped["duplicate-id"]++
			continue
		}
		stems[ks] = true
		b.byID[q.ID] = q
		b.Questions = append(b.Questions, q)
	}
	b.rank()
	b.Index = <-idx
	if len(b.Questions) == 0 {
		return b, fmt.Errorf("build bank: %w", ErrNoQuestions)
	}
	return b, nil
}

// rank orders the bank the way the daily post draws from it and numbers
// each question's place in Rank: domains interleaved by exam weight
// (smooth weighted round robin; weight 1 where unknown), within a domain
// authored questions first and then the most confident, and a second question about the same item only
// after every item's first.
func (b *Bank) rank() {
	byDom := map[int][]*Question{}
	var doms []int
	variants := map[string]int{}
	sorted := append([]*Question(nil), b.Questions...)
	sort.SliceStable(sorted, func(i, j int) bool { return drawWeight(sorted[i]) > drawWeight(sorted[j]) })
	vr := map[*Question]int{}
	for _, q := range sorted {
		vr[q] = variants[q.itemKey]
		variants[q.itemKey]++
	}
	for _, q := range sorted {
		if _, ok := byDom[q.Domain]; !ok {
			doms = append(doms, q.Domain)
		}
		byDom[q.Domain] = append(byDom[q.Domain], q)
	}
	sort.Ints(doms)
	for _, d := range doms {
		qs := byDom[d]
		sort.SliceStable(qs, func(i, j int) bool {
			if vr[qs[i]] != vr[qs[j]] {
				return vr[qs[i]] < vr[qs[j]]
			}
			if wi, wj := drawWeight(qs[i]), drawWeight(qs[j]); wi != wj {
				return wi > wj
			}
			return qs[i].ID < qs[j].ID
		})
	}
	weight := func(d int) float64 {
		if dm := b.Memo.Domain(d); dm != nil && dm.Weight > 0 {
			return dm.Weight
		}
		return 1
	}
	current := map[int]float64{}
	next := map[int]int{}
	b.ranked = b.ranked[:0]
	for len(b.ranked) < len(b.Questions) {
		total, best := 0.0, -1
		for _, d := range doms {
			if next[d] >= len(byDom[d]) {
				continue
			}
			current[d] += weight(d)
			total += weight(d)
			if best < 0 || current[d] > current[best] {
				best = d
			}
		}
		current[best] -= total
		q := byDom[best][next[best]]
		next[best]++
		q.Rank = len(b.ranked) + 1
		b.ranked = append(b.ranked, q)
	}
}

// drawWeight orders questions within a domain: a person's (authored)
// before any generated one, then by confidence.
func drawWeight(q *Question) float64 {
	if q.Type == TypeAuthored {
		return 1 + q.Confidence
	}
	return q.Confidence
}

// Top returns the first n questions in the order the daily post draws
// them (see Question.Rank); n <= 0 or beyond the bank returns them all.
func (b *Bank) Top(n int) []*Question {
	if n <= 0 || n > len(b.ranked) {
		n = len(b.ranked)
	}
	return b.ranked[:n]
}

// Get returns the question with the given ID.
func (b *Bank) Get(id string) (*Question, error) {
	if q, ok := b.byID[id]; ok {
		return q, nil
	}
	return nil, fmt.Errorf("question %q: %w", id, ErrNotFound)
}

// ByDomain returns the questions of domain n in bank order.
func (b *Bank) ByDomain(n int) []*Question {
	var out []*Question
	for _, q := range b.Questions {
		if q.Domain == n {
			out = append(out, q)
		}
	}
	return out
}

// Report summarises a bank for lint.
type Report struct {
	// Total is the number of kept questions.
	Total int
	// ByDomain counts kept questions per domain number.
	ByDomain map[int]int
	// ByType counts kept questions per type.
	ByType map[Type]int
	// Dropped counts dropped questions per rule.
	Dropped map[string]int
	// Positions counts correct answers per display position (A, B, C, D).
	Positions [4]int
	// Problems are the memo's duplicate and conflicting definitions.
	Problems []Problem
	// Skipped counts definitions not asked about, by reason.
	Skipped map[string]int
	// ByKin counts kept questions by where their distractors came from
	// (sibling, section).
	ByKin map[string]int
	// ByKind counts kept questions by what their options name (service,
	// feature, key, prose …).
	ByKind map[string]int
	// TokenLeaks counts kept questions whose stem shares a token with the
	// answer alone (must be 0: the leak rule drops them).
	TokenLeaks int
	// MeanConfidence is the kept questions' mean confidence.
	MeanConfidence float64
	// Warnings are bank-wide findings: empty domains, skewed positions.
	Warnings []string
}

// Lint checks the bank as a whole and summarises it.
func (b *Bank) Lint() Report {
	r := Report{Total: len(b.Questions), ByDomain: map[int]int{}, ByType: map[Type]int{}, Dropped: b.Dropped, Problems: b.Memo.Problems,
		Skipped: b.Skipped, ByKin: map[string]int{}, ByKind: map[string]int{}}
	for _, q := range b.Questions {
		r.ByDomain[q.Domain]++
		r.ByType[q.Type]++
		r.Positions[q.Answer]++
		r.ByKin[q.Kin]++
		r.ByKind[q.Kind.String()]++
		r.MeanConfidence += q.Confidence
		if checkLeak(q, b.Memo) != "" {
			r.TokenLeaks++
		}
	}
	if r.Total > 0 {
		r.MeanConfidence /= float64(r.Total)
	}
	for _, d := range b.Memo.Domains {
		if d.Number != OtherDomain && r.ByDomain[d.Number] == 0 {
			r.Warnings = append(r.Warnings, fmt.Sprintf("domain %d (%s) has no questions", d.Number, d.Title))
		}
	}
	if r.Total >= 40 {
		for i, n := range r.Positions {
			share := float64(n) / float64(r.Total)
			if share < 0.15 || share > 0.35 {
				r.Warnings = append(r.Warnings, fmt.Sprintf("correct answer at %s in %.0f%% of questions", Letter(i), share*100))
			}
		}
	}
	var wsum float64
	for _, d := range b.Memo.Domains {
		wsum += d.Weight
	}
	if wsum > 0 && r.Total >= 40 {
		for _, d := range b.Memo.Domains {
			share := float64(r.ByDomain[d.Number]) / float64(r.Total)
			if d.Weight > 0 && share < d.Weight/wsum/3 {
				r.Warnings = append(r.Warnings, fmt.Sprintf("domain %d has %.0f%% of the questions against an exam weight of %.0f%%: the daily post will repeat it", d.Number, share*100, d.Weight/wsum*100))
			}
		}
	}
	sort.Strings(r.Warnings)
	return r
}
