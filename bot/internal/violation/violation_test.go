package violation

import (
	"fmt"
	"sync"
	"testing"
)

type recorder struct {
	errs     []string
	cleanups []func()
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

func TestLogVerify(t *testing.T) {
	var l Log
	var rec recorder
	l.Verify(&rec, "slackfake")
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); l.Add(fmt.Sprintf("v%d", i)) }()
	}
	wg.Wait()
	l.Add() // nothing
	if len(rec.errs) != 0 {
		t.Fatal("Verify failed the test before it ended")
	}
	for _, f := range rec.cleanups {
		f()
	}
	if len(rec.errs) != 10 || len(l.List()) != 10 || rec.errs[0][:11] != "slackfake: " {
		t.Errorf("errs = %v", rec.errs)
	}
}
