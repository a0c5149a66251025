package store

import "strings"

// choiceSeparator joins the option IDs of a choice key, the answer to a
// question with more than one answer; it is questions.SetSeparator (store
// does not import questions).
const choiceSeparator = "+"

// knownChoice reports whether every option ID of choice key key is one of
// options: a single option ID, or several joined by choiceSeparator.
func knownChoice(options []string, key string) bool {
	if key == "" {
		return false
	}
	for _, id := range strings.Split(key, choiceSeparator) {
		found := false
		for _, o := range options {
			found = found || o == id
		}
		if !found {
			return false
		}
	}
	return true
}

// snapshotOptions returns the option IDs of a snapshot in display order.
func snapshotOptions(s Snapshot) []string {
	ids := make([]string, len(s.Options))
	for i, o := range s.Options {
		ids[i] = o.ID
	}
	return ids
}
