package draft

import (
	"sync"
	"testing"

	"github.com/studybot/studybot/questions"
)

var (
	bundledOnce sync.Once
	bundled     *questions.Memo
	bundledErr  error
)

// bundledMemo returns the bundled memo, parsed once for the package's tests.
func bundledMemo(t *testing.T) *Memo {
	t.Helper()
	bundledOnce.Do(func() {
		bundled, bundledErr = questions.Parse(questions.DefaultMemo(), questions.ParseOptions{Config: questions.DefaultConfig()})
	})
	if bundledErr != nil {
		t.Fatal(bundledErr)
	}
	return NewMemo(bundled, questions.DefaultMemo())
}

// parseMemo parses a memo given as text.
func parseMemo(t *testing.T, src string) *Memo {
	t.Helper()
	m, err := questions.Parse([]byte(src), questions.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return NewMemo(m, []byte(src))
}
