package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
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
