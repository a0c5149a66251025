package web

import (
	"html/template"
	"net/http"

	"github.com/studybot/studybot/bot/render"
)

// plainPage is the small page of a refusal, a failure or a sign-out: a
// title and a line, nothing that helps an attacker.
var plainPage = template.Must(template.New("plain").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Title}} — studybot</title><link rel="stylesheet" href="/admin/assets/style.css"></head>
<body class="plain"><header><nav><strong>studybot</strong></nav></header>
<main><h1>{{.Title}}</h1>{{if .Body}}<p>{{.Body}}</p>{{end}}</main></body></html>
`))

// writePage writes plainPage with status, its texts from the catalog in
// lang (body may be "").
func writePage(w http.ResponseWriter, status int, lang, title, body string) {
	if !render.ValidLang(lang) {
		lang = "ja"
	}
	d := struct{ Lang, Title, Body string }{Lang: lang, Title: render.T(lang, title)}
	if body != "" {
		d.Body = render.T(lang, body)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	plainPage.Execute(w, d)
}
