package slack_test

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"gopkg.in/yaml.v3"

	studyslack "github.com/studybot/studybot/bot/slack"
)

// TestManifests loads deploy/slack's manifests into slack-go's Manifest
// type and checks they list exactly the commands the adapter serves, the
// scopes it needs and no more, interactivity, and the connection mode.
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
		var got []string
		for _, c := range m.Features.SlashCommands {
			got = append(got, strings.TrimPrefix(c.Command, "/"))
			if !tt.socket && !strings.HasSuffix(c.Url, studyslack.DefaultPaths.Commands) {
				t.Errorf("%s: /%s url %q", tt.file, c.Command, c.Url)
			}
			if c.Description == "" {
				t.Errorf("%s: %s has no description", tt.file, c.Command)
			}
		}
		want := studyslack.Commands()
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s commands %v, adapter serves %v", tt.file, got, want)
		}
		scopes := append([]string{}, m.OAuthConfig.Scopes.Bot...)
		sort.Strings(scopes)
		if strings.Join(scopes, ",") != "chat:write,commands,users:read" {
			t.Errorf("%s scopes %v", tt.file, scopes)
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
