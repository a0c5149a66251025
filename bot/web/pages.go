package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/digest"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

//go:embed templates/*.html
var templateFS embed.FS

// BankSource gives the pages the current question bank (*bot.Bot).
type BankSource interface {
	// Bank returns the current bank; a reload may replace it at any time.
	Bank() *questions.Bank
}

// Reviewer reads and records review decisions the way /studybot review
// does (*bot.Bot, over bot/curate): the review file when it can be
// written, else the database.
type Reviewer interface {
	// ReadVerdicts calls f with the verdicts read under one lock.
	ReadVerdicts(f func(approved, rejected func(*questions.Question) bool))
	// Decide records a verdict (a rejection with its reason).
	Decide(sp core.Space, user, qid string, v questions.Verdict, reason string) (bot.Recorded, error)
	// EditQuestion checks an edit with every quality rule and records it
	// when all pass; the failures otherwise.
	EditQuestion(sp core.Space, user string, d questions.Decision) (bot.Recorded, []*questions.ReviewError, error)
}

// Stats reads the answers' figures (*store.DB).
type Stats interface {
	// ItemStats returns how each question did.
	ItemStats(q store.ItemQuery) ([]store.ItemStat, error)
}

// Team gives the team page its figures (*bot.Bot, over bot/learn and
// bot/digest).
type Team interface {
	// TeamReadiness is the space's readiness per domain at a time.
	TeamReadiness(sp core.Space, at time.Time) (core.TeamReadiness, error)
	// TeamWeek counts the space's week so far against the week before.
	TeamWeek(sp core.Space, lang string, now time.Time, name func(user string) string) (digest.Week, error)
}

// Deps are what the pages read and change. Bank, Review, Stats and Team
// are required.
type Deps struct {
	// Bank is the question bank.
	Bank BankSource
	// Review reads and records decisions.
	Review Reviewer
	// Stats reads the answers' figures.
	Stats Stats
	// Team gives readiness, the week and streaks.
	Team Team
	// Now is the clock (default time.Now).
	Now func() time.Time
	// StatsFresh is how long the answers' figures of a space are served
	// as they are (default DefaultStatsFresh); older ones are still served
	// while one background read replaces them, so only a space's first
	// request waits for the store. They change only as people answer;
	// reading them costs about 20 ms on 100k answers (BENCHMARKS.md) and
	// grows with the answers stored.
	StatsFresh time.Duration
	// Name shows a user on the team page (default: the user ID).
	Name func(user string) string
	// Log receives errors (default: discard).
	Log *slog.Logger
}

// DefaultStatsFresh is Deps.StatsFresh when unset: short, since a read
// is cheap (store.ItemStats decodes no post and no answer record), so a
// new answer shows within seconds; a decision shows at once either way
// (statuses are not cached).
const DefaultStatsFresh = 10 * time.Second

// ErrDeps is returned by NewPages when a required dependency is missing.
var ErrDeps = errors.New("web: Bank, Review, Stats and Team are required")

// Pages serves the Bank, Question, Bulk and Team pages under /admin/ for
// a signed-in admin (SessionFrom); it checks no session or CSRF token
// itself (the sign-in layer around it does).
type Pages struct {
	deps  Deps
	tmpl  map[string]map[string]*template.Template // by language, then page
	mux   *http.ServeMux
	cache statsCache
}

// pageNames are the templates, one file each beside layout.html.
var pageNames = []string{"bank", "question", "bulk", "team", "error"}

// NewPages parses the embedded templates and returns the pages.
func NewPages(d Deps) (*Pages, error) {
	if d.Bank == nil || d.Review == nil || d.Stats == nil || d.Team == nil {
		return nil, ErrDeps
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.StatsFresh <= 0 {
		d.StatsFresh = DefaultStatsFresh
	}
	if d.Name == nil {
		d.Name = func(u string) string { return u }
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	p := &Pages{deps: d, tmpl: map[string]map[string]*template.Template{}}
	for lang := range texts {
		p.tmpl[lang] = map[string]*template.Template{}
		for _, name := range pageNames {
			t, err := template.New("layout.html").Funcs(funcs(lang)).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
			if err != nil {
				return nil, fmt.Errorf("web: template %s: %w", name, err)
			}
			p.tmpl[lang][name] = t
		}
	}
	m := http.NewServeMux()
	m.HandleFunc("GET "+AssetsPath, serveAsset)
	m.HandleFunc("GET /admin/{$}", p.signed(p.bankPage))
	m.HandleFunc("GET /admin/q/{id}", p.signed(p.questionPage))
	m.HandleFunc("POST /admin/q/{id}/approve", p.signed(p.approve))
	m.HandleFunc("POST /admin/q/{id}/reject", p.signed(p.reject))
	m.HandleFunc("POST /admin/q/{id}/edit", p.signed(p.edit))
	m.HandleFunc("GET /admin/next", p.signed(p.next))
	m.HandleFunc("GET /admin/bulk", p.signed(p.bulkPage))
	m.HandleFunc("POST /admin/bulk", p.signed(p.bulkPost))
	m.HandleFunc("GET /admin/team", p.signed(p.teamPage))
	m.HandleFunc("GET /admin/team/chart.png", p.signed(p.teamChart))
	p.mux = m
	return p, nil
}

// Close waits for the background reads of the answers' figures (see
// Deps.StatsFresh) and makes later ones synchronous. The pages still
// serve after Close.
func (p *Pages) Close() error {
	p.cache.close()
	return nil
}

// ServeHTTP serves the pages; paths are full ("/admin/…").
func (p *Pages) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// signed passes the request's session to h, or answers 403 without one;
// a POST's body is bounded by maxForm (a bulk decision on maxBulk
// question IDs fits many times over).
func (p *Pages) signed(h func(w http.ResponseWriter, r *http.Request, s *Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := SessionFrom(r.Context())
		if !ok {
			http.Error(w, tr("ja", "err.forbidden")+" / "+tr("en", "err.forbidden"), http.StatusForbidden)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		}
		h(w, r, s)
	}
}

// base is what every page shows around its content.
type base struct {
	// Lang is the page's language.
	Lang string
	// CSRF is the token every form carries.
	CSRF string
	// User is the signed-in admin.
	User string
	// Nav names the current page ("bank", "bulk", "team", "").
	Nav string
	// Title is the page's title.
	Title string
	// Flash is a message about the last action; Bad marks it an error.
	Flash string
	Bad   bool
}

// newBase returns the frame of a page for session s.
func newBase(s *Session, nav, title string) base {
	return base{Lang: langOf(s.Lang), CSRF: s.CSRF, User: s.User, Nav: nav, Title: title}
}

// render executes page's template with data and writes it with status.
func (p *Pages) render(w http.ResponseWriter, s *Session, page string, status int, data any) {
	var buf bytes.Buffer
	if err := p.tmpl[langOf(s.Lang)][page].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		p.deps.Log.Error("web: render", "page", page, "err", err)
		http.Error(w, tr(s.Lang, "err.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorData is the error page's data.
type errorData struct {
	base
	Message string
}

// fail shows an error page with status; an internal error is logged and
// shown as the friendly text.
func (p *Pages) fail(w http.ResponseWriter, s *Session, status int, msg string, err error) {
	if err != nil {
		p.deps.Log.Error("web", "err", err)
	}
	if status == http.StatusInternalServerError {
		msg = tr(s.Lang, "err.internal")
	}
	d := errorData{base: newBase(s, "", msg), Message: msg}
	p.render(w, s, "error", status, d)
}

// seeOther redirects a POST to the page that shows its result.
func seeOther(w http.ResponseWriter, r *http.Request, path string, q url.Values) {
	if len(q) > 0 {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + q.Encode()
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// whereKey names where a decision went, for the flash text.
func whereKey(r bot.Recorded) string {
	if r == bot.InFile {
		return "file"
	}
	return "db"
}

// funcs are the templates' helpers in lang.
func funcs(lang string) template.FuncMap {
	pct := func(x float64) string { return strconv.Itoa(int(math.Round(x*100))) + "%" }
	return template.FuncMap{
		"t":   func(key string, args ...any) string { return tr(lang, key, args...) },
		"pct": pct,
		"share": func(s store.ItemStat) string {
			if s.Answered == 0 {
				return "-"
			}
			return pct(s.Difficulty)
		},
		"disc": discText,
		"conf": func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) },
		"domain": func(n int) string {
			if n == questions.OtherDomain {
				return tr(lang, "domain.other")
			}
			return tr(lang, "domain.n", n)
		},
		"status": func(s string) string { return tr(lang, "status."+s) },
		"typ":    func(s string) string { return typeName(lang, s) },
		"expl":   explanationBlocks,
		"qpath":  func(id string) string { return "/admin/q/" + url.PathEscape(id) },
		"letter": questions.Letter,
		"when":   func(t time.Time) string { return t.Format("2006-01-02 15:04") },
		"day":    func(t time.Time) string { return t.Format("2006-01-02") },
		"itoa":   strconv.Itoa,
		"errs":   func(m map[string][]string, k string) []string { return m[k] },
	}
}

// NewBotPages returns the pages over a running bot: its bank, its review
// decisions (the review file it was configured with, else its store), its
// store's figures and its team readiness and week, on its clock. The
// program mounts the result inside the sign-in layer, and calls Close
// before it closes the store.
func NewBotPages(b *bot.Bot, log *slog.Logger) (*Pages, error) {
	return NewPages(Deps{Bank: b, Review: b, Stats: b.Store(), Team: b, Now: b.Now, Log: log})
}
