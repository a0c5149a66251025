// Package web is the team's web page for its question bank: an adapter
// beside the console, Slack and Discord, served by the bot itself under
// /admin/ on its --http listener. It signs admins in with one-time links
// minted by /studybot web, keeps a session cookie, checks a CSRF token on
// every change, and renders the Bank, Question, Bulk and Team pages with
// html/template from embedded templates and assets.
//
// It is an adapter: it may import bot, the capability packages and core,
// render and questions, never another adapter, a chat SDK or bbolt.
package web
