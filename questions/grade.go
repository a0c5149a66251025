package questions

// IsRight reports whether a choice key is the right answer: for a
// multi-answer question only the exact set of correct options (SetKey of
// the chosen IDs) is right; a partial set, or one with a wrong option
// added, is wrong.
func (q *Question) IsRight(choice string) bool { return choice != "" && choice == q.AnswerKey() }
