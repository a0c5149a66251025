package slack_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
)

// TestLoadHTTPClicks sends 1,000 signed button clicks from 200 concurrent
// clients to HTTP mode on loopback and checks every one is acknowledged
// within Slack's 3 s deadline, the p99 acknowledgement latency, and that
// exactly 1,000 answers are stored. It runs with STUDYBOT_LOAD=1 (figures
// in BENCHMARKS.md).
func TestLoadHTTPClicks(t *testing.T) {
	if os.Getenv("STUDYBOT_LOAD") == "" {
		t.Skip("set STUDYBOT_LOAD=1 to run the load test")
	}
	r := newRigOpts(t, "http", true) // answers are fsynced, as in production
	if err := r.ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.ad.Handler(studyslack.DefaultPaths))
	defer srv.Close()
	p, err := r.bot.PostNow(context.Background(), r.space, "C1")
	if err != nil {
		t.Fatal(err)
	}
	const clicks, clients = 1000, 200
	bodies := make([][]byte, clicks)
	for i := range bodies {
		bodies[i] = form(map[string]any{"payload": mustJSON(slackfake.BlockAction("T0001", "C1", fmt.Sprintf("U%05d", i), "sb1:a:"+p.ID+":"+p.Question.Options[i%len(p.Question.Options)].ID, "1.0"))})
	}
	lat := make([]time.Duration, clicks)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= clicks {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/interactivity", bytes.NewReader(bodies[i]))
				for k, v := range slackfake.Sign(secret, bodies[i], r.clock.Now()) {
					req.Header[k] = v
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				t0 := time.Now()
				res, err := client.Do(req)
				lat[i] = time.Since(t0)
				if err != nil || res.StatusCode != 200 {
					t.Errorf("click %d: %v %v", i, err, res)
					continue
				}
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	total := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p50, p99, worst := lat[clicks/2], lat[clicks*99/100], lat[clicks-1]
	waitFor(t, "1000 answers", func() bool { res, _ := r.db.PostResults(p.ID, 0); return res.Total == clicks })
	t.Logf("%d clicks from %d clients in %v: ack p50 %v, p99 %v, max %v", clicks, clients, total.Round(time.Millisecond), p50, p99, worst)
	if worst > 3*time.Second {
		t.Errorf("slowest ack %v, past Slack's 3 s deadline", worst)
	}
	if p99 > 300*time.Millisecond {
		t.Errorf("p99 ack %v, want under 300 ms", p99)
	}
}
