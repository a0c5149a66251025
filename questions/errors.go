package questions

import "errors"

// Sentinel errors returned by this package. Callers test them with errors.Is.
var (
	// ErrMemoTooLarge is returned by Parse for a memo over MaxMemoBytes.
	ErrMemoTooLarge = errors.New("memo too large")
	// ErrMemoTooComplex is returned by Parse (and CheckBudget) for a memo
	// whose shape would cost far more memory or time to read than its size
	// suggests: a line, a paragraph's markup or a table over its limit.
	ErrMemoTooComplex = errors.New("memo too complex")
	// ErrEncoding is returned by Parse (and DecodeMemo) for a memo that is
	// not UTF-8 (nor UTF-16 with a byte order mark).
	ErrEncoding = errors.New("memo is not UTF-8")
	// ErrEmptyMemo is returned by Parse when the memo holds no text.
	ErrEmptyMemo = errors.New("memo has no text")
	// ErrNoQuestions is returned when generation keeps no question at all.
	ErrNoQuestions = errors.New("no usable questions")
	// ErrBadConfig is returned for a weights config that cannot be read.
	ErrBadConfig = errors.New("bad memo config")
	// ErrNotFound is returned when a question ID is not in the bank.
	ErrNotFound = errors.New("question not found")
)
