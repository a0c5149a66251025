package bot_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesPointInward checks the design card: adapters → bot →
// (questions, store); the core never imports a chat SDK, questions and store
// never import bot, and adapters never import each other. A package it
// names that does not exist (renamed, moved) fails the test, so that a
// rule cannot pass by checking nothing.
func TestDependenciesPointInward(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("no go command: %v", err)
	}
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	const mod = "github.com/studybot/studybot/"
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{mod + "questions", []string{"slack-go", "discordgo", mod + "bot", mod + "store", "bbolt", "go-fsrs"}},
		{mod + "store", []string{"slack-go", "discordgo", mod + "bot", "goldmark", "go-fsrs"}},
		{mod + "bot", []string{"slack-go", "discordgo", mod + "bot/slack", mod + "bot/discord", mod + "bot/console"}},
		{mod + "bot/console", []string{"slack-go", "discordgo", mod + "bot/slack", mod + "bot/discord"}},
		{mod + "bot/slack", []string{"discordgo", mod + "bot/discord", mod + "bot/console"}},
		{mod + "bot/discord", []string{"slack-go", mod + "bot/slack", mod + "bot/console"}},
		{mod + "bot/digest", []string{"slack-go", "discordgo", mod + "bot/", mod + "store", "bbolt"}},
		{mod + "bot/bottest", []string{"slack-go", "discordgo", mod + "bot/slack", mod + "bot/discord", mod + "bot/console"}},
	}
	for _, r := range rules {
		if out, err := exec.Command("go", "list", r.pkg).CombinedOutput(); err != nil {
			t.Errorf("%s is named by a rule but cannot be listed: %s", r.pkg, out)
			continue
		}
		for _, d := range deps(r.pkg) {
			for _, f := range r.forbidden {
				if strings.Contains(d, f) && d != r.pkg {
					t.Errorf("%s depends on %s", r.pkg, d)
				}
			}
		}
	}
}
