package main

import (
	"testing"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// TestSetSeparatorsAgree: the store splits choice keys with the separator
// questions joins them with (neither package imports the other).
func TestSetSeparatorsAgree(t *testing.T) {
	if store.SetSeparator != questions.SetSeparator {
		t.Fatalf("store %q, questions %q", store.SetSeparator, questions.SetSeparator)
	}
	key := questions.SetKey([]string{"d4", "b2"})
	if got := store.SplitChoice(key); len(got) != 2 || got[0] != "b2" || got[1] != "d4" || !store.IsSetChoice(key) {
		t.Errorf("SplitChoice(%q) = %v", key, got)
	}
}
