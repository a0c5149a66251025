// Package learn is personal review: each user's FSRS card per memo item
// (Record, after any answer), /review and its settings, review reminders
// by DM, readiness in /stats, and the team readiness that /studybot
// insights and the weekly digest show.
//
// It must not import bot or another capability; it reads the pools and
// the bank through bot/core, and others reach it through their own small
// interfaces (quiz.Learner, curate.Team, digest.Team).
package learn
