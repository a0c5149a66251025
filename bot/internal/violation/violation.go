// Package violation records what a fake platform saw a client send that
// the real platform would refuse, and fails the test that drove it. The
// Slack and Discord fakes share it.
package violation

import "sync"

// TB is the part of testing.TB that Verify uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Log is a concurrency-safe list of violations. The zero value is ready.
type Log struct {
	mu   sync.Mutex
	list []string
}

// Add records violations.
func (l *Log) Add(v ...string) {
	if len(v) == 0 {
		return
	}
	l.mu.Lock()
	l.list = append(l.list, v...)
	l.mu.Unlock()
}

// List returns the violations recorded so far.
func (l *Log) List() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.list...)
}

// Verify fails tb, when the test ends, for every violation recorded by
// then, each prefixed with who saw it ("slackfake", "discordfake").
func (l *Log) Verify(tb TB, who string) {
	tb.Cleanup(func() {
		tb.Helper()
		for _, v := range l.List() {
			tb.Errorf("%s: %s", who, v)
		}
	})
}
