package questions

// Provenance marks an authored question as a draft a language model wrote
// (studybot questions draft) and says where it came from. A draft is an
// authored question in every other way: it passes the same rules, and the
// team's review approves, rejects or edits it by ID.
type Provenance struct {
	// ID identifies the draft across reruns: a hash of the request that
	// produced it and its place in the answer.
	ID string
	// Backend and Model say who wrote it ("openai", "bedrock", "batch").
	Backend, Model string
	// Date is the day it was written (YYYY-MM-DD).
	Date string
	// Evidence are the memo lines the model quoted to prove the answer,
	// verbatim, with their line numbers.
	Evidence []Evidence
	// Fact is the model's short key of the fact asked (duplicates).
	Fact string
	// Difficulty is the model's guess: easy, medium or hard.
	Difficulty string
	// Doubt is the model's note that a memo line looks wrong or out of
	// date; a draft with a doubt is never posted before a person approves
	// it.
	Doubt string
}

// Evidence is one memo line a draft rests on.
type Evidence struct {
	// Line is the 1-based memo line.
	Line int
	// Text is the quote as found in the memo.
	Text string
}
