package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/discord/discordfake"
)

// TestShardSettings: the Discord shard from discord.shard, or from
// discord.shards and the StatefulSet pod's ordinal, as "config check"
// shows it; bad settings fail "config check" and a run alike.
func TestShardSettings(t *testing.T) {
	const discord = "discord:\n  token: t\n  app_id: APP\n"
	pub := strings.Repeat("ab", 32)
	tests := []struct {
		name, yaml string
		env        map[string]string
		says       []string // in the output (ok) or the error
		ok         bool
	}{
		{"explicit", discord + "  shard: 1/2\n", nil, []string{"shard: 1/2", "shard 1 of 2"}, true},
		{"from env", discord, map[string]string{"STUDYBOT_DISCORD_SHARD": "0/3"}, []string{"shard: 0/3", "shard 0 of 3"}, true},
		{"from the pod name", discord + "  shards: 4\n", map[string]string{"STUDYBOT_POD_NAME": "studybot-3", "HOSTNAME": "other-0"},
			[]string{"shard: 3/4", "shards: 4", "shard 3 of 4"}, true},
		{"from the hostname", discord, map[string]string{"STUDYBOT_DISCORD_SHARDS": "4", "HOSTNAME": "studybot-discord-0"},
			[]string{"shard: 0/4"}, true},
		{"one shard", discord + "  shards: 1\n", nil, []string{"would run Discord\n"}, true},
		{"unsharded", discord, nil, []string{"would run Discord\n"}, true},
		{"not i/N", discord + "  shard: '2'\n", nil, []string{"discord.shard \"2\": want i/N"}, false},
		{"index too high", discord + "  shard: 2/2\n", nil, []string{"from 0 to 1"}, false},
		{"negative index", discord + "  shard: -1/2\n", nil, []string{"from 0 to 1"}, false},
		{"no shards", discord + "  shard: 0/0\n", nil, []string{"at least 1"}, false},
		{"negative count", discord + "  shards: -2\n", nil, []string{"discord.shards -2: want at least 1"}, false},
		{"bad env count", discord, map[string]string{"STUDYBOT_DISCORD_SHARDS": "two"}, []string{"STUDYBOT_DISCORD_SHARDS"}, false},
		{"disagree", discord + "  shard: 1/2\n  shards: 4\n", nil, []string{"disagree"}, false},
		{"no pod name", discord + "  shards: 4\n", nil, []string{"neither STUDYBOT_POD_NAME nor HOSTNAME", "i/4"}, false},
		{"no ordinal", discord + "  shards: 4\n", map[string]string{"HOSTNAME": "laptop"}, []string{"\"laptop\" does not end in a StatefulSet ordinal"}, false},
		{"more pods than shards", discord + "  shards: 4\n", map[string]string{"STUDYBOT_POD_NAME": "studybot-4"}, []string{"replicas must equal discord.shards"}, false},
		{"HTTP endpoint", discord + "  public_key: " + pub + "\n  shard: 0/2\n", nil, []string{"HTTP interactions endpoint cannot be used with shards"}, false},
		{"with Slack", discord + "  shard: 0/2\nslack:\n  bot_token: xoxb-x\n  app_token: xapp-x\n", nil, []string{"cannot also serve Slack"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "studybot.yaml")
			if err := os.WriteFile(cfg, []byte("db: "+filepath.Join(dir, "s.db")+"\n"+tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			env := func(k string) string { return tt.env[k] }
			var out, errb strings.Builder
			code := run([]string{"config", "check", "--config", cfg}, strings.NewReader(""), &out, &errb, env)
			said := out.String()
			if !tt.ok {
				said = errb.String()
			}
			if (code == 0) != tt.ok {
				t.Fatalf("config check: exit %d, want ok=%v\n%s%s", code, tt.ok, out.String(), errb.String())
			}
			for _, w := range tt.says {
				if !strings.Contains(said, w) {
					t.Errorf("config check lacks %q:\n%s", w, said)
				}
			}
			if tt.ok {
				return
			}
			errb.Reset()
			if code := run([]string{"--config", cfg}, strings.NewReader("/quit\n"), &out, &errb, env); code == 0 || !strings.Contains(errb.String(), tt.says[0]) {
				t.Errorf("run: exit %d, %q, want %q", code, errb.String(), tt.says[0])
			}
		})
	}
}

// TestServerRunsItsShard: the configured shard reaches IDENTIFY.
func TestServerRunsItsShard(t *testing.T) {
	df := discordfake.New()
	defer df.Close()
	df.Verify(t)
	cfg, err := loadConfig("", func(k string) string {
		return map[string]string{"STUDYBOT_DB": filepath.Join(t.TempDir(), "s1.db"), "STUDYBOT_DISCORD_TOKEN": "tok",
			"STUDYBOT_DISCORD_APP_ID": "APP", "STUDYBOT_DISCORD_SHARDS": "2", "STUDYBOT_POD_NAME": "studybot-1"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	s, err := newServer(cfg, testBank(t), slog.New(slog.DiscardHandler), time.Now, serverOptions{discordClient: df.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	defer func() { cancel(); <-done }()
	waitUntil(t, "shard 1 identified", func() bool { return df.Connected(1) })
	if got := fmt.Sprint(df.Identify()["shard"]); got != "[1 2]" {
		t.Errorf("IDENTIFY shard %s, want [1 2]", got)
	}
}
