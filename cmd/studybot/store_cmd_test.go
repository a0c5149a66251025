package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	// make a database with a post and answers through the console
	var out strings.Builder
	code := run([]string{"--db", db, "--clock", "2026-12-01T08:30:00+09:00"}, strings.NewReader("a\n/as bob\nb\n/quit\n"), &out, &out, noEnv)
	if code != 0 {
		t.Fatalf("console: %d %s", code, out.String())
	}
	code, o, e := runCmd(t, "store", "check", "--db", db)
	if code != 0 || !strings.Contains(o, "2 answers") || !strings.Contains(o, "ok:") {
		t.Errorf("store check: %d %s %s", code, o, e)
	}
	backup := filepath.Join(dir, "b.db")
	if code, o, e := runCmd(t, "backup", backup, "--db", db); code != 0 || !strings.Contains(o, "backed up") {
		t.Errorf("backup: %d %s %s", code, o, e)
	}
	if code, _, e := runCmd(t, "backup", backup, "--db", db); code == 0 || !strings.Contains(e, "exists") {
		t.Errorf("backup over an existing file: %d %s", code, e)
	}
	if code, o, _ := runCmd(t, "store", "check", "--db", backup); code != 0 || !strings.Contains(o, "2 answers") {
		t.Errorf("backup check: %s", o)
	}
	code, o, _ = runCmd(t, "export", "--db", db)
	kinds := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(o))
	for sc.Scan() {
		var rec struct{ Kind string }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		kinds[rec.Kind]++
	}
	if code != 0 || kinds["answer"] != 2 || kinds["post"] != 1 || kinds["channel"] != 1 {
		t.Errorf("export: %d %v", code, kinds)
	}
	if code, _, e := runCmd(t, "store", "check", "--db", filepath.Join(dir, "nope.db")); code == 0 || !strings.Contains(e, "nope.db") {
		t.Errorf("missing db: %d %s", code, e)
	}
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("x", 10000)), 0o600)
	if code, _, e := runCmd(t, "store", "check", "--db", garbage); code == 0 || !strings.Contains(e, "corrupt") {
		t.Errorf("garbage db: %d %s", code, e)
	}
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "token")
	os.WriteFile(secret, []byte("xoxb-very-secret\n"), 0o600)
	cfgFile := filepath.Join(dir, "studybot.yaml")
	os.WriteFile(cfgFile, []byte("lang: en\ntz: Europe/Paris\nclose_after: 6h\nslack:\n  app_token: xapp-also-secret\n"), 0o600)
	env := func(k string) string {
		return map[string]string{"STUDYBOT_SLACK_BOT_TOKEN_FILE": secret, "STUDYBOT_DB": "/data/x.db", "STUDYBOT_LANG": "ja"}[k]
	}
	var out, errb strings.Builder
	code := run([]string{"config", "check", "--config", cfgFile}, strings.NewReader(""), &out, &errb, env)
	if code != 0 {
		t.Fatalf("config check: %d %s", code, errb.String())
	}
	o := out.String()
	for _, w := range []string{"db: /data/x.db", "lang: ja", "tz: Europe/Paris", "close_after: 6h0m0s", "bot_token: '[redacted]'", "app_token: '[redacted]'", "would run Slack"} {
		if !strings.Contains(o, w) {
			t.Errorf("config check lacks %q:\n%s", w, o)
		}
	}
	if strings.Contains(o, "very-secret") || strings.Contains(o, "also-secret") {
		t.Errorf("a secret was printed:\n%s", o)
	}
	os.WriteFile(cfgFile, []byte("lang: fr\nunknown_key: 1\n"), 0o600)
	out.Reset()
	errb.Reset()
	if code := run([]string{"config", "check", "--config", cfgFile}, strings.NewReader(""), &out, &errb, noEnv); code == 0 || !strings.Contains(errb.String(), "unknown_key") {
		t.Errorf("bad config accepted: %d %s", code, errb.String())
	}
}
