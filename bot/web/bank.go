package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Statuses a question shows in the bank, most urgent first.
const (
	statusRejected = "rejected"
	statusReported = "reported"
	statusFlagged  = "flagged"
	statusApproved = "approved"
	statusDraft    = "draft"
)

// statuses lists the statuses in the filter's order.
var statuses = []string{statusDraft, statusApproved, statusRejected, statusFlagged, statusReported}

// typeDrafted is the type a model-drafted question shows (an authored
// question with a provenance).
const typeDrafted = "drafted"

// perPage is the bank's default page size; maxPerPage bounds ?n=.
const (
	perPage    = 100
	maxPerPage = 1000
)

// searchLimit is how many memo passages a search takes.
const searchLimit = 50

// row is one question of the bank table.
type row struct {
	Q      *questions.Question
	Type   string
	Status string
	Stat   store.ItemStat
	Flags  []core.Flag
	// InBank is false for a question the review file rejected (out of the
	// bank, listed from Bank.Rejected).
	InBank bool
	// Decided is set when the question is approved or rejected (its
	// Status may still say flagged or reported).
	Decided bool
}

// statusOf returns a question's status: rejected (by the review file or
// in chat), reported (someone used /report), flagged (its answers say
// look again), approved, else draft (awaiting review).
func statusOf(approved, rejected bool, s store.ItemStat, flags []core.Flag) string {
	switch {
	case rejected:
		return statusRejected
	case s.Reporters > 0:
		return statusReported
	case len(flags) > 0:
		return statusFlagged
	case approved:
		return statusApproved
	}
	return statusDraft
}

// typeOf returns the type a question shows: its question type, or
// "drafted" for a model's draft.
func typeOf(q *questions.Question) string {
	if q.Draft {
		return typeDrafted
	}
	return string(q.Type)
}

// rows returns every question of bank — the review file's rejected ones
// after the rest — with its status and figures.
func (p *Pages) rows(bank *questions.Bank, stats map[string]store.ItemStat) []row {
	top := bank.Top(0)
	out := make([]row, 0, len(top)+len(bank.Rejected))
	p.deps.Review.ReadVerdicts(func(approved, rejected func(*questions.Question) bool) {
		for _, q := range top {
			s := stats[q.ID]
			fl := core.Flags(s)
			ap, rj := approved(q), rejected(q)
			out = append(out, row{Q: q, Type: typeOf(q), Status: statusOf(ap, rj, s, fl), Stat: s, Flags: fl, InBank: true, Decided: ap || rj})
		}
	})
	for _, q := range bank.Rejected {
		s := stats[q.ID]
		out = append(out, row{Q: q, Type: typeOf(q), Status: statusRejected, Stat: s, Flags: core.Flags(s), Decided: true})
	}
	return out
}

// filter is the bank's query: what to show, in which order, which page.
type filter struct {
	Domain string // a domain number, or "" for any
	Type   string
	Status string
	Sort   string
	Search string
	Page   int
	N      int
	// Path is the page the filter belongs to ("/admin/" or "/admin/bulk").
	Path string
}

// sorts are the orders the bank offers (the first is the default).
var sorts = []string{"rank", "id", "domain", "type", "status", "confidence", "posts", "correct", "disc"}

// parseFilter reads a filter from the query string; unknown values fall
// back to the defaults.
func parseFilter(q url.Values) filter {
	f := filter{Domain: q.Get("domain"), Type: q.Get("type"), Status: q.Get("status"), Sort: q.Get("sort"),
		Search: strings.TrimSpace(q.Get("q")), Page: 1, N: perPage}
	if _, err := strconv.Atoi(f.Domain); err != nil {
		f.Domain = ""
	}
	if !slices.Contains(sorts, f.Sort) {
		f.Sort = sorts[0]
	}
	if !slices.Contains(statuses, f.Status) {
		f.Status = ""
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		f.Page = n
	}
	if n, err := strconv.Atoi(q.Get("n")); err == nil && n > 0 {
		f.N = min(n, maxPerPage)
	}
	if len(f.Search) > 200 {
		f.Search = f.Search[:200]
	}
	return f
}

// values returns the filter as a query string, with page set to page (0:
// none).
func (f filter) values(page int) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("domain", f.Domain)
	set("type", f.Type)
	set("status", f.Status)
	if f.Sort != sorts[0] {
		v.Set("sort", f.Sort)
	}
	set("q", f.Search)
	if f.N != perPage {
		v.Set("n", strconv.Itoa(f.N))
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

// apply narrows rows to the filter and sorts them. A search keeps the
// questions made from the memo passages the lookup index finds for it
// (by the passage's memo line), or the question whose ID it is.
func (f filter) apply(bank *questions.Bank, rows []row) []row {
	var lines map[int]bool
	if f.Search != "" {
		lines = map[int]bool{}
		if bank.Index != nil {
			for _, r := range bank.Index.Search(f.Search, searchLimit) {
				lines[r.Doc.Line] = true
			}
		}
	}
	out := make([]row, 0, len(rows))
	for _, r := range rows {
		if f.Domain != "" && strconv.Itoa(r.Q.Domain) != f.Domain || f.Type != "" && r.Type != f.Type || f.Status != "" && r.Status != f.Status {
			continue
		}
		if lines != nil && !lines[r.Q.Source.Line] && r.Q.ID != f.Search {
			continue
		}
		out = append(out, r)
	}
	statusRank := func(s string) int { return slices.Index(statuses, s) }
	// answered questions by share correct, unanswered last
	correct := func(r row) float64 {
		if r.Stat.Answered == 0 {
			return 2
		}
		return r.Stat.Difficulty
	}
	disc := func(r row) float64 {
		if !r.Stat.DiscriminationOK {
			return 2
		}
		return r.Stat.Discrimination
	}
	var by func(a, b row) int
	switch f.Sort {
	case "id":
		by = func(a, b row) int { return cmp.Compare(a.Q.ID, b.Q.ID) }
	case "domain":
		by = func(a, b row) int { return cmp.Compare(a.Q.Domain, b.Q.Domain) }
	case "type":
		by = func(a, b row) int { return cmp.Compare(a.Type, b.Type) }
	case "status":
		by = func(a, b row) int { return cmp.Compare(statusRank(a.Status), statusRank(b.Status)) }
	case "confidence":
		by = func(a, b row) int { return cmp.Compare(a.Q.Confidence, b.Q.Confidence) }
	case "posts":
		by = func(a, b row) int { return cmp.Compare(b.Stat.Posted, a.Stat.Posted) }
	case "correct":
		by = func(a, b row) int { return cmp.Compare(correct(a), correct(b)) }
	case "disc":
		by = func(a, b row) int { return cmp.Compare(disc(a), disc(b)) }
	}
	if by != nil {
		slices.SortStableFunc(out, by)
	}
	return out
}

// bankData is the bank page's data.
type bankData struct {
	base
	Filter    filter
	Rows      []row
	Total     int // questions in the bank (and rejected by the file)
	Matched   int // after the filter
	From, To  int // the rows shown, 1-based
	Prev      string
	Next      string
	Domains   []*questions.Domain
	Types     []string
	Statuses  []string
	Sorts     []string
	StatsAt   time.Time
	Action    string // the bulk form's action ("" on the bank page)
	HiddenQry url.Values
	// Review starts the next key's walk at the first undecided question
	// of the filter ("Review these").
	Review string
}

// bankView builds the bank table for request r: rows filtered, sorted
// and cut to one page.
func (p *Pages) bankView(r *http.Request, s *Session, nav, title string) (bankData, error) {
	bank := p.deps.Bank.Bank()
	stats, at, err := p.stats(s.Space)
	if err != nil {
		return bankData{}, err
	}
	f := parseFilter(r.URL.Query())
	f.Path = "/admin/"
	if nav == "bulk" {
		f.Path = "/admin/bulk"
	}
	all := p.rows(bank, stats)
	rows := f.apply(bank, all)
	d := bankData{base: newBase(s, nav, title), Filter: f, Total: len(all), Matched: len(rows), Domains: bank.Memo.Domains,
		Statuses: statuses, Sorts: sorts, StatsAt: at, HiddenQry: f.values(f.Page), Review: "/admin/next" + query(f.values(0))}
	for _, t := range questions.Types {
		d.Types = append(d.Types, string(t))
	}
	d.Types = append(d.Types, typeDrafted)
	pages := max(1, (len(rows)+f.N-1)/f.N)
	if f.Page > pages {
		f.Page = pages
		d.Filter.Page = pages
	}
	lo := (f.Page - 1) * f.N
	hi := min(lo+f.N, len(rows))
	d.Rows = rows[lo:hi]
	d.From, d.To = lo+1, hi
	if len(rows) == 0 {
		d.From = 0
	}
	path := f.Path
	if f.Page > 1 {
		d.Prev = path + query(f.values(f.Page-1))
	}
	if f.Page < pages {
		d.Next = path + query(f.values(f.Page+1))
	}
	return d, nil
}

// query returns "?v" or "" for empty values.
func query(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// bankPage is GET /admin/: every question in one table.
func (p *Pages) bankPage(w http.ResponseWriter, r *http.Request, s *Session) {
	d, err := p.bankView(r, s, "bank", tr(s.Lang, "bank.title"))
	if err != nil {
		p.fail(w, s, http.StatusInternalServerError, "", err)
		return
	}
	p.render(w, s, "bank", http.StatusOK, d)
}

// discText prints a discrimination figure (bot.FormatDiscrimination).
func discText(s store.ItemStat) string { return bot.FormatDiscrimination(s) }

// SortURL is the bank (or bulk) page's path sorted by key, the other
// filters kept.
func (f filter) SortURL(key string) string {
	g := f
	g.Sort = key
	return f.Path + query(g.values(0))
}

// KeepN reports whether the filter form must carry the page size (?n=),
// which it has no field for.
func (f filter) KeepN() bool { return f.N != perPage }
