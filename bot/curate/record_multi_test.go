package curate

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// TestRecordEditMultiInStore: with no review file to take it, an edit that
// makes a question choose-two is kept in the store with its answers and
// choose, so that "questions review --export" writes a multi-answer entry.
func TestRecordEditMultiInStore(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := &Curate{Core: &core.Core{DB: db}}
	d := questions.Decision{ID: "qm", Verdict: questions.Edited, Stem: "Choose two.", Options: []string{"a", "b", "c", "d", "e"},
		Answer: 1, Answers: []int{1, 3}, Choose: 2, Explanation: "why"}
	if where, err := b.record("adm", d); err != nil || where != InStore {
		t.Fatalf("record: %v %v", where, err)
	}
	ds, err := db.ReviewDecisions()
	if err != nil || len(ds) != 1 {
		t.Fatalf("decisions %+v %v", ds, err)
	}
	if r := ds[0]; r.Choose != 2 || !reflect.DeepEqual(r.Answers, []int{1, 3}) || r.Answer != nil {
		t.Errorf("kept %+v, want answers [1 3] choose 2 and no single answer (the questions file refuses both)", r)
	}
}
