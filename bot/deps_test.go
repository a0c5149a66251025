package bot_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesPointInward checks the design card: adapters → bot →
// (questions, store); the core never imports a chat SDK, questions and store
// never import bot, and adapters never import each other.
func TestDependenciesPointInward(t *testing.T) {
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Skipf("go list unavailable: %v", err)
		}
		return strings.Fields(string(out))
	}
	const mod = "github.com/studybot/studybot/"
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{mod + "questions", []string{"slack-go", "discordgo", mod + "bot", mod + "store", "bbolt"}},
		{mod + "store", []string{"slack-go", "discordgo", mod + "bot", "goldmark"}},
		{mod + "bot", []string{"slack-go", "discordgo", mod + "bot/slack", mod + "bot/discord", mod + "bot/console"}},
		{mod + "bot/console", []string{"slack-go", "discordgo", mod + "bot/slack", mod + "bot/discord"}},
		{mod + "bot/slack", []string{"discordgo", mod + "bot/discord", mod + "bot/console"}},
		{mod + "bot/discord", []string{"slack-go", mod + "bot/slack", mod + "bot/console"}},
	}
	for _, r := range rules {
		out, err := exec.Command("go", "list", r.pkg).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "cannot find") || strings.Contains(string(out), "no required module") || strings.Contains(string(out), "matched no packages") {
				continue // adapter not written yet
			}
			t.Fatalf("go list %s: %s", r.pkg, out)
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
