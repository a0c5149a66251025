package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// Option fields of the edit form: a single-answer question gets
// minOptions (or as many as it has), a multi-answer one maxOptions (the
// exam shows up to six for "choose three").
const (
	minOptions = 4
	maxOptions = questions.MaxMultiOptions
)

// option is one option of the card with its answers.
type option struct {
	Letter  string
	Text    string
	Correct bool
	Chosen  int
}

// passageLine is one line of the memo passage; Evidence marks the lines
// that prove the answer.
type passageLine struct {
	Text     string
	Evidence bool
}

// editOption is one option field of the edit form: its text and whether
// it is marked correct (the radio button, or a multi-answer question's
// checkbox).
type editOption struct {
	Text    string
	Correct bool
}

// editForm is the edit form's values and the errors by field.
type editForm struct {
	Stem      string
	Options   []editOption
	Rationale string
	// Multi shows checkboxes for the correct options (choose is how many
	// are checked) instead of one radio button.
	Multi bool
	// Errors are the quality rules' failures by field: "stem",
	// "options", "answer", "rationale"; Failed is set when any is.
	Errors map[string][]string
	Failed bool
}

// questionData is the question page's data.
type questionData struct {
	base
	Q       *questions.Question
	Type    string
	Status  string
	Flags   string
	Options []option
	Stat    store.ItemStat
	Passage []passageLine
	InBank  bool
	Edit    editForm
	Next    string // the next undecided question's path, "" when none
	// Keep is the bank filter the page was opened with, as "?query" (""
	// for none): its links and forms carry it on.
	Keep      string
	Reason    string
	ReasonErr bool
}

// findQuestion returns the question id of bank, or of the questions the
// review file rejected (inBank false), or nil.
func findQuestion(bank *questions.Bank, id string) (q *questions.Question, inBank bool) {
	if q, err := bank.Get(id); err == nil {
		return q, true
	}
	for _, q := range bank.Rejected {
		if q.ID == id {
			return q, false
		}
	}
	return nil, false
}

// questionView builds the question page of id; nil data when the bank
// has no such question.
func (p *Pages) questionView(s *Session, id string, f filter) (*questionData, error) {
	bank := p.deps.Bank.Bank()
	q, inBank := findQuestion(bank, id)
	if q == nil {
		return nil, nil
	}
	stats, _, err := p.stats(s.Space)
	if err != nil {
		return nil, err
	}
	st := stats[q.ID]
	fl := core.Flags(st)
	d := &questionData{base: newBase(s, "", tr(s.Lang, "q.title", q.ID)), Q: q, Type: typeOf(q), Stat: st, InBank: inBank,
		Flags: bot.JoinFlags(fl), Passage: passage(q.Source), Keep: query(f.values(0))}
	if inBank {
		p.deps.Review.ReadVerdicts(func(approved, rejected func(*questions.Question) bool) {
			d.Status = statusOf(approved(q), rejected(q), st, fl)
		})
	} else {
		d.Status = statusRejected
	}
	chosen := map[string]int{}
	for key, n := range st.Choices {
		for _, id := range questions.SplitSet(key) {
			chosen[id] += n
		}
	}
	for i, o := range q.Options {
		d.Options = append(d.Options, option{Letter: questions.Letter(i), Text: o.Text, Correct: q.IsCorrectIndex(i), Chosen: chosen[o.ID]})
	}
	d.Edit = formOf(q)
	if inBank {
		d.Next, err = p.nextAfter(s, q.ID, f)
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// formOf fills the edit form with a question's own text.
func formOf(q *questions.Question) editForm {
	f := editForm{Stem: q.Stem, Rationale: q.Rationale, Multi: q.Multi(), Options: make([]editOption, fieldCount(q))}
	for i, o := range q.Options {
		if i < len(f.Options) {
			f.Options[i] = editOption{Text: o.Text, Correct: q.IsCorrectIndex(i)}
		}
	}
	return f
}

// fieldCount is how many option fields q's edit form has.
func fieldCount(q *questions.Question) int {
	if q.Multi() {
		return maxOptions
	}
	return min(max(minOptions, len(q.Options)), maxOptions)
}

// passage splits the source's passage (or its quote) into lines and
// marks those holding a line of the quote.
func passage(src questions.Source) []passageLine {
	text := src.Passage
	if text == "" {
		text = src.Quote
	}
	var quote []string
	for l := range strings.SplitSeq(src.Quote, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			quote = append(quote, l)
		}
	}
	var out []passageLine
	shown := make([]bool, len(quote))
	for l := range strings.SplitSeq(text, "\n") {
		ev := false
		for i, ql := range quote {
			if strings.Contains(l, ql) {
				ev, shown[i] = true, true
			}
		}
		out = append(out, passageLine{Text: l, Evidence: ev})
	}
	// a quote line from another passage (a multi-answer question's further
	// sources) follows, after a gap, so that every evidence line shows
	for i, ql := range quote {
		if !shown[i] {
			if len(out) > 0 && out[len(out)-1].Text != "…" {
				out = append(out, passageLine{Text: "…"})
			}
			out = append(out, passageLine{Text: ql, Evidence: true})
		}
	}
	return out
}

// questionPage is GET /admin/q/{id}.
func (p *Pages) questionPage(w http.ResponseWriter, r *http.Request, s *Session) {
	d, err := p.questionView(s, r.PathValue("id"), parseFilter(r.URL.Query()))
	if err != nil {
		p.fail(w, s, http.StatusInternalServerError, "", err)
		return
	}
	if d == nil {
		p.fail(w, s, http.StatusNotFound, tr(s.Lang, "err.unknown", r.PathValue("id")), nil)
		return
	}
	p.flash(&d.base, r.URL.Query())
	p.render(w, s, "question", http.StatusOK, d)
}

// flash sets the page's message from the query a redirect after an
// action carries (did=approved&id=…&where=file).
func (p *Pages) flash(b *base, q url.Values) {
	where := "where." + q.Get("where")
	if q.Get("where") != "file" && q.Get("where") != "db" {
		return
	}
	switch did := q.Get("did"); did {
	case "approved", "rejected", "edited":
		b.Flash = tr(b.Lang, "done."+did, q.Get("id"), tr(b.Lang, where))
	}
}

// next is GET /admin/next?after=ID[&domain=…&type=…&status=…&q=…&sort=…]:
// a redirect to the next undecided question of the filter (the review
// queue without one), or to the bank's list when none is left. Without
// after it is the first: the bank page's "Review these".
func (p *Pages) next(w http.ResponseWriter, r *http.Request, s *Session) {
	f := parseFilter(r.URL.Query())
	path, err := p.nextAfter(s, r.URL.Query().Get("after"), f)
	if err != nil {
		p.fail(w, s, http.StatusInternalServerError, "", err)
		return
	}
	if path == "" {
		path = "/admin/?status=draft"
		if f.narrows() {
			path = "/admin/" + query(f.values(0))
		}
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// decided redirects after a decision on id to the next undecided
// question of the filter the page was opened with (or back to id when
// none is left), saying what was done.
func (p *Pages) decided(w http.ResponseWriter, r *http.Request, s *Session, id, did string, where bot.Recorded) {
	f := parseFilter(r.URL.Query())
	next, err := p.nextAfter(s, id, f)
	if err != nil {
		p.fail(w, s, http.StatusInternalServerError, "", err)
		return
	}
	if next == "" {
		next = "/admin/q/" + url.PathEscape(id) + query(f.values(0))
	}
	seeOther(w, r, next, url.Values{"did": {did}, "id": {id}, "where": {whereKey(where)}})
}

// approve is POST /admin/q/{id}/approve.
func (p *Pages) approve(w http.ResponseWriter, r *http.Request, s *Session) {
	id := r.PathValue("id")
	where, err := p.deps.Review.Decide(s.Space, s.User, id, questions.Approved, "")
	if p.decisionFailed(w, s, id, err) {
		return
	}
	p.decided(w, r, s, id, "approved", where)
}

// reject is POST /admin/q/{id}/reject with a reason; without one the
// page comes back with the error at the reason field.
func (p *Pages) reject(w http.ResponseWriter, r *http.Request, s *Session) {
	id := r.PathValue("id")
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	where, err := p.deps.Review.Decide(s.Space, s.User, id, questions.Rejected, reason)
	if errors.Is(err, bot.ErrNoReason) {
		d, verr := p.questionView(s, id, parseFilter(r.URL.Query()))
		if verr != nil || d == nil {
			p.fail(w, s, http.StatusInternalServerError, "", verr)
			return
		}
		d.ReasonErr, d.Flash, d.Bad = true, tr(s.Lang, "err.reason"), true
		p.render(w, s, "question", http.StatusUnprocessableEntity, d)
		return
	}
	if p.decisionFailed(w, s, id, err) {
		return
	}
	p.decided(w, r, s, id, "rejected", where)
}

// decisionFailed shows the error of a decision, if any, and reports
// whether there was one.
func (p *Pages) decisionFailed(w http.ResponseWriter, s *Session, id string, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, bot.ErrUnknownQuestion):
		p.fail(w, s, http.StatusNotFound, tr(s.Lang, "err.unknown", id), nil)
	default:
		p.fail(w, s, http.StatusInternalServerError, "", err)
	}
	return true
}

// ruleField is the form field a quality rule's failure belongs to.
func ruleField(e *questions.ReviewError) string {
	switch e.Rule {
	case "stem", "negative-stem":
		return "stem"
	case "answer", "answers", "choose", "generic-answer":
		return "answer"
	case "explanation":
		return "rationale"
	case "markup-length":
		if strings.HasPrefix(e.Reason, "stem") {
			return "stem"
		}
		return "options"
	case "leak":
		return "stem"
	}
	return "options"
}

// readForm reads the edit form of q: its fields as typed, and the edit
// they make. Empty option fields are left out (the answers' indexes
// follow); a multi-answer question's answers are the checked options and
// choose is how many are checked, a single-answer question's answer the
// chosen radio button.
func readForm(r *http.Request, q *questions.Question) (editForm, questions.Decision) {
	f := editForm{Stem: strings.TrimSpace(r.PostFormValue("stem")), Rationale: strings.TrimSpace(r.PostFormValue("rationale")), Multi: q.Multi(),
		Options: make([]editOption, fieldCount(q))}
	checked := map[int]bool{}
	if f.Multi {
		for _, v := range r.PostForm["answers"] {
			if i, err := strconv.Atoi(v); err == nil {
				checked[i] = true
			}
		}
	} else if i, err := strconv.Atoi(r.PostFormValue("answer")); err == nil {
		checked[i] = true
	}
	d := questions.Decision{ID: q.ID, Verdict: questions.Edited, Stem: f.Stem, Answer: -1, Explanation: f.Rationale}
	for i := range f.Options {
		f.Options[i] = editOption{Text: strings.TrimSpace(r.PostFormValue("option" + strconv.Itoa(i))), Correct: checked[i]}
		if f.Options[i].Text == "" {
			continue
		}
		if checked[i] {
			d.Answer = len(d.Options)
			d.Answers = append(d.Answers, len(d.Options))
		}
		d.Options = append(d.Options, f.Options[i].Text)
	}
	if f.Multi {
		d.Answer, d.Choose = 0, len(d.Answers)
	} else {
		d.Answers = nil
	}
	return f, d
}

// edit is POST /admin/q/{id}/edit: every quality rule runs on the edited
// question; on a failure the form comes back with the errors by field
// and nothing is saved.
func (p *Pages) edit(w http.ResponseWriter, r *http.Request, s *Session) {
	id := r.PathValue("id")
	bank := p.deps.Bank.Bank()
	q, inBank := findQuestion(bank, id)
	if q == nil || !inBank {
		p.fail(w, s, http.StatusNotFound, tr(s.Lang, "err.unknown", id), nil)
		return
	}
	f, d := readForm(r, q)
	var problems []*questions.ReviewError
	if f.Multi && (d.Choose < questions.MinChoose || d.Choose > questions.MaxChoose) {
		problems = []*questions.ReviewError{{ID: id, Rule: "answers", Reason: tr(s.Lang, "edit.checkn", d.Choose)}}
	}
	var where bot.Recorded
	var err error
	if problems == nil {
		where, problems, err = p.deps.Review.EditQuestion(s.Space, s.User, d)
	}
	if p.decisionFailed(w, s, id, err) {
		return
	}
	if len(problems) > 0 {
		v, verr := p.questionView(s, id, parseFilter(r.URL.Query()))
		if verr != nil || v == nil {
			p.fail(w, s, http.StatusInternalServerError, "", verr)
			return
		}
		f.Errors, f.Failed = map[string][]string{}, true
		for _, e := range problems {
			k := ruleField(e)
			f.Errors[k] = append(f.Errors[k], e.Rule+": "+e.Reason)
		}
		v.Edit = f
		v.Flash, v.Bad = tr(s.Lang, "edit.failed"), true
		p.render(w, s, "question", http.StatusUnprocessableEntity, v)
		return
	}
	seeOther(w, r, "/admin/q/"+url.PathEscape(id)+query(parseFilter(r.URL.Query()).values(0)), url.Values{"did": {"edited"}, "id": {id}, "where": {whereKey(where)}})
}
