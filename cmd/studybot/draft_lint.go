package main

import (
	"fmt"
	"io"
	"os"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/questions/draft"
)

// draftsLogFor is the drafts log "questions draft" writes for a memo:
// beside its questions file (for the bundled memo, beside the bundled
// questions file when run from a checkout; "" elsewhere).
func draftsLogFor(memo string) string {
	if memo != "" {
		return draft.LogFile(authoredFile(memo))
	}
	if _, err := os.Stat(bundledQuestionsFile); err == nil {
		return draft.LogFile(bundledQuestionsFile)
	}
	return ""
}

// printDraftsLint prints lint's drafts section: the drafted questions in
// the bank (with a doubt, approved), and the drafts log's verdicts: kept
// and dropped by rule, the latest verdict per draft.
func printDraftsLint(w io.Writer, bank *questions.Bank, memo string) {
	n, doubt, doubtApproved, approved := 0, 0, 0, 0
	for _, q := range bank.Questions {
		if !q.Draft {
			continue
		}
		n++
		if q.Approved {
			approved++
		}
		if q.Doubt != "" {
			doubt++
			if q.Approved {
				doubtApproved++
			}
		}
	}
	fmt.Fprintf(w, "\ndrafted questions (questions draft): %d in the bank, %d approved, %d with a doubt (%d of them approved; the others are never posted)\n",
		n, approved, doubt, doubtApproved)
	path := draftsLogFor(memo)
	if path == "" {
		return
	}
	s, ok, err := draft.SummarizeFile(path)
	switch {
	case err != nil:
		fmt.Fprintf(w, "  drafts log: %v\n", err)
		return
	case !ok:
		return
	}
	fmt.Fprintf(w, "  drafts log %s: %d drafts decided, %d kept (%d with a doubt), %d dropped\n", path, s.Drafts, s.Kept, s.Doubt, s.Drafts-s.Kept)
	for _, r := range s.Rules() {
		fmt.Fprintf(w, "    %-28s %4d\n", r, s.Dropped[r])
	}
}
