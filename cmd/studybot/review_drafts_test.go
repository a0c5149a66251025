package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReviewedBadDraftsNotPosted: every drafted question a blind reviewer
// found BAD on the bundled memo
// (questions/testdata/review/*-bundled-bad-drafts.jsonl)
// is out of the bundled bank — dropped by a gate added since, or rejected
// in the memo's config — so the daily post never draws it.
func TestReviewedBadDraftsNotPosted(t *testing.T) {
	files, err := filepath.Glob("../../questions/testdata/review/*-bundled-bad-drafts.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad-draft files: %v", err)
	}
	b, err := loadBank(memoFlags{}) // the bundled memo, its config and questions file, as a run loads them
	if err != nil {
		t.Fatal(err)
	}
	stems := map[string]string{}
	for _, q := range b.Questions {
		stems[q.Stem] = q.ID
	}
	n := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var c struct {
				DraftID  string `json:"draft_id"`
				Category string `json:"category"`
				Stem     string `json:"stem"`
			}
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			n++
			if id, ok := stems[c.Stem]; ok {
				t.Errorf("%s: draft %s (BAD: %s) is in the bank as %s", filepath.Base(f), c.DraftID, c.Category, id)
			}
		}
		fh.Close()
	}
	if n == 0 {
		t.Error("no BAD drafts read")
	}
}

// TestDraftsQuoteTheMemo: every draft of the bundled bank, as a run loads
// it, quotes the memo in its explanation; a draft whose evidence is a table
// row (no source: line) quotes that row, without the table's bars (blind
// review b1 found four drafts quoting nothing).
func TestDraftsQuoteTheMemo(t *testing.T) {
	b, err := loadBank(memoFlags{})
	if err != nil {
		t.Fatal(err)
	}
	drafts := 0
	for _, q := range b.Questions {
		if !q.Draft {
			continue
		}
		drafts++
		if !strings.Contains(q.Explanation, "\n> ") || q.Source.Quote == "" || q.Source.Line == 0 {
			t.Errorf("draft %s quotes no memo line:\n%s", q.ID, q.Explanation)
		}
		if strings.HasPrefix(q.Source.Quote, "|") {
			t.Errorf("draft %s quotes a raw table row: %q", q.ID, q.Source.Quote)
		}
	}
	if drafts < 200 {
		t.Fatalf("%d drafts in the bundled bank, want the shipped ones", drafts)
	}
}
