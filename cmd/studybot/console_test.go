package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestConsoleTranscript pipes a scripted session into studybot and compares
// the output with a golden transcript (run with -update to accept changes).
func TestConsoleTranscript(t *testing.T) {
	script, err := os.ReadFile("testdata/console-session.txt")
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "console.db")
	var out, errb bytes.Buffer
	code := run([]string{"--db", db, "--clock", "2026-12-01T07:30:00+09:00", "--user", "alice"}, bytes.NewReader(script), &out, &errb, noEnv)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := strings.ReplaceAll(out.String(), db, "DB")
	const golden = "testdata/console-session.golden"
	if *update {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("transcript differs from %s; run go test ./cmd/studybot -run Console -update and review the diff\n%s", golden, firstDiff(got, string(want)))
	}
	// The session is also checked for behaviour, not only for sameness.
	for _, w := range []string{"📝 今日の問題", "❌ 不正解", "回答済みです", "you are now bob", "🏆 リーダーボード", "1. @", "🔎 メモ検索: CodeDeploy", "📊 結果", "cron の書式", "⚙️", "知らないコマンド", "Type a–d"} {
		if !strings.Contains(got, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
	if errb.Len() > 0 {
		t.Errorf("stderr: %s", errb.String())
	}
	// A restart on the same database shows the open card again and keeps the answers.
	out.Reset()
	code = run([]string{"--db", db, "--clock", "2026-12-01T09:30:00+09:00", "--user", "carol"}, strings.NewReader("a\n/quit\n"), &out, &errb, noEnv)
	if code != 0 || !strings.Contains(out.String(), "📝 今日の問題") || !strings.Contains(out.String(), "回答済みです") {
		t.Errorf("restart: exit %d\n%s", code, out.String())
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + al[i] + "\nwant: " + bl[i]
		}
	}
	return "lengths differ"
}
