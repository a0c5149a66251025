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
	// Dropped counts the questions dropped, by rule name.
	Dropped map[string]int
	// Index answers memo lookups.
	Index *Index

	byID map[string]*Question
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
	b := &Bank{Memo: m, Dropped: map[string]int{}, byID: map[string]*Question{}}
	// The index does not depend on the questions: build it alongside.
	idx := make(chan *Index, 1)
	if withIndex {
		go func() { idx <- NewIndex(m) }()
	} else {
		idx <- nil
	}
	stems := map[string]bool{}
	for _, q := range newGenerator(m).generate() {
		if q.failed != "" {
			b.Dropped[q.failed]++
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
	b.Index = <-idx
	if len(b.Questions) == 0 {
		return b, fmt.Errorf("build bank: %w", ErrNoQuestions)
	}
	return b, nil
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
	// Warnings are bank-wide findings: empty domains, skewed positions.
	Warnings []string
}

// Lint checks the bank as a whole and summarises it.
func (b *Bank) Lint() Report {
	r := Report{Total: len(b.Questions), ByDomain: map[int]int{}, ByType: map[Type]int{}, Dropped: b.Dropped, Problems: b.Memo.Problems}
	for _, q := range b.Questions {
		r.ByDomain[q.Domain]++
		r.ByType[q.Type]++
		r.Positions[q.Answer]++
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
	sort.Strings(r.Warnings)
	return r
}
