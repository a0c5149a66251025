package draft_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/studybot/studybot/questions/draft"
)

// echoBackend answers every request with its key, as a model would answer
// with a drafted question.
type echoBackend struct{ calls int }

// Name names the backend.
func (b *echoBackend) Name() string { return "echo" }

// Complete answers req.
func (b *echoBackend) Complete(_ context.Context, req draft.Request) (draft.Response, error) {
	b.calls++
	return draft.Response{Key: req.Key, Content: `{"key":"` + req.Key + `"}`, Backend: "echo", Model: req.Model}, nil
}

// A Runner with a Cache pays for each request once: the second run is
// answered from the cache.
func ExampleRunner() {
	dir, err := os.MkdirTemp("", "draft-cache-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	cache, err := draft.OpenCache(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	backend := &echoBackend{}
	r := &draft.Runner{Backend: backend, Cache: cache, Concurrency: 1}
	reqs := []draft.Request{{Key: "a1", Model: "m"}, {Key: "b2", Model: "m"}}
	for run := 1; run <= 2; run++ {
		var lines []string
		err := r.Run(context.Background(), reqs, func(res draft.Result) {
			lines = append(lines, fmt.Sprintf("%s %s cached=%t", res.Request.Key, res.Response.Content, res.Cached))
		})
		fmt.Printf("run %d (%v): %s\n", run, err, strings.Join(lines, "; "))
	}
	fmt.Println("calls:", backend.calls)
	// Output:
	// run 1 (<nil>): a1 {"key":"a1"} cached=false; b2 {"key":"b2"} cached=false
	// run 2 (<nil>): a1 {"key":"a1"} cached=true; b2 {"key":"b2"} cached=true
	// calls: 2
}
