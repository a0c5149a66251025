package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRateSettings: the adapters' paces come from the config file and the
// environment (which wins), with the adapters' defaults when unset; a
// sharded Discord process's default is its share of the bot's global
// limit.
func TestRateSettings(t *testing.T) {
	tests := []struct {
		name, yaml             string
		env                    map[string]string
		workspace, updates, gl float64
	}{
		{"defaults", "", nil, 9, 45, 45},
		{"from the file", "slack:\n  workspace_rate: 20\n  updates_per_minute: 90\ndiscord:\n  global_rate: 100\n", nil, 20, 90, 100},
		{"the environment wins", "slack:\n  workspace_rate: 20\n", map[string]string{
			"STUDYBOT_SLACK_WORKSPACE_RATE": "2.5", "STUDYBOT_SLACK_UPDATES_PER_MINUTE": "30", "STUDYBOT_DISCORD_GLOBAL_RATE": "40"}, 2.5, 30, 40},
		{"three shards share the global limit", "discord:\n  shard: 1/3\n", nil, 9, 45, 15},
		{"a shard's own setting", "discord:\n  shard: 1/3\n  global_rate: 30\n", nil, 9, 45, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "studybot.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := loadConfig(path, func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if err := c.validate(); err != nil {
				t.Fatal(err)
			}
			if c.Slack.WorkspaceRate != tt.workspace || c.Slack.UpdatesPerMinute != tt.updates || c.Discord.GlobalRate != tt.gl {
				t.Errorf("workspace_rate %v, updates_per_minute %v, global_rate %v; want %v, %v, %v",
					c.Slack.WorkspaceRate, c.Slack.UpdatesPerMinute, c.Discord.GlobalRate, tt.workspace, tt.updates, tt.gl)
			}
		})
	}
}
