package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/studybot/studybot/bot/discord/discordfake"
	"github.com/studybot/studybot/bot/render"
)

// TestMeCommand: /me is registered with the other commands and answers
// with an ephemeral embed and its buttons (checked by the strict fake);
// Start review answers with the review question, ephemeral; the admins'
// block shows for Manage Server only.
func TestMeCommand(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "command registration", func() bool {
		return len(r.fake.Calls(http.MethodPut, "/api/v9/applications/APP/guilds/G1/commands")) == 1
	})
	var cmds []map[string]any
	json.Unmarshal(r.fake.Calls(http.MethodPut, "/api/v9/applications/")[0].Raw, &cmds)
	found := false
	for _, c := range cmds {
		found = found || c["name"] == "me"
	}
	if !found {
		t.Fatalf("/me not registered: %v", cmds)
	}

	got := r.command(t, "G1", "USER", 0, "me", nil)
	for _, w := range []string{`"flags":64`, "あなたの学習状況", `"embeds"`, render.CommandAction("review"), render.SettingAction("review", "remind", "21:00")} {
		if !strings.Contains(got, w) {
			t.Errorf("/me lacks %s: %s", w, got)
		}
	}
	if strings.Contains(got, "管理者向け") {
		t.Errorf("a non-admin's /me has the admins' block")
	}
	if got := r.command(t, "G1", "ADMIN", manage, "me", nil); !strings.Contains(got, "管理者向け") {
		t.Errorf("admin's /me: %s", got)
	}
	c := discordfake.Click("G1", "C1", "USER", render.CommandAction("review"), "M-me")
	if err := r.fake.Interact(c); err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(r.callbackFor(t, c["id"].(string))); !strings.Contains(string(b), "sb1:v:") || !strings.Contains(string(b), `"flags":64`) {
		t.Errorf("Start review: %s", b)
	}
}
