package draft

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/studybot/studybot/questions"
)

// Pipeline drafts questions about one memo: it plans, builds the drafting
// requests, gates the answers, builds a verification request for each
// draft that passed, and returns the drafts that passed it too. Every step
// is deterministic from the memo, the questions already there, the options
// and the seed, so a run can stop anywhere (a batch round, a failed call)
// and the next run with the same inputs resumes where the answers end.
type Pipeline struct {
	// Memo is the memo drafted from.
	Memo *Memo
	// Drafter indexes the memo's kin (questions.NewDrafter).
	Drafter *questions.Drafter
	// Existing are the questions already in the bank and the questions file.
	Existing []Existing
	// Options size and narrow the plan.
	Options PlanOptions
	// Model is the model name the requests name.
	Model string
	// Seed decides the verification shuffles and the answer positions.
	Seed int64
	// Runner sends the requests.
	Runner *Runner
	// Now dates the drafts' provenance.
	Now func() time.Time
	// Progress, when set, shows the run's progress.
	Progress *Progress
	// OnRecord, when set, is called with every verdict as it is decided.
	OnRecord func(Record)
}

// Outcome is what a run decided.
type Outcome struct {
	// Plan is the plan the requests came from.
	Plan *Plan
	// Kept are the new drafts, ready to append to the questions file.
	Kept []questions.Authored
	// Already counts drafts the questions file already holds (a rerun).
	Already int
	// Pending are the requests no backend answered yet: a batch run writes
	// them to --batch-out, a live run asks them again when rerun.
	Pending []Request
	// Records are the verdicts, one per draft (and per failed request).
	Records []Record
	// Rules counts the verdicts by rule.
	Rules map[string]int
	// Usage sums the tokens of the answers read (cached ones included).
	Usage Usage
	// Requests counts the requests built (drafting and verification).
	Requests int
}

// candidate is one drafted question on its way through the gates.
type candidate struct {
	id    string
	req   Request
	ask   *Ask
	d     Drafted
	ev    []questions.Evidence
	resp  Response
	perm  []int
	fp    fingerprint
	a     questions.Authored
	order int
}

// Plan returns the run's plan.
func (p *Pipeline) Plan() *Plan {
	return NewPlan(p.Memo, p.Drafter, p.Existing, p.Options)
}

// DraftRequests returns the drafting requests of a plan, in plan order.
func (p *Pipeline) DraftRequests(pl *Plan) []Request {
	reqs := make([]Request, len(pl.Asks))
	for i, a := range pl.Asks {
		reqs[i] = draftRequest(p.Memo, p.Model, a)
	}
	return reqs
}

// run sends reqs and returns the results by key.
func (p *Pipeline) run(ctx context.Context, reqs []Request) (map[string]Result, error) {
	res := make(map[string]Result, len(reqs))
	p.Progress.addTotal(len(reqs))
	err := p.Runner.Run(ctx, reqs, func(r Result) {
		res[r.Request.Key] = r
		tok := 0
		if r.Err == nil {
			tok = r.Response.Usage.Input + r.Response.Usage.Output
		}
		p.Progress.done(tok, r.Err != nil && errors.Is(r.Err, errUnanswered))
	})
	return res, err
}

// Run plans, drafts, gates and verifies. It returns the outcome so far
// even with an error that stopped the run (bad credentials, an unknown
// model, a cancelled context): what was answered is kept.
func (p *Pipeline) Run(ctx context.Context) (*Outcome, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	pl := p.Plan()
	out := &Outcome{Plan: pl, Rules: map[string]int{}}
	reqs := p.DraftRequests(pl)
	out.Requests = len(reqs)
	record := func(r Record) {
		r.Time = now().UTC().Format(time.RFC3339)
		out.Records = append(out.Records, r)
		out.Rules[r.Rule]++
		if r.Rule == RuleKept {
			p.Progress.kept()
		} else {
			p.Progress.dropped()
		}
		if p.OnRecord != nil {
			p.OnRecord(r)
		}
	}
	results, runErr := p.run(ctx, reqs)

	var bank []fingerprint
	have := map[string]bool{}
	positions := [4]int{}
	for _, e := range p.Existing {
		bank = append(bank, newFingerprint(e.Stem, e.Answer, e.Fact))
		if e.DraftID != "" {
			have[e.DraftID] = true
			if e.Position >= 0 && e.Position < 4 {
				positions[e.Position]++
			}
		}
	}
	var cands []*candidate
	for i, req := range reqs {
		ask := &pl.Asks[i]
		r, ok := results[req.Key]
		if !ok || errors.Is(r.Err, errUnanswered) {
			out.Pending = append(out.Pending, req)
			continue
		}
		if r.Err != nil {
			switch {
			case errors.Is(r.Err, ErrRefused):
				record(Record{ID: req.Key, Request: req.Key, Domain: ask.Passage.Domain, Rule: RuleRefused, Reason: r.Err.Error()})
			case errors.Is(r.Err, ErrMalformed):
				record(Record{ID: req.Key, Request: req.Key, Domain: ask.Passage.Domain, Rule: RuleMalformed, Reason: r.Err.Error()})
			default:
				out.Pending = append(out.Pending, req)
			}
			continue
		}
		out.Usage.Input += r.Response.Usage.Input
		out.Usage.Output += r.Response.Usage.Output
		var ans Answer
		if err := decodeStrict(r.Response.Content, &ans); err != nil {
			record(Record{ID: req.Key, Request: req.Key, Domain: ask.Passage.Domain, Rule: RuleMalformed, Reason: err.Error(),
				Backend: r.Response.Backend, Model: r.Response.Model})
			continue
		}
		for j, d := range ans.Questions {
			c := &candidate{id: hashOf(10, req.Key, strconv.Itoa(j)), req: req, ask: ask, d: d, resp: r.Response, order: len(cands)}
			if have[c.id] {
				out.Already++
				continue
			}
			if j >= ask.Count {
				record(c.record(RuleSchema, fmt.Sprintf("question %d of %d asked", j+1, ask.Count)))
				continue
			}
			if rule, why := p.gate(c, bank); rule != "" {
				record(c.record(rule, why))
				continue
			}
			bank = append(bank, c.fp)
			cands = append(cands, c)
		}
	}
	if runErr != nil {
		out.Pending = append(out.Pending, p.verifyRequests(cands)...)
		return out, runErr
	}
	vreqs := p.verifyRequests(cands)
	out.Requests += len(vreqs)
	vres, runErr := p.run(ctx, vreqs)
	for i, c := range cands {
		r, ok := vres[vreqs[i].Key]
		if !ok || r.Err != nil && !errors.Is(r.Err, ErrRefused) && !errors.Is(r.Err, ErrMalformed) {
			out.Pending = append(out.Pending, vreqs[i])
			continue
		}
		if r.Err != nil {
			rule := RuleVerifyMalformed
			if errors.Is(r.Err, ErrRefused) {
				rule = RuleRefused
			}
			record(c.record(rule, r.Err.Error()))
			continue
		}
		out.Usage.Input += r.Response.Usage.Input
		out.Usage.Output += r.Response.Usage.Output
		if rule, why := checkVerdict(c, r.Response.Content); rule != "" {
			record(c.record(rule, why))
			continue
		}
		a := c.authored(now(), p.Model, p.Seed, &positions)
		out.Kept = append(out.Kept, a)
		rec := c.record(RuleKept, "")
		rec.Doubt = c.d.Doubt != ""
		record(rec)
	}
	return out, runErr
}

// verifyRequests builds the verification requests of the candidates.
func (p *Pipeline) verifyRequests(cands []*candidate) []Request {
	out := make([]Request, len(cands))
	for i, c := range cands {
		out[i] = verifyRequest(p.Memo, p.Model, p.Seed, c)
	}
	return out
}

// gate runs every gate before verification on c, in order: schema,
// evidence, answer cue, the shared quality rules, duplicates. It returns
// the rule that drops c, or "".
func (p *Pipeline) gate(c *candidate, bank []fingerprint) (rule, reason string) {
	m := p.Memo
	if why := checkSchema(m, c.d); why != "" {
		return RuleSchema, why
	}
	for _, quote := range c.d.Evidence {
		for raw := range strings.SplitSeq(quote, "\n") {
			if strings.TrimSpace(raw) == "" {
				continue
			}
			e, why := m.findQuote(c.ask.Passage, raw)
			if why != "" {
				return RuleEvidence, why
			}
			c.ev = append(c.ev, e)
		}
	}
	if len(c.ev) == 0 {
		return RuleEvidence, "no evidence line"
	}
	if why := evidenceTooLong(c.ev); why != "" {
		return RuleEvidence, why
	}
	if c.multi() && !c.ask.Multi {
		return RuleSchema, "a multi-answer question the request did not ask for"
	}
	for _, i := range c.correct() {
		if c.d.Doubt == "" && !m.supported(c.d.Options[i], c.ev) {
			return RuleEvidence, fmt.Sprintf("the answer %q does not rest on the quoted lines", short(c.d.Options[i]))
		}
	}
	if why := checkCue(c.d); why != "" {
		return RuleAnswerCue, why
	}
	c.a = questions.Authored{Domain: c.d.Domain, Stem: c.d.Stem, Options: c.d.Options, Answer: c.d.Answer,
		Explanation: c.d.Explanation, Source: m.sourceOf(c.ev)}
	if c.multi() {
		c.a.Answers, c.a.Choose = c.correct(), c.d.Choose
		c.a.Answer = c.a.Answers[0]
		// a multi-answer question's evidence is its quotes, which the
		// questions file keeps in its draft: block
		c.a.Draft = &questions.Provenance{Evidence: c.ev}
	}
	if err := m.Parsed.CheckAuthored(c.a); err != nil {
		var ae *questions.AuthoredError
		if errors.As(err, &ae) {
			return RuleQualityPrefix + ae.Rule, ae.Reason
		}
		return RuleQualityPrefix + "other", err.Error()
	}
	c.fp = newFingerprint(c.d.Stem, c.answerText(), c.d.Fact)
	if why := dupOf(c.fp, bank); why != "" {
		return RuleDuplicate, why
	}
	return "", ""
}

// sourceOf picks the authored question's source from the evidence: the
// text of the first quoted line that is a memo item, or "" (the domain).
func (m *Memo) sourceOf(ev []questions.Evidence) string {
	for _, e := range ev {
		if it := m.Parsed.ItemAt(e.Line); it != nil && it.Text != "" && m.Parsed.FindLine(it.Text) == e.Line {
			return it.Text
		}
	}
	return ""
}

// multi reports whether the draft is a multi-answer question.
func (c *candidate) multi() bool { return c.d.Choose > 1 }

// correct returns the indexes of the draft's correct options, sorted.
func (c *candidate) correct() []int {
	if !c.multi() {
		return []int{c.d.Answer}
	}
	out := append([]int(nil), c.d.Answers...)
	sort.Ints(out)
	return out
}

// answerText is the correct option's text, or the correct options' joined
// by " + " (duplicates compare it).
func (c *candidate) answerText() string {
	var t []string
	for _, i := range c.correct() {
		t = append(t, c.d.Options[i])
	}
	return strings.Join(t, " + ")
}

// authored turns a verified candidate into the questions file's entry: its
// options in the model's order, rotated so the answer lands on the
// position drafts have used least (ties by seed). A multi-answer draft's
// options are shuffled by seed instead (models put the correct ones
// first), and count in no position.
func (c *candidate) authored(now time.Time, model string, seed int64, positions *[4]int) questions.Authored {
	n := len(c.d.Options)
	if c.multi() {
		perm := permutation(seed, "position "+c.id, n) // perm[i]: the drafted option shown at i
		opts := make([]string, n)
		at := make([]int, n)
		for i, k := range perm {
			opts[i], at[k] = c.d.Options[k], i
		}
		a := c.a
		a.Options, a.Answers = opts, nil
		for _, k := range c.correct() {
			a.Answers = append(a.Answers, at[k])
		}
		sort.Ints(a.Answers)
		a.Answer = a.Answers[0]
		a.Draft = c.provenance(now, model)
		return a
	}
	best, start := 0, int(seeded(seed, "position", c.id)%uint64(n))
	for k := 0; k < n; k++ {
		i := (start + k) % n
		if k == 0 || positions[i] < positions[best] {
			best = i
		}
	}
	positions[best]++
	rot := (best - c.d.Answer + n) % n
	opts := make([]string, n)
	for i, o := range c.d.Options {
		opts[(i+rot)%n] = o
	}
	a := c.a
	a.Options, a.Answer = opts, best
	a.Draft = c.provenance(now, model)
	return a
}

// provenance is a kept draft's draft: block.
func (c *candidate) provenance(now time.Time, model string) *questions.Provenance {
	mdl := c.resp.Model
	if mdl == "" {
		mdl = model
	}
	return &questions.Provenance{ID: c.id, Backend: c.resp.Backend, Model: mdl, Date: now.Format("2006-01-02"),
		Evidence: c.ev, Fact: c.d.Fact, Difficulty: c.d.Difficulty, Doubt: c.d.Doubt}
}

// record is a verdict about c.
func (c *candidate) record(rule, reason string) Record {
	return Record{ID: c.id, Request: c.req.Key, Domain: c.ask.Passage.Domain, Rule: rule, Reason: reason,
		Stem: c.d.Stem, Fact: c.d.Fact, Backend: c.resp.Backend, Model: c.resp.Model}
}
