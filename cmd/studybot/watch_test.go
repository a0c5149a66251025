package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/bottest"
)

const watchMemo = `## 第 1 分野: デプロイ

- デプロイ方式
  - Canary: 一部のトラフィックだけを新バージョンに送り、問題がなければ残りを切り替える方式
  - Linear: 一定間隔で同じ割合ずつトラフィックを新バージョンへ移す方式
  - AllAtOnce: すべてのトラフィックを一度に新バージョンへ移す方式
  - Blue/Green: 新しい環境を別に用意し、検証後にトラフィックを切り替える方式
`

const watchQuestions = `questions:
  - domain: 1
    stem: "本番前に新しい環境を丸ごと用意して検証し、切り替えるデプロイ方式はどれか？"
    options: ["Blue/Green", "Canary", "Linear", "AllAtOnce"]
    answer: 0
    explanation: "別環境を用意して切り替えるのは Blue/Green。"
    source: "新しい環境を別に用意し"
`

// TestFileWatch: the watch reloads when the content of the memo, its
// config, questions or review file changes (created, edited, removed), not
// when a file is only touched; it polls on the injected clock and stops
// when its context ends.
func TestFileWatch(t *testing.T) {
	dir := t.TempDir()
	memo := filepath.Join(dir, "exam.md")
	write := func(name, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("exam.md", watchMemo)
	files := bankFiles(memoFlags{memo: memo})
	want := []string{memo, filepath.Join(dir, "exam.yaml"), filepath.Join(dir, "exam.questions.yaml"), filepath.Join(dir, "exam.review.yaml")}
	if strings.Join(files, " ") != strings.Join(want, " ") {
		t.Fatalf("watched files %v, want %v", files, want)
	}
	if got := bankFiles(memoFlags{}); len(got) != 0 {
		t.Errorf("the bundled memo watches %v", got)
	}

	clock := bottest.NewClock(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	reloads := 0
	count := func() int { mu.Lock(); defer mu.Unlock(); return reloads }
	w := newFileWatch(files, 10*time.Second, clock.NewTimer, func() { mu.Lock(); reloads++; mu.Unlock() }, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.run(ctx) }()

	// step moves the clock one interval on once the watch is waiting, and
	// waits for the poll that follows to be waiting again.
	step := func() {
		t.Helper()
		bottest.WaitFor(t, "the watch waiting", func() bool { n, _ := clock.Timers(); return n == 1 })
		_, created := clock.Timers()
		clock.Add(10 * time.Second)
		bottest.WaitFor(t, "the next poll", func() bool { n, c := clock.Timers(); return n == 1 && c > created })
	}
	cases := []struct {
		name   string
		change func()
		reload bool
	}{
		{"nothing changed", func() {}, false},
		{"memo edited", func() { write("exam.md", watchMemo+"  - Rolling: 少しずつ入れ替える方式\n") }, true},
		{"memo touched only", func() {
			later := time.Now().Add(time.Hour)
			os.Chtimes(memo, later, later)
		}, false},
		{"questions file created", func() { write("exam.questions.yaml", watchQuestions) }, true},
		{"review file created", func() { write("exam.review.yaml", "{}\n") }, true},
		{"sidecar config created", func() { write("exam.yaml", "weights: {1: 100}\n") }, true},
		{"questions file removed", func() { os.Remove(filepath.Join(dir, "exam.questions.yaml")) }, true},
	}
	for _, c := range cases {
		before := count()
		c.change()
		step()
		if got := count() - before; got != map[bool]int{false: 0, true: 1}[c.reload] {
			t.Errorf("%s: %d reloads", c.name, got)
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not stop with its context")
	}
}

// TestServerWatchReload: a running server rebuilds its bank when the memo
// changes; a broken memo or questions file keeps the old bank, logs why,
// counts studybot_errors_total{kind="reload"} and shows in /studybot
// status; the watch stops with the server.
func TestServerWatchReload(t *testing.T) {
	dir := t.TempDir()
	memo := filepath.Join(dir, "exam.md")
	os.WriteFile(memo, []byte(watchMemo), 0o644)
	cfg := Config{DB: filepath.Join(dir, "x.db"), Memo: memo, Watch: Duration(time.Minute)}
	bank, err := loadBank(cfg.memoFlags())
	if err != nil {
		t.Fatal(err)
	}
	clock := bottest.NewClock(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	var logs syncBuffer
	s, err := newServer(cfg, bank, slog.New(slog.NewTextHandler(&logs, nil)), time.Now, serverOptions{newTimer: clock.NewTimer})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	step := func() {
		t.Helper()
		bottest.WaitFor(t, "the watch waiting", func() bool { n, _ := clock.Timers(); return n == 1 })
		_, created := clock.Timers()
		clock.Add(time.Minute)
		bottest.WaitFor(t, "the next poll", func() bool { n, c := clock.Timers(); return n == 1 && c > created })
	}
	n0 := len(s.bot.Bank().Questions)

	os.WriteFile(filepath.Join(dir, "exam.questions.yaml"), []byte(watchQuestions), 0o644)
	step()
	if got := len(s.bot.Bank().Questions); got != n0+1 {
		t.Fatalf("after adding a questions file: %d questions, want %d", got, n0+1)
	}
	good := s.bot.Bank()

	for _, broken := range []struct{ file, content, why string }{
		{"exam.md", "", "memo has no text"},
		{"exam.questions.yaml", "questions:\n  - domian: 1\n", "domian"},
	} {
		old, _ := os.ReadFile(filepath.Join(dir, broken.file))
		os.WriteFile(filepath.Join(dir, broken.file), []byte(broken.content), 0o644)
		step()
		if s.bot.Bank() != good {
			t.Fatalf("broken %s replaced the bank", broken.file)
		}
		if msg, _ := s.bot.LastReloadError(); !strings.Contains(msg, broken.why) {
			t.Errorf("broken %s: last reload error %q", broken.file, msg)
		}
		if !strings.Contains(logs.String(), "reload failed") || !strings.Contains(logs.String(), broken.why) {
			t.Errorf("broken %s: no log line saying why:\n%s", broken.file, logs.String())
		}
		os.WriteFile(filepath.Join(dir, broken.file), old, 0o644)
		step()
		if msg, _ := s.bot.LastReloadError(); msg != "" {
			t.Errorf("fixed %s: last reload error %q", broken.file, msg)
		}
		if good = s.bot.Bank(); len(good.Questions) != n0+1 {
			t.Errorf("fixed %s: %d questions", broken.file, len(good.Questions))
		}
	}
	if got := reloadErrors(t, s.metrics); got != 2 {
		t.Errorf(`studybot_errors_total{kind="reload"} = %v, want 2`, got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, _ := clock.Timers(); n != 0 {
		t.Errorf("%d timers still waiting after shutdown", n)
	}
}

// reloadErrors reads studybot_errors_total{kind="reload"}.
func reloadErrors(t *testing.T, m *metrics) float64 {
	t.Helper()
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "studybot_errors_total" {
			continue
		}
		for _, x := range mf.GetMetric() {
			for _, l := range x.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == "reload" {
					return x.GetCounter().GetValue()
				}
			}
		}
	}
	return -1
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestConsoleWatchReload: the console watches a memo given by path like
// the server does: an edit reloads the bank and says so in the console, a
// broken memo keeps the old bank and says why, and /quit still ends the
// session cleanly (the watch stops with it).
func TestConsoleWatchReload(t *testing.T) {
	dir := t.TempDir()
	memo := filepath.Join(dir, "exam.md")
	if err := os.WriteFile(memo, []byte(watchMemo), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "STUDYBOT_WATCH" {
			return "20ms"
		}
		return ""
	}
	in, feed := io.Pipe()
	var out, errb syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run([]string{"--db", filepath.Join(dir, "c.db"), "--memo", memo, "--clock", "2026-12-01T08:30:00+09:00"}, in, &out, &errb, env)
	}()
	bottest.WaitFor(t, "the console banner", func() bool { return strings.Contains(out.String(), "studybot console") })

	if err := os.WriteFile(filepath.Join(dir, "exam.questions.yaml"), []byte(watchQuestions), 0o644); err != nil {
		t.Fatal(err)
	}
	bottest.WaitFor(t, "the reload notice", func() bool { return strings.Contains(out.String(), "問題集を再読み込みしました") })
	if err := os.WriteFile(memo, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bottest.WaitFor(t, "the failed reload notice", func() bool {
		return strings.Contains(out.String(), "再読み込みできませんでした") && strings.Contains(out.String(), "memo has no text")
	})
	if _, err := io.WriteString(feed, "/quit\n"); err != nil {
		t.Fatal(err)
	}
	feed.Close()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit %d: %s", c, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the console did not end after /quit")
	}
}
