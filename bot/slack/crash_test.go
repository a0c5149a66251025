package slack_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/store"
)

const crashEnv = "STUDYBOT_SLACK_CRASH_CHILD"

// TestCrashAckedClicksAreStored kills a Slack HTTP-mode process with
// SIGKILL while 50 clients click: every click it acknowledged with 200
// must be in the database after the crash (an ack means recorded).
func TestCrashAckedClicksAreStored(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(t, path)
		return
	}
	if testing.Short() {
		t.Skip("crash test")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashAckedClicksAreStored$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var addr, postID, answer string
	sc := bufio.NewScanner(out)
	for (addr == "" || postID == "") && sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 4 && f[0] == "serving" {
			addr, postID, answer = f[1], f[2], f[3]
		}
	}
	if addr == "" {
		t.Fatal("child did not start")
	}
	go func() {
		for sc.Scan() {
		}
	}()

	var mu sync.Mutex
	acked := map[string]bool{}
	stop := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 50}}
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				user := fmt.Sprintf("U%02d%05d", g, i)
				body := form(map[string]any{"payload": mustJSON(slackfake.BlockAction("T0001", "C1", user, "sb1:a:"+postID+":"+answer, "1.0"))})
				req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/interactivity", bytes.NewReader(body))
				for k, v := range slackfake.Sign(secret, body, time.Now()) {
					req.Header[k] = v
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res, err := client.Do(req)
				if err != nil {
					return // killed
				}
				res.Body.Close()
				if res.StatusCode != 200 {
					continue
				}
				mu.Lock()
				acked[user] = true
				n := len(acked)
				mu.Unlock()
				if n >= 300 {
					once.Do(func() {
						cmd.Process.Signal(syscall.SIGKILL) // mid-burst: other clicks are committing
						close(stop)
					})
				}
			}
		}()
	}
	wg.Wait()
	cmd.Wait()

	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer db.Close()
	lost := 0
	for u := range acked {
		if _, err := db.GetAnswer(postID, u); err != nil {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged clicks not stored", lost, len(acked))
	}
	r, _ := db.Check()
	t.Logf("killed after %d acknowledged clicks; %d answers stored", len(acked), r.Answers)
}

// crashChild serves Slack HTTP mode on loopback with a durable store (and
// an in-process fake Slack for the replies) until it is killed.
func crashChild(t *testing.T, path string) {
	fake := slackfake.New("T0001")
	fake.Join("C1")
	db, err := store.Open(path, nil) // fsync on, as in production
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db})
	if err != nil {
		t.Fatal(err)
	}
	ad, err := studyslack.New(studyslack.Config{BotToken: "xoxb-test", SigningSecret: secret, Mode: "http", APIURL: fake.URL(), PostEvery: time.Millisecond}, b)
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(ad)
	b.StartUpdater()
	if err := ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	sp := store.SpaceRef{Platform: store.Slack, ID: "T0001"}
	p, err := b.PostNow(context.Background(), sp, "C1")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("serving %s %s %s\n", l.Addr(), p.ID, p.Question.AnswerID)
	http.Serve(l, ad.Handler(studyslack.DefaultPaths))
}
