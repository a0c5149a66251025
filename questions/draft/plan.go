package draft

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/studybot/studybot/questions"
)

// Memo is the memo a run drafts from: parsed, and its source lines (the
// passages are shown to the model and the evidence is found in them).
type Memo struct {
	// Parsed is the parsed memo.
	Parsed *questions.Memo
	// Lines are the memo's source lines (line n is Lines[n-1]).
	Lines []string
	// Exam names the exam (config or front matter; else the memo title).
	Exam string

	keys []string // matchKey of each line (gate.go), filled when first asked
}

// NewMemo wraps a parsed memo and its source.
func NewMemo(m *questions.Memo, src []byte) *Memo {
	s := strings.ReplaceAll(string(src), "\r\n", "\n")
	exam := m.Exam
	if exam == "" {
		exam = m.Title
	}
	return &Memo{Parsed: m, Lines: strings.Split(s, "\n"), Exam: exam}
}

// line returns memo line n (1-based), or "".
func (m *Memo) line(n int) string {
	if n < 1 || n > len(m.Lines) {
		return ""
	}
	return m.Lines[n-1]
}

// Existing is a question already in the bank or the questions file, as
// the plan and the duplicate gate see it.
type Existing struct {
	// Domain is its domain.
	Domain int
	// Stem and Answer are its stem and correct option.
	Stem, Answer string
	// Lines are the memo lines it rests on (source or evidence).
	Lines []int
	// Fact is a draft's fact key ("" for other questions).
	Fact string
	// DraftID is a draft's ID ("" for other questions).
	DraftID string
	// Position is a draft's answer position in the file (0-based), -1
	// for other questions.
	Position int
	// Covers says the question covers its facts for the plan (authored,
	// approved or drafted); generated questions only count as duplicates.
	Covers bool
}

// PlanOptions narrow and size a plan.
type PlanOptions struct {
	// Count is how many questions to ask for in all, counting the drafts
	// the questions file already holds (a rerun tops up).
	Count int
	// Domain, when not 0, asks about that domain only.
	Domain int
	// Section, when set, asks only about passages whose breadcrumb holds
	// it (normalised).
	Section string
	// MultiEvery makes one request in MultiEvery, at most, ask for a
	// multi-answer ("choose two") question among its questions: 0 means
	// DefaultMultiEvery, a negative value never.
	MultiEvery int
	// MultiOnly keeps only the requests that ask for a multi-answer
	// question (measuring them; with MultiEvery 1, every passage with
	// enough siblings is asked).
	MultiOnly bool
}

// DefaultMultiEvery is PlanOptions.MultiEvery when unset: about one
// request in five may ask for a multi-answer question, as the exam mixes
// a few "choose two" questions among many "choose one".
const DefaultMultiEvery = 5

// MinMultiKin is the fewest definitions with same-kind kin a passage needs
// for a multi-answer question: two or three correct options and the
// distractors beside them come from siblings.
const MinMultiKin = 3

// DefaultCount is the default --count: enough for a year of weekday
// questions once the gates have dropped their share.
const DefaultCount = 400

// MaxPerRequest bounds the questions one request asks about one passage.
const MaxPerRequest = 3

// runesPerQuestion is the length of notes one question may be asked
// about, when the lines are long. About half the drafts pass the gates
// (measured on three memos, 2026-12-07), so a passage is asked for about
// twice what it can keep; a thin domain (the bundled memo's domain 5 has
// 60 lines) needs that room to reach a year's share.
const runesPerQuestion = 70

// MaxPerPassage bounds the questions asked about one passage; above
// MaxPerRequest they are asked in several requests, each focused on its
// own part of the passage.
const MaxPerPassage = 8

// Ask is one drafting request's subject: a passage and how many questions
// to write about it.
type Ask struct {
	// Passage is the memo passage.
	Passage questions.Passage
	// Count is the number of questions asked (1–MaxPerRequest).
	Count int
	// Kin are distractor candidates from the memo.
	Kin []questions.Kin
	// Asked are the questions already about this passage (not to repeat).
	Asked []Existing
	// Score is what the passage can support (definitions, kin, tables).
	Score float64
	// FocusFirst and FocusLast, when set, are the lines of the passage
	// this request's questions are about (a passage asked in parts).
	FocusFirst, FocusLast int
	// Multi asks for one of the questions to be a multi-answer ("choose
	// two" or "choose three") question, in draftMultiSchema.
	Multi bool
}

// DomainPlan sums a plan's asks in one domain.
type DomainPlan struct {
	// Number and Label name the domain.
	Number int
	Label  string
	// Weight is the domain's exam weight (percent, 0 unknown).
	Weight float64
	// Passages is the number of usable passages; Asked the ones asked about.
	Passages, Asked int
	// Questions is the number of questions asked for.
	Questions int
	// Quota is the share of the count the weights give the domain.
	Quota int
}

// Plan is what a run will ask for, before any request is built.
type Plan struct {
	// Asks are the requests' subjects, in memo order.
	Asks []Ask
	// Domains sums the asks per domain, in domain order.
	Domains []DomainPlan
	// Wanted is the number of questions the plan tried to ask for; Asked
	// the number it found room for.
	Wanted, Asked int
	// Existing is the number of drafts the questions file already holds.
	Existing int
	// Multi is the number of asks that ask for a multi-answer question.
	Multi int
	// Skipped counts passages not asked about, by reason.
	Skipped map[string]int
}

// NewPlan decides which passages to ask about and how many questions each,
// from the memo, the questions already there and the options. It is
// deterministic.
func NewPlan(m *Memo, dr *questions.Drafter, existing []Existing, o PlanOptions) *Plan {
	if o.Count <= 0 {
		o.Count = DefaultCount
	}
	pl := &Plan{Skipped: map[string]int{}}
	for _, e := range existing {
		if e.DraftID != "" {
			pl.Existing++
		}
	}
	pl.Wanted = max(0, o.Count-pl.Existing)
	section := questions.Normalize(o.Section)
	byDomain := map[int][]*Ask{}
	capOf := map[*Ask]int{}
	for _, p := range m.Parsed.Passages(m.Lines) {
		switch {
		case p.Skip != "":
			pl.Skipped[p.Skip]++
			continue
		case p.Domain == questions.OtherDomain || m.Parsed.Domain(p.Domain) == nil:
			pl.Skipped["no exam domain"]++
			continue
		case o.Domain != 0 && p.Domain != o.Domain:
			continue
		case section != "" && !strings.Contains(questions.Normalize(p.Breadcrumb()), section):
			continue
		}
		lines, runes := 0, 0
		for l := p.First; l <= p.Last; l++ {
			if s := strings.TrimSpace(m.line(l)); s != "" && !reImageLine.MatchString(s) {
				lines++
				runes += utf8.RuneCountInString(s)
			}
		}
		// about one question per two lines of notes or per
		// runesPerQuestion characters (long lines carry several facts),
		// at most MaxPerPassage; a lone short line carries none
		capacity := min(MaxPerPassage, max(lines/2, runes/runesPerQuestion))
		if capacity == 0 {
			pl.Skipped["a single line"]++
			continue
		}
		a := &Ask{Passage: p}
		for _, e := range existing {
			if e.Covers && e.coversLines(p.First, p.Last) {
				a.Asked = append(a.Asked, e)
			}
		}
		capacity -= len(a.Asked)
		if capacity <= 0 {
			pl.Skipped["already asked about"]++
			continue
		}
		rows := 0
		for _, t := range p.Tables {
			rows += len(t.Rows)
		}
		a.Score = 3*float64(p.WithKin) + 2*float64(p.Definitions-p.WithKin) + float64(min(rows, 8)) + float64(lines)/4
		capOf[a] = capacity
		byDomain[p.Domain] = append(byDomain[p.Domain], a)
	}
	// quotas by exam weight, over the domains that have passages
	var doms []*questions.Domain
	for _, d := range m.Parsed.Domains {
		if len(byDomain[d.Number]) > 0 {
			doms = append(doms, d)
		}
	}
	quota := splitByWeight(pl.Wanted, doms, func(d *questions.Domain) int {
		c := 0
		for _, a := range byDomain[d.Number] {
			c += capOf[a]
		}
		return c
	})
	for _, d := range m.Parsed.Domains {
		asks := byDomain[d.Number]
		if len(asks) == 0 && (o.Domain != 0 && d.Number != o.Domain || d.Number == questions.OtherDomain) {
			continue
		}
		ranked := append([]*Ask(nil), asks...)
		sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].Score > ranked[j].Score })
		left := quota[d.Number]
		for round := 1; left > 0; round++ {
			gave := false
			for _, a := range ranked {
				if left == 0 {
					break
				}
				if a.Count < capOf[a] && a.Count < round {
					a.Count++
					left--
					gave = true
				}
			}
			if !gave {
				break
			}
		}
		dp := DomainPlan{Number: d.Number, Label: d.Label(), Weight: d.Weight, Passages: len(asks), Quota: quota[d.Number]}
		for _, a := range asks {
			if a.Count > 0 {
				dp.Asked++
				dp.Questions += a.Count
				a.Kin = dr.Kin(a.Passage, 12)
				pl.Asks = append(pl.Asks, split(m, *a)...)
			}
		}
		pl.Asked += dp.Questions
		pl.Domains = append(pl.Domains, dp)
	}
	sort.SliceStable(pl.Asks, func(i, j int) bool { return pl.Asks[i].Passage.First < pl.Asks[j].Passage.First })
	planMulti(pl.Asks, o.MultiEvery)
	if o.MultiOnly {
		pl.Asks = slices.DeleteFunc(pl.Asks, func(a Ask) bool { return !a.Multi })
		pl.Asked = 0
		for _, a := range pl.Asks {
			pl.Asked += a.Count
		}
	}
	pl.Multi = 0
	for _, a := range pl.Asks {
		pl.Multi += btoi(a.Multi)
	}
	return pl
}

// planMulti marks the asks that ask for a multi-answer question: in plan
// order, the first ask of a passage with at least MinMultiKin sibling
// definitions once every asks since the last one reach one in every.
func planMulti(asks []Ask, every int) {
	if every == 0 {
		every = DefaultMultiEvery
	}
	if every < 0 {
		return
	}
	marked := 0
	for i := range asks {
		if (marked+1)*every <= i+1 && asks[i].Passage.WithKin >= MinMultiKin {
			asks[i].Multi = true
			marked++
		}
	}
}

// split cuts an ask of more than MaxPerRequest questions into requests of
// at most MaxPerRequest, each focused on its share of the passage's
// non-empty lines.
func split(m *Memo, a Ask) []Ask {
	n := (a.Count + MaxPerRequest - 1) / MaxPerRequest
	if n <= 1 {
		return []Ask{a}
	}
	var lines []int
	for l := a.Passage.First; l <= a.Passage.Last; l++ {
		if strings.TrimSpace(m.line(l)) != "" {
			lines = append(lines, l)
		}
	}
	out := make([]Ask, 0, n)
	for i := 0; i < n; i++ {
		b := a
		b.Count = a.Count/n + btoi(i < a.Count%n)
		lo, hi := i*len(lines)/n, (i+1)*len(lines)/n-1
		b.FocusFirst, b.FocusLast = lines[lo], lines[hi]
		out = append(out, b)
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// coversLines reports whether any of e's lines is in [first, last].
func (e Existing) coversLines(first, last int) bool {
	for _, l := range e.Lines {
		if l >= first && l <= last {
			return true
		}
	}
	return false
}

// splitByWeight shares n over the domains by weight (equal weights when
// none is known), largest remainder first, never above a domain's capacity;
// what a full domain cannot take goes to the others.
func splitByWeight(n int, doms []*questions.Domain, capacity func(*questions.Domain) int) map[int]int {
	out := map[int]int{}
	open := append([]*questions.Domain(nil), doms...)
	for n > 0 && len(open) > 0 {
		var wsum float64
		for _, d := range open {
			wsum += weightOf(d, doms)
		}
		type share struct {
			d    *questions.Domain
			frac float64
		}
		var shares []share
		given := 0
		for _, d := range open {
			exact := float64(n) * weightOf(d, doms) / wsum
			k := int(math.Floor(exact))
			out[d.Number] += k
			given += k
			shares = append(shares, share{d, exact - float64(k)})
		}
		sort.SliceStable(shares, func(i, j int) bool { return shares[i].frac > shares[j].frac })
		for i := 0; given < n && i < len(shares); i++ {
			out[shares[i].d.Number]++
			given++
		}
		// take back what exceeds a domain's capacity and share it again
		n = 0
		var still []*questions.Domain
		for _, d := range open {
			if c := capacity(d); out[d.Number] > c {
				n += out[d.Number] - c
				out[d.Number] = c
			} else if out[d.Number] < c {
				still = append(still, d)
			}
		}
		open = still
	}
	return out
}

// weightOf is a domain's weight, or the mean weight of the others (1 when
// none is known).
func weightOf(d *questions.Domain, all []*questions.Domain) float64 {
	if d.Weight > 0 {
		return d.Weight
	}
	var sum float64
	n := 0
	for _, x := range all {
		if x.Weight > 0 {
			sum += x.Weight
			n++
		}
	}
	if n == 0 {
		return 1
	}
	return sum / float64(n)
}
