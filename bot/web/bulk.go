package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/questions"
)

// maxBulk bounds the questions one bulk POST decides.
const maxBulk = maxPerPage

// bulkPage is GET /admin/bulk: the bank's filtered list with a checkbox
// per question, and approve / reject-with-reason for the checked ones.
func (p *Pages) bulkPage(w http.ResponseWriter, r *http.Request, s *Session) {
	d, err := p.bankView(r, s, "bulk", tr(s.Lang, "bulk.title"))
	if err != nil {
		p.fail(w, s, http.StatusInternalServerError, "", err)
		return
	}
	d.Action = "/admin/bulk" + query(d.HiddenQry)
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("changed")); err == nil {
		where := "where.file"
		if q.Get("where") == "db" {
			where = "where.db"
		}
		d.Flash = tr(s.Lang, "bulk.changed", n, tr(s.Lang, where))
		if sk := q.Get("skipped"); sk != "" {
			d.Flash += " " + tr(s.Lang, "bulk.skipped", len(strings.Split(sk, ",")), sk)
			d.Bad = true
		}
	}
	if q.Get("none") != "" {
		d.Flash, d.Bad = tr(s.Lang, "bulk.noneselect"), true
	}
	p.render(w, s, "bulk", http.StatusOK, d)
}

// bulkPost is POST /admin/bulk: verdict=approved or rejected (with
// reason) on every checked id, in one request; it redirects back to the
// same filtered list saying how many changed.
func (p *Pages) bulkPost(w http.ResponseWriter, r *http.Request, s *Session) {
	if err := r.ParseForm(); err != nil {
		p.fail(w, s, http.StatusBadRequest, err.Error(), nil)
		return
	}
	back := url.Values{}
	for k, v := range r.URL.Query() {
		if k != "changed" && k != "skipped" && k != "where" && k != "none" {
			back[k] = v
		}
	}
	ids := r.PostForm["id"]
	if len(ids) == 0 {
		back.Set("none", "1")
		seeOther(w, r, "/admin/bulk", back)
		return
	}
	if len(ids) > maxBulk {
		ids = ids[:maxBulk]
	}
	v := questions.Verdict(r.PostFormValue("verdict"))
	reason := "" // the first reason typed: the form has one above the list and one below
	for _, s := range r.PostForm["reason"] {
		if reason = strings.TrimSpace(s); reason != "" {
			break
		}
	}
	if v != questions.Approved && v != questions.Rejected {
		p.fail(w, s, http.StatusBadRequest, "verdict: approved or rejected", nil)
		return
	}
	if v == questions.Rejected && reason == "" {
		d, err := p.bankView(r, s, "bulk", tr(s.Lang, "bulk.title"))
		if err != nil {
			p.fail(w, s, http.StatusInternalServerError, "", err)
			return
		}
		d.Action = "/admin/bulk" + query(d.HiddenQry)
		d.Flash, d.Bad = tr(s.Lang, "err.reason"), true
		p.render(w, s, "bulk", http.StatusUnprocessableEntity, d)
		return
	}
	changed := 0
	where := bot.InFile
	var skipped []string
	for _, id := range ids {
		wh, err := p.deps.Review.Decide(s.Space, s.User, id, v, reason)
		switch {
		case err == nil:
			changed++
			if wh == bot.InStore {
				where = bot.InStore
			}
		case errors.Is(err, bot.ErrUnknownQuestion):
			skipped = append(skipped, id)
		default:
			p.fail(w, s, http.StatusInternalServerError, "", err)
			return
		}
	}
	back.Set("changed", strconv.Itoa(changed))
	back.Set("where", whereKey(where))
	if len(skipped) > 0 {
		back.Set("skipped", strings.Join(skipped, ","))
	}
	seeOther(w, r, "/admin/bulk", back)
}
