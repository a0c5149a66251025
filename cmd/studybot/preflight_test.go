package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/studybot/studybot/questions"
)

// runWithin runs the command and fails the test if it has not returned
// within d (a blocked read of a named pipe never returns).
func runWithin(t *testing.T, d time.Duration, args []string, env map[string]string) (int, string) {
	t.Helper()
	type result struct {
		code int
		errs string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := run(args, strings.NewReader("/quit\n"), &out, &errb, func(k string) string { return env[k] })
		done <- result{code, errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.errs
	case <-time.After(d):
		t.Fatalf("studybot %s: still running after %v", strings.Join(args, " "), d)
		return 0, ""
	}
}

// TestNonRegularFilesRefused: a named pipe, a directory or a device given
// as memo, config, weights, review or secret file is refused at once by
// every subcommand that reads it, saying what it is.
func TestNonRegularFilesRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	db := filepath.Join(dir, "s.db")
	kinds := map[string]string{fifo: "a named pipe", dir: "a directory", "/dev/zero": "a device"}
	for path, kind := range kinds {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		cases := map[string]struct {
			args []string
			env  map[string]string
		}{
			"lint memo":           {[]string{"questions", "lint", "--memo", path}, nil},
			"export memo":         {[]string{"questions", "export", "--memo", path}, nil},
			"lookup memo":         {[]string{"lookup", "x", "--memo", path}, nil},
			"stats memo":          {[]string{"questions", "stats", "--memo", path, "--db", db}, nil},
			"config check memo":   {[]string{"config", "check", "--memo", path, "--db", db}, nil},
			"console memo":        {[]string{"--memo", path, "--db", db}, nil},
			"lint weights":        {[]string{"questions", "lint", "--weights", path}, nil},
			"config check config": {[]string{"config", "check", "--config", path}, nil},
			"console config":      {[]string{"--config", path}, nil},
			"export config":       {[]string{"export", "--config", path}, nil},
			"store check config":  {[]string{"store", "check", "--config", path}, nil},
			"config check review": {[]string{"config", "check", "--review", path, "--db", db}, nil},
			"secret file":         {[]string{"config", "check", "--db", db}, map[string]string{"STUDYBOT_SLACK_BOT_TOKEN_FILE": path}},
			"export db":           {[]string{"export", "--db", path}, nil},
		}
		for name, c := range cases {
			t.Run(kind+"/"+name, func(t *testing.T) {
				code, errs := runWithin(t, 10*time.Second, c.args, c.env)
				if code != exitFailure || !strings.Contains(errs, kind) {
					t.Errorf("exit %d, %q, want %d saying %q", code, errs, exitFailure, kind)
				}
			})
		}
	}
}

// TestHugeRegularFilesRefused: a regular file over its limit is refused by
// its size, before it is read (the files are sparse: nothing is written).
func TestHugeRegularFilesRefused(t *testing.T) {
	dir := t.TempDir()
	sparse := func(name string, size int64) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		return p
	}
	memo := sparse("big.md", questions.MaxMemoBytes+1)
	cfg := sparse("big.yaml", maxConfigBytes+1)
	for _, args := range [][]string{
		{"questions", "lint", "--memo", memo},
		{"config", "check", "--memo", memo, "--db", filepath.Join(dir, "s.db")},
		{"config", "check", "--config", cfg},
	} {
		code, errs := runWithin(t, 10*time.Second, args, nil)
		if code != exitFailure || !strings.Contains(errs, "too large") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}

// TestPreflightAgrees: each bad setting or input file is refused by
// "config check" and by a run alike — same exit code, same message, the
// key or file line named — before the database is created.
func TestPreflightAgrees(t *testing.T) {
	bad := []byte("## 第 1 分野: 監視\n\n- Amazon CloudWatch: メトリクスを集める\n- AWS X-Ray: トレース\xff\n")
	tests := []struct {
		name, yaml string
		env        map[string]string
		files      map[string][]byte
		says       []string
	}{
		{"missing memo", "memo: $DIR/none.md\n", nil, nil, []string{"memo:", "none.md", "no such file", "studybot.yaml line 2)"}},
		{"weights not numbers", "weights: '1=abc'\n", nil, nil, []string{"weights", "1=abc"}},
		{"weights file missing", "weights: $DIR/w.yaml\n", nil, nil, []string{"weights", "w.yaml"}},
		{"db under a file", "", map[string]string{"STUDYBOT_DB": "/dev/null/x.db"}, nil, []string{"db /dev/null/x.db", "not a directory\n"}},
		{"db is a directory", "", map[string]string{"STUDYBOT_DB": "$DIR"}, nil, []string{"db ", "a directory"}},
		{"backup dir under a file", "backup:\n  dir: /dev/null/backups\n", nil, nil, []string{"backup.dir /dev/null/backups", "not a directory (", "studybot.yaml line 3)"}},
		{"http host not an IP", "http: 256.1.1.1:8080\n", nil, nil, []string{`http "256.1.1.1:8080"`, "not an IP address (", "studybot.yaml line 2)"}},
		{"http from the environment", "http: ':8080'\n", map[string]string{"STUDYBOT_HTTP": "256.1.1.1:80"}, nil, []string{`http "256.1.1.1:80"`, "not an IP address\n"}},
		{"http host not a name", "http: 'bad_host!:8080'\n", nil, nil, []string{"want an IP address or a host name"}},
		{"close_after under an hour", "close_after: 1m\n", nil, nil, []string{"close_after 1m0s", "from 1h0m0s to 24h0m0s", "studybot.yaml line 2)"}},
		{"close_after over a day", "", map[string]string{"STUDYBOT_CLOSE_AFTER": "25h"}, nil, []string{"close_after 25h0m0s"}},
		{"close_after not a duration", "close_after: soon\n", nil, nil, []string{"line 2: close_after: duration \"soon\""}},
		{"rate not a number", "slack:\n  workspace_rate: fast\n", nil, nil, []string{"line 3: slack.workspace_rate: cannot unmarshal", "float64"}},
		{"seed not a number", "seed: -3\n", nil, nil, []string{"line 2: seed: cannot unmarshal"}},
		{"unknown key", "slack:\n  bot_tokn: x\n", nil, nil, []string{"line 3: slack.bot_tokn: field bot_tokn not found"}},
		{"invalid UTF-8 memo", "memo: $DIR/bad.md\n", nil, map[string][]byte{"bad.md": bad}, []string{"bad.md", "memo is not UTF-8", "line 4, byte ", "0xff"}},
		{"memo line too long", "memo: $DIR/long.md\n", nil, map[string][]byte{"long.md": []byte("- a: " + strings.Repeat("b", questions.MaxLineBytes) + "\n")}, []string{"long.md", "memo too complex", "line 1 is"}},
		{"memo of brackets", "memo: $DIR/br.md\n", nil, map[string][]byte{"br.md": []byte(strings.Repeat(strings.Repeat("[", 60)+"\n", 100))}, []string{"br.md", "memo too complex", "paragraph from line 1"}},
		{"memo without questions", "memo: $DIR/thin.md\n", nil, map[string][]byte{"thin.md": []byte("## 第 1 分野: x\n\n- one note only\n")}, []string{"thin.md", "no usable questions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, b := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cfg := filepath.Join(dir, "studybot.yaml")
			y := "db: " + filepath.Join(dir, "s.db") + "\n" + strings.ReplaceAll(tt.yaml, "$DIR", dir)
			if err := os.WriteFile(cfg, []byte(y), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "$DIR", dir)
			}
			checkCode, checkSaid := runWithin(t, 20*time.Second, []string{"config", "check", "--config", cfg}, env)
			runCode, runSaid := runWithin(t, 20*time.Second, []string{"--config", cfg}, env)
			for _, w := range tt.says {
				if !strings.Contains(checkSaid, w) {
					t.Errorf("config check said %q, want %q", checkSaid, w)
				}
			}
			if checkCode != exitFailure || runCode != checkCode || runSaid != checkSaid {
				t.Errorf("config check: exit %d, %q\nrun:          exit %d, %q\nwant both exit %d, the same message", checkCode, checkSaid, runCode, runSaid, exitFailure)
			}
			if _, err := os.Stat(filepath.Join(dir, "s.db")); err == nil {
				t.Error("the database was created before the config was refused")
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".studybot-preflight-*")); len(left) > 0 {
				t.Errorf("preflight left %v", left)
			}
		})
	}
}

// TestPreflightAcceptsConvertibleMemos: a UTF-16 memo (with its byte order
// mark) and a CR-only one pass config check, and lint says what it
// converted.
func TestPreflightAcceptsConvertibleMemos(t *testing.T) {
	dir := t.TempDir()
	le := []byte{0xFF, 0xFE}
	for _, r := range watchMemo {
		if r > 0xFFFF {
			t.Fatal("test memo outside the BMP")
		}
		le = append(le, byte(r), byte(r>>8))
	}
	files := map[string][]byte{"utf16.md": le, "cr.md": []byte(strings.ReplaceAll(watchMemo, "\n", "\r"))}
	for name, b := range files {
		memo := filepath.Join(dir, name)
		if err := os.WriteFile(memo, b, 0o600); err != nil {
			t.Fatal(err)
		}
		qs := strings.TrimSuffix(memo, ".md") + ".questions.yaml"
		if err := os.WriteFile(qs, []byte(watchQuestions), 0o600); err != nil {
			t.Fatal(err)
		}
		code, errs := runWithin(t, 20*time.Second, []string{"config", "check", "--memo", memo, "--db", filepath.Join(dir, "s.db")}, nil)
		if code != exitOK {
			t.Errorf("%s: config check exit %d, %q", name, code, errs)
		}
		code, out, errs := runCmd(t, "questions", "lint", "--memo", memo)
		if !strings.Contains(out, "encoding: ") {
			t.Errorf("%s: lint exit %d, says nothing of the encoding:\n%s\n%s", name, code, out, errs)
		}
	}
}

func TestCheckListenAddr(t *testing.T) {
	for addr, ok := range map[string]bool{
		":8080": true, "127.0.0.1:0": true, "[::1]:9090": true, "localhost:8080": true, "studybot.internal:80": true,
		"256.1.1.1:8080": false, "1.2.3:80": false, "[::g]:80": false, "bad_host:80": false, "-x:80": false, "localhost": false, ":65536": false,
	} {
		if err := checkListenAddr(addr); (err == nil) != ok {
			t.Errorf("checkListenAddr(%q) = %v, want ok %v", addr, err, ok)
		}
	}
}

// TestWatchSkipsNamedPipes: a memo replaced by a named pipe counts as
// missing to the watch, whose poll returns instead of blocking.
func TestWatchSkipsNamedPipes(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "exam.md")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan fileState, 1)
	go func() { done <- stat(fifo) }()
	select {
	case st := <-done:
		if st.exists {
			t.Error("a named pipe counts as an existing memo")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("stat blocked on a named pipe")
	}
}

// TestLintRefusesInvalidUTF8: lint no longer passes a memo whose stems
// would carry U+FFFD; it names the line and byte offset.
func TestLintRefusesInvalidUTF8(t *testing.T) {
	memo := filepath.Join(t.TempDir(), "exam.md")
	src := strings.Replace(watchMemo, "Linear", "Lin\xe9ar", 1) // Latin-1 é, line 5
	if err := os.WriteFile(memo, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "questions", "lint", "--memo", memo)
	if code != exitFailure || !strings.Contains(errs, "memo is not UTF-8: line 5, byte ") || strings.Contains(out, "\uFFFD") {
		t.Errorf("lint exit %d, %q\n%s", code, errs, out)
	}
}

// TestBackupRestoreConfigExit: a bad config exits 1 from backup and restore
// as from every other command, and a bad command line exits 2.
func TestBackupRestoreConfigExit(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "studybot.yaml")
	if err := os.WriteFile(cfg, []byte("seed: -3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"backup", "--config", cfg, filepath.Join(dir, "b.db")}, exitFailure},
		{[]string{"restore", "--config", cfg, filepath.Join(dir, "b.db")}, exitFailure},
		{[]string{"backup", "--no-such-flag", filepath.Join(dir, "b.db")}, exitUsage},
		{[]string{"restore", "--no-such-flag", filepath.Join(dir, "b.db")}, exitUsage},
	} {
		code, said := runWithin(t, 20*time.Second, tt.args, nil)
		if code != tt.want {
			t.Errorf("%v: exit %d (%q), want %d", tt.args, code, said, tt.want)
		}
	}
}
