package draft_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studybot/studybot/questions/draft"
	"github.com/studybot/studybot/questions/draft/drafttest"
)

// fixedNow is a clock that does not move: with sleeps, every wait a
// Runner computes is exactly what it asked for.
func fixedNow() time.Time { return time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) }

// sleeps records the waits a Runner asks for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

// sleep is a Runner.Sleep that records d and returns at once.
func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

// all returns the waits recorded.
func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// requests returns n requests with keys k0…k(n-1).
func requests(n int) []draft.Request {
	var reqs []draft.Request
	for i := range n {
		reqs = append(reqs, testRequest(fmt.Sprintf("k%d", i)))
	}
	return reqs
}

// keyOf finds the key a test request's user message carries.
func keyOf(r drafttest.ChatRequest) string {
	u := r.User()
	i := strings.LastIndex(u, "(")
	return strings.TrimSuffix(u[i+1:], ")")
}

// collect runs r and returns the results delivered, by key. The callback
// writes to a map without a lock, so -race catches concurrent calls.
func collect(t *testing.T, ctx context.Context, r *draft.Runner, reqs []draft.Request) (map[string]draft.Result, error) {
	t.Helper()
	got := map[string]draft.Result{}
	err := r.Run(ctx, reqs, func(res draft.Result) {
		if _, dup := got[res.Request.Key]; dup {
			t.Errorf("%s delivered twice", res.Request.Key)
		}
		got[res.Request.Key] = res
	})
	return got, err
}

func TestRunnerRetries(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	srv.Script(drafttest.RateLimited("7"), drafttest.ServerError(), drafttest.Answer(`{"ok":true}`))
	var sl sleeps
	r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{}), Sleep: sl.sleep, Now: fixedNow, Jitter: func() float64 { return 0.5 }}
	got, err := collect(t, context.Background(), r, requests(1))
	if err != nil {
		t.Fatal(err)
	}
	res := got["k0"]
	if res.Err != nil || res.Response.Content != `{"ok":true}` || res.Attempts != 3 || res.Cached {
		t.Errorf("result = %+v", res)
	}
	if srv.Calls() != 3 {
		t.Errorf("calls = %d, want 3", srv.Calls())
	}
	// A Retry-After of hours is cut to 10 minutes.
	srv.Script(drafttest.RateLimited("86400"), drafttest.Answer(`{}`))
	var long sleeps
	r.Sleep = long.sleep
	if _, err := collect(t, context.Background(), r, requests(1)); err != nil {
		t.Fatal(err)
	}
	if w := long.all(); fmt.Sprint(w) != "[10m0s]" {
		t.Errorf("waits = %v, want [10m0s]", w)
	}
	// Retry-After 7s beats the first rate-limit backoff (1s jittered to
	// 0.75s); the first server-error backoff is 1s jittered to 0.75s.
	if w := sl.all(); fmt.Sprint(w) != "[7s 750ms]" {
		t.Errorf("waits = %v, want [7s 750ms]", w)
	}
}

func TestRunnerBackoffCapped(t *testing.T) {
	for _, tt := range []struct {
		jitter float64
		want   string
	}{
		{0, "[500ms 1s 1.5s 1.5s 1.5s]"},
		{0.999999, "[999.9995ms 1.999999s 2.9999985s 2.9999985s 2.9999985s]"},
	} {
		srv := drafttest.NewOpenAIServer(t)
		srv.Respond(func(drafttest.ChatRequest) drafttest.Outcome { return drafttest.ServerError() })
		var sl sleeps
		r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{}), Sleep: sl.sleep,
			BaseDelay: time.Second, MaxDelay: 3 * time.Second, Jitter: func() float64 { return tt.jitter }}
		got, err := collect(t, context.Background(), r, requests(1))
		if err != nil {
			t.Fatal(err)
		}
		if res := got["k0"]; !errors.Is(res.Err, draft.ErrServer) || res.Attempts != 6 {
			t.Errorf("result = %+v, want ErrServer after 6 attempts", res)
		}
		if srv.Calls() != 6 {
			t.Errorf("calls = %d, want 6 (1 + 5 retries)", srv.Calls())
		}
		if w := fmt.Sprint(sl.all()); w != tt.want {
			t.Errorf("jitter %v: waits = %s, want %s", tt.jitter, w, tt.want)
		}
	}
}

// TestRunnerDeliversDropsAndGoesOn checks that refused and malformed
// answers are results, and the run goes on.
func TestRunnerDeliversDropsAndGoesOn(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	srv.Respond(func(r drafttest.ChatRequest) drafttest.Outcome {
		switch keyOf(r) {
		case "k0":
			return drafttest.Refusal("no")
		case "k1":
			return drafttest.Truncated(`{"a":`)
		case "k2":
			return drafttest.BadRequest("context too long")
		}
		return drafttest.Answer(`{"ok":true}`)
	})
	var sl sleeps
	r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{}), Sleep: sl.sleep, Concurrency: 2}
	got, err := collect(t, context.Background(), r, requests(6))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Fatalf("delivered %d, want 6", len(got))
	}
	want := map[string]error{"k0": draft.ErrRefused, "k1": draft.ErrMalformed, "k2": draft.ErrRefused}
	for key, res := range got {
		if w := want[key]; (w == nil && res.Err != nil) || !errors.Is(res.Err, w) {
			t.Errorf("%s: err = %v, want %v", key, res.Err, w)
		}
	}
	if srv.Calls() != 6 || len(sl.all()) != 0 {
		t.Errorf("calls %d waits %v: nothing is retried", srv.Calls(), sl.all())
	}
}

func TestRunnerFatalStops(t *testing.T) {
	for _, tt := range []struct {
		name string
		out  drafttest.Outcome
		want error
	}{
		{"bad key", drafttest.Unauthorized(), draft.ErrAuth},
		{"unknown model", drafttest.ModelNotFound("gpt-test"), draft.ErrUnknownModel},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := drafttest.NewOpenAIServer(t)
			srv.Script(drafttest.Answer(`{"ok":true}`))
			srv.Respond(func(drafttest.ChatRequest) drafttest.Outcome { return tt.out })
			var sl sleeps
			r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{}), Sleep: sl.sleep, Concurrency: 2}
			got, err := collect(t, context.Background(), r, requests(50))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Run = %v, want %v", err, tt.want)
			}
			for key, res := range got {
				if res.Err != nil {
					t.Errorf("%s delivered with %v: a fatal error is returned, not delivered", key, res.Err)
				}
			}
			// Promptly: the first answer, then per worker at most a call under
			// way when the error arrives and one started before the cancel.
			if c := srv.Calls(); c > 5 {
				t.Errorf("calls = %d after a fatal error, want at most 5", c)
			}
			if len(sl.all()) != 0 {
				t.Errorf("a fatal error was retried: waits %v", sl.all())
			}
		})
		t.Run(tt.name+", one at a time", func(t *testing.T) {
			// one worker starts nothing after the fatal answer: the first
			// answer and the fatal one are all the server sees, every time
			for range 20 {
				srv := drafttest.NewOpenAIServer(t)
				srv.Script(drafttest.Answer(`{"ok":true}`))
				srv.Respond(func(drafttest.ChatRequest) drafttest.Outcome { return tt.out })
				r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{}), Sleep: (&sleeps{}).sleep, Concurrency: 1}
				if _, err := collect(t, context.Background(), r, requests(50)); !errors.Is(err, tt.want) {
					t.Fatalf("Run = %v, want %v", err, tt.want)
				}
				if c := srv.Calls(); c != 2 {
					t.Fatalf("calls = %d with one worker, want 2 (a request after the fatal one costs money)", c)
				}
			}
		})
	}
}

// TestRunnerConcurrencyBound checks, at the fake server, that no more than
// Concurrency calls are in flight and that that many are used.
func TestRunnerConcurrencyBound(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	release := make(chan struct{})
	srv.Hold(func(drafttest.ChatRequest) { <-release })
	r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{}), Concurrency: 3}
	done := make(chan error)
	var got map[string]draft.Result
	go func() {
		var err error
		got, err = collect(t, context.Background(), r, requests(12))
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for srv.InFlight() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("in flight = %d, never reached 3", srv.InFlight())
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(got) != 12 || srv.Calls() != 12 {
		t.Errorf("delivered %d, calls %d; want 12", len(got), srv.Calls())
	}
	if m := srv.MaxInFlight(); m != 3 {
		t.Errorf("max in flight = %d, want 3", m)
	}
}

// TestRunnerCacheResume interrupts a run, tears one cached answer as a
// crash would, and checks that the rerun pays only for what has no answer.
func TestRunnerCacheResume(t *testing.T) {
	dir := t.TempDir()
	answer := func(r drafttest.ChatRequest) drafttest.Outcome {
		return drafttest.Answer(`{"key":"` + keyOf(r) + `"}`)
	}
	srv := drafttest.NewOpenAIServer(t)
	srv.Respond(answer)
	reqs := requests(10)

	cache, err := draft.OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	first := map[string]bool{}
	r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{}), Cache: cache, Concurrency: 2}
	err = r.Run(ctx, reqs, func(res draft.Result) {
		if res.Err != nil || res.CacheErr != nil {
			t.Errorf("%s: %v %v", res.Request.Key, res.Err, res.CacheErr)
		}
		first[res.Request.Key] = true
		if len(first) == 4 {
			cancel() // the user presses ^C
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Run = %v", err)
	}
	if len(first) < 4 || len(first) == 10 {
		t.Fatalf("first run delivered %d", len(first))
	}

	// A crash tore one kept answer.
	var torn string
	for key := range first {
		torn = key
		break
	}
	if err := os.WriteFile(filepath.Join(dir, torn+".json"), []byte(`{"key":"`+torn+`","cont`), 0o600); err != nil {
		t.Fatal(err)
	}

	cache2, err := draft.OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The rerun talks to a server of its own, so a call the interrupted run
	// cancelled on its way cannot be counted against the rerun.
	srv2 := drafttest.NewOpenAIServer(t)
	srv2.Respond(answer)
	r2 := &draft.Runner{Backend: newOpenAI(t, srv2, draft.OpenAIConfig{}), Cache: cache2, Concurrency: 2}
	got, err := collect(t, context.Background(), r2, reqs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Fatalf("rerun delivered %d, want 10", len(got))
	}
	for key, res := range got {
		if res.Err != nil || res.Response.Content != `{"key":"`+key+`"}` {
			t.Errorf("%s: %+v", key, res)
		}
		if want := first[key] && key != torn; res.Cached != want {
			t.Errorf("%s: cached = %t, want %t", key, res.Cached, want)
		}
	}
	paidAgain := map[string]bool{}
	for _, req := range srv2.Requests() {
		paidAgain[keyOf(req)] = true
	}
	for key := range first {
		if paidAgain[key] && key != torn {
			t.Errorf("%s was answered in the first run and paid for again", key)
		}
	}
	if want := 10 - len(first) + 1; srv2.Calls() != want {
		t.Errorf("rerun made %d calls, want %d (the unanswered and the torn one)", srv2.Calls(), want)
	}

	// A third run is free.
	before := srv2.Calls()
	if _, err := collect(t, context.Background(), r2, reqs); err != nil || srv2.Calls() != before {
		t.Errorf("third run: err %v, %d calls", err, srv2.Calls()-before)
	}
}

// stuckBackend never answers its first call before the call's deadline,
// then answers the rest.
type stuckBackend struct {
	mu    sync.Mutex
	calls int
}

// Name names the backend.
func (b *stuckBackend) Name() string { return "stuck" }

// Complete waits out the first call's context and answers the others.
func (b *stuckBackend) Complete(ctx context.Context, req draft.Request) (draft.Response, error) {
	b.mu.Lock()
	b.calls++
	n := b.calls
	b.mu.Unlock()
	if n == 1 {
		<-ctx.Done()
		return draft.Response{}, ctx.Err()
	}
	return draft.Response{Key: req.Key, Content: "{}"}, nil
}

func TestRunnerTimeoutRetried(t *testing.T) {
	var sl sleeps
	b := &stuckBackend{}
	r := &draft.Runner{Backend: b, Timeout: 20 * time.Millisecond, Sleep: sl.sleep}
	got, err := collect(t, context.Background(), r, requests(1))
	if err != nil {
		t.Fatal(err)
	}
	if res := got["k0"]; res.Err != nil || res.Attempts != 2 {
		t.Errorf("result = %+v, want an answer on the second attempt", res)
	}
	if len(sl.all()) != 1 {
		t.Errorf("waits = %v, want one backoff", sl.all())
	}
}

// TestRunnerGivesUp checks that a server failing every request ends the
// run instead of spending every request's retries.
func TestRunnerGivesUp(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	srv.Respond(func(drafttest.ChatRequest) drafttest.Outcome { return drafttest.ServerError() })
	var sl sleeps
	r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{}), Sleep: sl.sleep, Concurrency: 1, MaxRetries: 1, GiveUpAfter: 2}
	got, err := collect(t, context.Background(), r, requests(20))
	if !errors.Is(err, draft.ErrServer) || !strings.Contains(err.Error(), "giving up") {
		t.Fatalf("Run = %v", err)
	}
	if len(got) != 2 {
		t.Errorf("delivered %d, want 2", len(got))
	}
	if c := srv.Calls(); c > 6 {
		t.Errorf("calls = %d, want at most 6", c)
	}
}

func TestRunnerCancelled(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{})}
	got, err := collect(t, ctx, r, requests(3))
	if !errors.Is(err, context.Canceled) || len(got) != 0 || srv.Calls() != 0 {
		t.Errorf("Run = %v, delivered %d, calls %d", err, len(got), srv.Calls())
	}
	// Cancelled while waiting to retry: the wait ends, nothing is delivered.
	srv.Respond(func(drafttest.ChatRequest) drafttest.Outcome { return drafttest.RateLimited("1") })
	ctx, cancel = context.WithCancel(context.Background())
	r.Sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}
	got, err = collect(t, ctx, r, requests(1))
	if !errors.Is(err, context.Canceled) || len(got) != 0 {
		t.Errorf("Run = %v, delivered %v", err, got)
	}
}

// TestRunnerSameKeyOnce checks that requests with one key are paid once
// and each is delivered.
func TestRunnerSameKeyOnce(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	reqs := append(requests(2), testRequest("k0"), testRequest("k0"))
	r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{})}
	var got []draft.Result
	if err := r.Run(context.Background(), reqs, func(res draft.Result) { got = append(got, res) }); err != nil {
		t.Fatal(err)
	}
	cached := 0
	for _, res := range got {
		if res.Err != nil || res.Response.Content != "{}" {
			t.Errorf("%+v", res)
		}
		if res.Cached {
			cached++
		}
	}
	if len(got) != 4 || cached != 2 || srv.Calls() != 2 {
		t.Errorf("delivered %d (%d cached), calls %d; want 4 (2), 2", len(got), cached, srv.Calls())
	}
}

// errBackend fails every request with err.
type errBackend struct{ err error }

// Name names the backend.
func (b errBackend) Name() string { return "err" }

// Complete fails.
func (b errBackend) Complete(context.Context, draft.Request) (draft.Response, error) {
	return draft.Response{}, b.err
}

// TestRunnerUnclassifiedStops checks that an error wrapping no sentinel (a
// request the backend cannot build) stops the run rather than repeating on
// every request.
func TestRunnerUnclassifiedStops(t *testing.T) {
	boom := errors.New("openai: request k0: schema is not a JSON object")
	r := &draft.Runner{Backend: errBackend{boom}, Concurrency: 1}
	got, err := collect(t, context.Background(), r, requests(5))
	if !errors.Is(err, boom) || len(got) != 0 {
		t.Errorf("Run = %v, delivered %d", err, len(got))
	}

	// The OpenAI backend reports a broken schema that way.
	srv := drafttest.NewOpenAIServer(t)
	req := testRequest("k0")
	req.Schema = []byte(`{"type":`)
	r = &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{})}
	if _, err := collect(t, context.Background(), r, []draft.Request{req}); err == nil || draft.Retryable(err) || srv.Calls() != 0 {
		t.Errorf("Run = %v, calls %d", err, srv.Calls())
	}
}

// TestRunnerRateLimitPausesAll checks that a rate limit makes every worker
// wait before its next call, not only the one that met it, and that rate
// limits have their own, larger retry budget.
func TestRunnerRateLimitPausesAll(t *testing.T) {
	srv := drafttest.NewOpenAIServer(t)
	paused := make(chan struct{})
	var once sync.Once
	var sl sleeps
	sleep := func(ctx context.Context, d time.Duration) error {
		once.Do(func() { close(paused) })
		return sl.sleep(ctx, d)
	}
	// k0 meets the rate limit; k1 is answered only once k0's worker is
	// waiting, and k0's retry only once k2 is sent, so k1's worker takes
	// k2 after the pause began.
	k2sent := make(chan struct{})
	var k0calls atomic.Int32
	srv.Hold(func(r drafttest.ChatRequest) {
		switch keyOf(r) {
		case "k0":
			if k0calls.Add(1) == 2 {
				<-k2sent
			}
		case "k1":
			<-paused
		case "k2":
			close(k2sent)
		}
	})
	var limited atomic.Bool
	srv.Respond(func(r drafttest.ChatRequest) drafttest.Outcome {
		if keyOf(r) == "k0" && limited.CompareAndSwap(false, true) {
			return drafttest.RateLimited("30")
		}
		if keyOf(r) == "k2" && len(sl.all()) < 2 {
			t.Errorf("k2 was sent before its worker waited out the pause (waits %v)", sl.all())
		}
		return drafttest.Answer(`{}`)
	})
	r := &draft.Runner{Backend: newOpenAI(t, srv, draft.OpenAIConfig{}), Concurrency: 2, Sleep: sleep, Now: fixedNow,
		MaxRetries: -1} // no server-error retries: rate limits count apart
	got, err := collect(t, context.Background(), r, requests(3))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["k0"].Err != nil || got["k0"].Attempts != 2 {
		t.Errorf("results %+v", got)
	}
	if w := fmt.Sprint(sl.all()); w != "[30s 30s]" {
		t.Errorf("waits = %s, want [30s 30s] (each worker once)", w)
	}
}
