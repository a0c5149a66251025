package questions

import "errors"

// Sentinel errors returned by this package. Callers test them with errors.Is.
var (
	// ErrMemoTooLarge is returned by Parse for a memo over MaxMemoBytes.
	ErrMemoTooLarge = errors.New("memo too large")
	// ErrEmptyMemo is returned by Parse when the memo holds no text.
	ErrEmptyMemo = errors.New("memo has no text")
	// ErrNoQuestions is returned when generation keeps no question at all.
	ErrNoQuestions = errors.New("no usable questions")
	// ErrBadConfig is returned for a weights config that cannot be read.
	ErrBadConfig = errors.New("bad memo config")
	// ErrNotFound is returned when a question ID is not in the bank.
	ErrNotFound = errors.New("question not found")
)
