package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/questions/draft"
)

// bundledQuestionsFile is where the bundled memo's questions file sits in
// a checkout: drafts from the bundled memo are appended there by default.
const bundledQuestionsFile = "questions/memo/dop-c02.questions.yaml"

// defaultDraftModel is the model the requests name when --model is not
// given (batch files need one; a live backend may map it).
const defaultDraftModel = "gpt-4.1"

// draftRunnerHook, when set, adjusts the Runner of "questions draft" just
// before it runs. Only tests set it, as run takes no clock: they make the
// backoff waits instant and record them (Runner.Sleep). It is nil in the
// program.
var draftRunnerHook func(*draft.Runner)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// draftFlags are the flags of "questions draft".
type draftFlags struct {
	memo     memoFlags
	backend  draftBackendFlags
	count    int
	domain   int
	section  string
	dryRun   bool
	batchOut string
	batchIn  stringList
	seed     int64
	out      string
	// multiEvery and multiOnly plan multi-answer requests (PlanOptions).
	multiEvery int
	multiOnly  bool
}

// runDraft is "studybot questions draft": plan, request, gate, verify and
// append drafted questions to the memo's questions file.
func runDraft(args []string, stdout, stderr io.Writer, getenv env) int {
	fs := flag.NewFlagSet("questions draft", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f draftFlags
	f.memo.register(fs, getenv)
	f.backend.register(fs)
	fs.IntVar(&f.count, "count", draft.DefaultCount, "questions to ask for in all, counting the drafts the questions file holds (a rerun tops up)")
	fs.IntVar(&f.domain, "domain", 0, "ask about domain `N` only")
	fs.StringVar(&f.section, "section", "", "ask only about passages whose breadcrumb holds `PATH`")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the plan, the requests and a token estimate; send nothing")
	fs.StringVar(&f.batchOut, "batch-out", "", "write the requests not answered yet to `FILE` (OpenAI Batch input format); no network")
	fs.Var(&f.batchIn, "batch-in", "read answers from `FILE` (OpenAI Batch output format; repeatable); no network")
	fs.Int64Var(&f.seed, "seed", 1, "`seed` of the verification shuffles and the answer positions")
	fs.IntVar(&f.multiEvery, "multi-every", 0, "let one request in `N` ask for a multi-answer (choose two/three) question (0: the default, one in 5; -1: never)")
	fs.BoolVar(&f.multiOnly, "multi-only", false, "send only the requests that ask for a multi-answer question (for measuring them)")
	fs.StringVar(&f.out, "out", "", "questions `file` to append to (default <memo>.questions.yaml; for the bundled memo "+bundledQuestionsFile+")")
	if _, err := parseInterleaved(fs, args); err != nil {
		return 2
	}
	if f.count <= 0 {
		fmt.Fprint(stderr, "studybot questions draft: --count must be positive\n")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := draftMain(ctx, f, stdout, stderr, getenv, time.Now); err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	return 0
}

// draftOut is the questions file drafts go to.
func (f draftFlags) draftOut() (string, error) {
	switch {
	case f.out != "":
		return f.out, nil
	case f.memo.memo != "":
		return authoredFile(f.memo.memo), nil
	}
	if _, err := os.Stat(bundledQuestionsFile); err == nil {
		return bundledQuestionsFile, nil
	}
	return "", fmt.Errorf("draft: the bundled memo's questions file is not here (%s): run from a checkout or give --out FILE", bundledQuestionsFile)
}

// batchMode reports whether the run reads and writes batch files instead
// of calling a model.
func (f draftFlags) batchMode() bool {
	return f.batchOut != "" || len(f.batchIn) > 0 || f.backend.backend == "batch"
}

// draftMain runs "questions draft" once the flags are read.
func draftMain(ctx context.Context, f draftFlags, stdout, stderr io.Writer, getenv env, now func() time.Time) error {
	bank, err := loadBank(f.memo)
	if err != nil && (bank == nil || !errors.Is(err, questions.ErrNoQuestions)) {
		return err
	}
	src := questions.DefaultMemo()
	if f.memo.memo != "" {
		if src, err = readFileLimit(f.memo.memo, questions.MaxMemoBytes); err != nil {
			return fmt.Errorf("read memo: %w", err)
		}
	}
	out, err := f.draftOut()
	if err != nil {
		return err
	}
	existing, err := existingQuestions(bank, out)
	if err != nil {
		return err
	}
	model := f.backend.model
	if model == "" {
		model = defaultDraftModel
	}
	memo := draft.NewMemo(bank.Memo, src)
	p := &draft.Pipeline{Memo: memo, Drafter: questions.NewDrafter(bank.Memo), Existing: existing, Model: model, Seed: f.seed, Now: now,
		Options: draft.PlanOptions{Count: f.count, Domain: f.domain, Section: f.section, MultiEvery: f.multiEvery, MultiOnly: f.multiOnly}}
	if f.domain != 0 && (bank.Memo.Domain(f.domain) == nil || f.domain == questions.OtherDomain) {
		return fmt.Errorf("draft: the memo has no domain %d", f.domain)
	}
	if f.dryRun {
		pl := p.Plan()
		printPlan(stdout, memo, pl, p.DraftRequests(pl))
		return nil
	}
	cacheDir := f.backend.cacheDir
	if cacheDir == "" {
		cacheDir = strings.TrimSuffix(out, ".questions.yaml") + ".draft-cache"
	}
	cache, err := draft.OpenCache(cacheDir)
	if err != nil {
		return fmt.Errorf("draft: %w", err)
	}
	var backend draft.Backend
	if f.batchMode() {
		answers := draft.NewAnswers()
		for _, name := range f.batchIn {
			rs, err := answers.ReadBatchFile(name)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if err := cache.Put(r); err != nil {
					return fmt.Errorf("draft: cache: %w", err)
				}
			}
		}
		if len(f.batchIn) > 0 {
			fmt.Fprintf(stderr, "batch-in: %d answers read, %d lines with an error (asked again)\n", answers.Len(), answers.Failed())
		}
		backend = &draft.BatchBackend{Answers: answers, Cache: cache}
	} else if backend, err = newDraftBackend(f.backend, getenv); err != nil {
		return err
	}
	p.Runner = &draft.Runner{Backend: backend, Concurrency: f.backend.concurrency, Timeout: f.backend.timeout, Cache: cache}
	if draftRunnerHook != nil {
		draftRunnerHook(p.Runner)
	}
	prog := &draft.Progress{W: stderr, Terminal: isTerminal(stderr)}
	p.Progress = prog
	p.OnRecord = func(r draft.Record) {
		if r.Rule == draft.RuleKept {
			return
		}
		if prog.Terminal {
			fmt.Fprint(stderr, "\r\033[K")
		}
		fmt.Fprintf(stderr, "dropped: %s\n", r)
	}
	res, runErr := p.Run(ctx)
	prog.Finish()
	// what was decided is kept even when the run stopped early
	if res != nil {
		if err := draft.AppendDrafts(out, res.Kept, parseAuthored); err != nil {
			return errors.Join(runErr, err)
		}
		if err := draft.AppendLog(draft.LogFile(out), res.Records); err != nil {
			return errors.Join(runErr, err)
		}
		if f.batchOut != "" {
			if err := draft.WriteBatch(f.batchOut, res.Pending); err != nil {
				return errors.Join(runErr, err)
			}
		}
		printOutcome(stdout, res, out, f)
	}
	return draftHint(runErr, f.backend.backend)
}

// draftHint adds to an error that stopped a run what to check: a bad key
// or credentials, or a model the server does not have, fail every request
// the same way until the user fixes them.
func draftHint(err error, backend string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, draft.ErrAuth) && backend == "bedrock":
		return fmt.Errorf("%w\n  check the AWS credentials (AWS_PROFILE, aws sso login, the role) and the account's access to the model in that region", err)
	case errors.Is(err, draft.ErrAuth):
		return fmt.Errorf("%w\n  check the key in STUDYBOT_LLM_API_KEY (or OPENAI_API_KEY), the account's billing and --base-url", err)
	case errors.Is(err, draft.ErrUnknownModel):
		return fmt.Errorf("%w\n  check --model (a model the server has: for a local server, one it has pulled or serves) and --base-url", err)
	}
	return err
}

// existingQuestions lists what the drafts must not repeat: the bank's
// questions (drafts left out: they come from the file with their
// provenance) and every entry of the questions file drafts go to.
func existingQuestions(bank *questions.Bank, out string) ([]draft.Existing, error) {
	var ex []draft.Existing
	for _, q := range bank.Questions {
		if q.Draft {
			continue
		}
		var texts []string // a multi-answer question's whole set, as a draft's below
		for _, i := range q.CorrectIndexes() {
			texts = append(texts, q.Options[i].Text)
		}
		ex = append(ex, draft.Existing{Domain: q.Domain, Stem: q.Stem, Answer: strings.Join(texts, " + "), Lines: []int{q.Source.Line},
			Covers: q.Type == questions.TypeAuthored || q.Approved, Position: -1})
	}
	b, err := readFileLimit(out, maxAuthoredBytes)
	if errors.Is(err, os.ErrNotExist) {
		return ex, nil
	}
	if err != nil {
		return nil, fmt.Errorf("questions file: %w", err)
	}
	qs, err := parseAuthored(b)
	if err != nil {
		return nil, fmt.Errorf("questions file %s: %w", out, err)
	}
	for _, a := range qs {
		if a.Draft == nil {
			continue // a person's question: in the bank already (or left out by a rule)
		}
		e := draft.Existing{Domain: a.Domain, Stem: a.Stem, DraftID: a.Draft.ID, Fact: a.Draft.Fact, Covers: true, Position: a.Answer}
		if a.Answer >= 0 && a.Answer < len(a.Options) {
			e.Answer = a.Options[a.Answer]
		}
		if a.Choose != 0 { // a multi-answer draft: its set, and no one position to balance
			var texts []string
			for _, i := range a.Answers {
				if i >= 0 && i < len(a.Options) {
					texts = append(texts, a.Options[i])
				}
			}
			e.Answer, e.Position = strings.Join(texts, " + "), -1
		}
		for _, ev := range a.Draft.Evidence {
			e.Lines = append(e.Lines, ev.Line)
		}
		ex = append(ex, e)
	}
	return ex, nil
}

// printPlan prints a dry run: per domain the passages and questions asked,
// the requests and an estimate of the tokens.
func printPlan(w io.Writer, m *draft.Memo, pl *draft.Plan, reqs []draft.Request) {
	fmt.Fprintf(w, "plan: %d questions wanted (%d drafts already in the questions file), %d asked in %d requests\n",
		pl.Wanted+pl.Existing, pl.Existing, pl.Asked, len(reqs))
	fmt.Fprintf(w, "\n  %-44s %7s %9s %9s %6s\n", "domain", "weight", "passages", "asked of", "quota")
	for _, d := range pl.Domains {
		fmt.Fprintf(w, "  %-44s %6.0f%% %9d %5d/%-3d %6d\n", truncate(d.Label, 44), d.Weight, d.Questions, d.Asked, d.Passages, d.Quota)
	}
	fmt.Fprint(w, "  (passages: questions asked; asked of: passages asked about / usable passages)\n")
	if len(pl.Skipped) > 0 {
		fmt.Fprint(w, "\npassages not asked about:\n")
		keys := make([]string, 0, len(pl.Skipped))
		for k := range pl.Skipped {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  %-30s %4d\n", k, pl.Skipped[k])
		}
	}
	if pl.Multi > 0 {
		fmt.Fprintf(w, "\n%d of the requests may ask for a multi-answer (choose two or three) question\n", pl.Multi)
	}
	if pl.Asked < pl.Wanted {
		fmt.Fprintf(w, "\nthe memo has room for %d of the %d questions wanted (at most %d per passage)\n", pl.Asked, pl.Wanted, draft.MaxPerPassage)
	}
	e := draft.EstimateRun(m, pl, reqs)
	fmt.Fprintf(w, "\nrequests: %d drafting, then up to %d verification\n", e.DraftRequests, e.VerifyRequests)
	fmt.Fprintf(w, "tokens (estimate): %d in, %d out\n", e.Input, e.Output)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// printOutcome prints what a run did.
func printOutcome(w io.Writer, res *draft.Outcome, out string, f draftFlags) {
	fmt.Fprintf(w, "drafts: %d asked in %d drafting requests; %d kept and appended to %s", res.Plan.Asked, len(res.Plan.Asks), len(res.Kept), out)
	if res.Already > 0 {
		fmt.Fprintf(w, " (%d already there)", res.Already)
	}
	fmt.Fprintln(w)
	rules := make([]string, 0, len(res.Rules))
	for k := range res.Rules {
		rules = append(rules, k)
	}
	sort.Strings(rules)
	for _, k := range rules {
		fmt.Fprintf(w, "  %-28s %4d\n", k, res.Rules[k])
	}
	if len(res.Kept) > 0 {
		byDomain := map[int]int{}
		var doms []int
		for _, a := range res.Kept {
			if byDomain[a.Domain] == 0 {
				doms = append(doms, a.Domain)
			}
			byDomain[a.Domain]++
		}
		sort.Ints(doms)
		parts := make([]string, len(doms))
		for i, d := range doms {
			parts[i] = fmt.Sprintf("%d: %d", d, byDomain[d])
		}
		fmt.Fprintf(w, "kept by domain: %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "tokens read: %d in, %d out; log: %s\n", res.Usage.Input, res.Usage.Output, draft.LogFile(out))
	switch {
	case len(res.Pending) > 0 && f.batchOut != "":
		fmt.Fprintf(w, "%d requests written to %s (Batch input): send them, then rerun with --batch-in <their output>\n", len(res.Pending), f.batchOut)
	case len(res.Pending) > 0:
		fmt.Fprintf(w, "%d requests not answered yet: rerun (answers so far are cached), or use --batch-out FILE\n", len(res.Pending))
	case f.batchOut != "":
		fmt.Fprintf(w, "every request is answered: %s holds no request\n", f.batchOut)
	}
}
