package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConfigCheckRefusesWhatARunRefuses: every bad setting fails "config
// check" and a run alike, with the same message, before anything starts.
func TestConfigCheckRefusesWhatARunRefuses(t *testing.T) {
	tests := []struct {
		name, yaml string
		env        map[string]string
		says       string
	}{
		{"schedule too often", "schedule: '* * * * *'\n", nil, "more often than once an hour"},
		{"schedule never", "schedule: '0 9 31 2 *'\n", nil, "never fires"},
		{"schedule unparsable", "schedule: 'often'\n", nil, "schedule"},
		{"zero close_after", "close_after: 0s\n", nil, "positive"},
		{"negative close_after", "close_after: -1h\n", nil, "positive"},
		{"negative grace", "grace: -5m\n", nil, "positive"},
		{"zero grace from env", "", map[string]string{"STUDYBOT_GRACE": "0s"}, "positive"},
		{"unknown log level", "log_level: loud\n", nil, "log_level"},
		{"negative backup.keep", "backup:\n  keep: -1\n", nil, "backup.keep"},
		{"bad http address", "http: 'localhost'\n", nil, "http"},
		{"bad http port", "http: ':99999'\n", nil, "port"},
		{"bad api url", "slack:\n  api_url: 'ftp:/x'\n", nil, "api_url"},
		{"non-hex public key", "discord:\n  public_key: 'not-hex'\n", nil, "public_key"},
		{"short public key", "discord:\n  public_key: 'abcd'\n", nil, "public_key"},
		{"negative slack.workspace_rate", "slack:\n  workspace_rate: -1\n", nil, "slack.workspace_rate -1: want a positive number"},
		{"slack.workspace_rate too high", "slack:\n  workspace_rate: 1000\n", nil, "at most 100"},
		{"slack.updates_per_minute too high", "slack:\n  updates_per_minute: 6000\n", nil, "slack.updates_per_minute"},
		{"discord.global_rate too high", "discord:\n  global_rate: 50000\n", nil, "discord.global_rate"},
		{"discord.global_rate NaN", "discord:\n  global_rate: .nan\n", nil, "discord.global_rate"},
		{"zero rate from env", "", map[string]string{"STUDYBOT_SLACK_WORKSPACE_RATE": "0"}, "STUDYBOT_SLACK_WORKSPACE_RATE: want a positive number"},
		{"rate from env not a number", "", map[string]string{"STUDYBOT_DISCORD_GLOBAL_RATE": "fast"}, "STUDYBOT_DISCORD_GLOBAL_RATE"},
		{"rate from env too high", "", map[string]string{"STUDYBOT_SLACK_UPDATES_PER_MINUTE": "601"}, "slack.updates_per_minute 601"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "studybot.yaml")
			if err := os.WriteFile(cfg, []byte("db: "+filepath.Join(dir, "s.db")+"\n"+tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			env := func(k string) string { return tt.env[k] }
			var out, errb bytes.Buffer
			code := run([]string{"config", "check", "--config", cfg}, strings.NewReader(""), &out, &errb, env)
			if code == 0 || !strings.Contains(errb.String(), tt.says) {
				t.Errorf("config check: exit %d, %q, want %q", code, errb.String(), tt.says)
			}
			checkSaid := errb.String()
			out.Reset()
			errb.Reset()
			code = run([]string{"--config", cfg}, strings.NewReader("/quit\n"), &out, &errb, env)
			if code == 0 || !strings.Contains(errb.String(), tt.says) {
				t.Errorf("run: exit %d, %q, want %q", code, errb.String(), tt.says)
			}
			if !strings.Contains(checkSaid, strings.TrimPrefix(strings.TrimSpace(errb.String()), "studybot: ")) {
				t.Errorf("config check and run disagree:\n%s\n%s", checkSaid, errb.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "s.db")); err == nil {
				t.Error("the run created its database before refusing the config")
			}
		})
	}
}

// TestHugeFilesRefused: only regular files are read, so /dev/zero is
// refused at once instead of filling memory (TestHugeRegularFilesRefused:
// a regular file over its limit).
func TestHugeFilesRefused(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"memo", []string{"questions", "lint", "--memo", "/dev/zero"}, nil},
		{"weights", []string{"questions", "lint", "--weights", "/dev/zero"}, nil},
		{"config", []string{"config", "check", "--config", "/dev/zero"}, nil},
		{"secret file", []string{"config", "check"}, map[string]string{"STUDYBOT_SLACK_BOT_TOKEN_FILE": "/dev/zero"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			start := time.Now()
			code := run(tt.args, strings.NewReader(""), &out, &errb, func(k string) string { return tt.env[k] })
			if code == 0 || !strings.Contains(errb.String(), "not a regular file (a device)") {
				t.Errorf("exit %d, %q", code, errb.String())
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestQuestionsExportRefusesWhatLintRejects(t *testing.T) {
	thin := filepath.Join(t.TempDir(), "thin.md")
	os.WriteFile(thin, []byte("## 第 1 分野: x\n\n- one note only\n"), 0o644)
	code, out, errs := runCmd(t, "questions", "export", "--memo", thin)
	if code == 0 || !strings.Contains(errs, "no usable questions") || strings.TrimSpace(out) == "[]" {
		t.Errorf("export of a memo lint rejects: exit %d, out %q, err %q", code, out, errs)
	}
}

// TestConsoleLongLine: a line over 1 MB gets a message and the console
// reads on.
func TestConsoleLongLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	in := strings.Repeat("x", 1<<20+10) + "\n/as bob\n/quit\n"
	var out, errb bytes.Buffer
	code := run([]string{"--db", db, "--clock", "2026-12-01T08:30:00+09:00"}, strings.NewReader(in), &out, &errb, noEnv)
	o := out.String()
	if code != 0 || !strings.Contains(o, "over 1048576 bytes") || !strings.Contains(o, "you are now bob") {
		t.Errorf("exit %d, stderr %q\n%s", code, errb.String(), o[max(0, len(o)-600):])
	}
}

// TestMaintenanceOnBadFiles: restore onto itself, a missing backup, an
// empty database and a damaged one each get a clear one-line error and a
// non-zero exit; nothing panics and nothing is moved.
func TestMaintenanceOnBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	seedDB(t, good)
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	damaged := filepath.Join(dir, "damaged.db")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	for off := 2 * 4096; off+16 <= len(data); off += 4096 {
		copy(data[off:off+16], bytes.Repeat([]byte{0xff}, 16)) // every page header but the metas
	}
	os.WriteFile(damaged, data, 0o600)
	tests := []struct {
		name string
		args []string
		says string
	}{
		{"restore onto itself", []string{"restore", good, "--db", good}, "is the database itself"},
		{"missing backup", []string{"restore", filepath.Join(dir, "nope.db"), "--db", filepath.Join(dir, "x.db")}, "backup file " + filepath.Join(dir, "nope.db") + " does not exist"},
		{"empty database check", []string{"store", "check", "--db", empty}, "empty (0 bytes)"},
		{"empty database export", []string{"export", "--db", empty}, "empty (0 bytes)"},
		{"damaged check", []string{"store", "check", "--db", damaged}, "corrupt"},
		{"damaged export", []string{"export", "--db", damaged}, "corrupt"},
		{"damaged restore", []string{"restore", damaged, "--db", filepath.Join(dir, "x.db")}, "corrupt"},
		{"damaged backup", []string{"backup", filepath.Join(dir, "b.db"), "--db", damaged}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runCmd(t, tt.args...)
			if tt.says == "" {
				return // must only not panic
			}
			if code == 0 || !strings.Contains(errs, tt.says) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Errorf("exit %d, %q, want one line saying %q", code, errs, tt.says)
			}
		})
	}
	if _, err := os.Stat(good); err != nil {
		t.Errorf("restore onto itself moved the database: %v", err)
	}
	if m, _ := filepath.Glob(good + ".before-restore-*"); len(m) > 0 {
		t.Errorf("restore onto itself kept %v", m)
	}
}
