package slack_test

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"gopkg.in/yaml.v3"

	"github.com/studybot/studybot/bot"
	studyslack "github.com/studybot/studybot/bot/slack"
)

// TestManifests loads deploy/slack's manifests into slack-go's Manifest
// type and checks they list exactly the core's registry (bot.Commands), in
// its order (but the commands Slack reserves, NotOnSlack), with its
// descriptions and argument hints, the scopes the adapter needs and no
// more, the Messages tab (direct messages), the Home tab and its one
// event, interactivity, and the connection mode.
func TestManifests(t *testing.T) {
	for _, tt := range []struct {
		file   string
		socket bool
	}{{"../../deploy/slack/manifest.yaml", true}, {"../../deploy/slack/manifest-http.yaml", false}} {
		b, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		var m slack.Manifest
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		var slash []bot.CommandSpec // the registry's commands Slack takes (not /me: the Home tab)
		for _, c := range bot.Commands {
			if !c.NotOnSlack {
				slash = append(slash, c)
			}
		}
		if len(m.Features.SlashCommands) != len(slash) {
			t.Errorf("%s: %d commands, the registry has %d for Slack", tt.file, len(m.Features.SlashCommands), len(slash))
		}
		for i, c := range m.Features.SlashCommands {
			if !tt.socket && !strings.HasSuffix(c.Url, studyslack.DefaultPaths.Commands) {
				t.Errorf("%s: %s url %q", tt.file, c.Command, c.Url)
			}
			if i >= len(slash) {
				t.Errorf("%s: %s is not in the registry", tt.file, c.Command)
				continue
			}
			spec := slash[i]
			if c.Command != "/"+spec.Name || c.Description != spec.SlackDescription() || c.UsageHint != spec.Hint {
				t.Errorf("%s: command %d is %s %q %q, the registry says /%s %q %q", tt.file, i,
					c.Command, c.Description, c.UsageHint, spec.Name, spec.SlackDescription(), spec.Hint)
			}
		}
		scopes := append([]string{}, m.OAuthConfig.Scopes.Bot...)
		sort.Strings(scopes)
		if strings.Join(scopes, ",") != "chat:write,commands,files:write,im:write,users:read" {
			t.Errorf("%s scopes %v", tt.file, scopes)
		}
		if !m.Features.AppHome.MessagesTabEnabled {
			t.Errorf("%s: the Messages tab (where reminders arrive) is off", tt.file)
		}
		// the Home tab: enabled, app_home_opened and nothing else subscribed
		// (it needs no scope: views.publish and the event come with the bot user)
		if !m.Features.AppHome.HomeTabEnabled {
			t.Errorf("%s: the Home tab is off", tt.file)
		}
		if ev := m.Settings.EventSubscriptions; ev == nil || strings.Join(ev.BotEvents, ",") != "app_home_opened" || len(ev.UserEvents) > 0 {
			t.Errorf("%s: event subscriptions %+v, want the bot event app_home_opened alone", tt.file, ev)
		} else if !tt.socket && !strings.HasSuffix(ev.RequestUrl, studyslack.DefaultPaths.Events) || tt.socket && ev.RequestUrl != "" {
			t.Errorf("%s: events request_url %q", tt.file, ev.RequestUrl)
		}
		if m.Settings.Interactivity == nil || !m.Settings.Interactivity.IsEnabled {
			t.Errorf("%s: interactivity off", tt.file)
		}
		if m.Settings.SocketModeEnabled != tt.socket {
			t.Errorf("%s: socket_mode_enabled = %v", tt.file, m.Settings.SocketModeEnabled)
		}
		if !tt.socket && !strings.HasSuffix(m.Settings.Interactivity.RequestUrl, studyslack.DefaultPaths.Interactivity) {
			t.Errorf("%s: interactivity url %q", tt.file, m.Settings.Interactivity.RequestUrl)
		}
	}
}
