package bot_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/store"
)

func TestParseSchedule(t *testing.T) {
	good := []string{"0 9 * * 1-5", "*/15 * * * *", "@daily", "30 8 1 * *"}
	for _, s := range good {
		if _, err := bot.ParseSchedule(s, "Asia/Tokyo"); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	bad := []struct{ spec, tz string }{{"61 9 * * *", "UTC"}, {"0 9 * *", "UTC"}, {"CRON_TZ=UTC 0 9 * * *", "UTC"}, {"0 9 * * *", "Mars/Base"}, {"", "UTC"}}
	for _, b := range bad {
		if _, err := bot.ParseSchedule(b.spec, b.tz); err == nil {
			t.Errorf("%q in %q accepted", b.spec, b.tz)
		}
	}
}

// TestSchedulerFiresWithCron runs the real robfig/cron scheduler on the
// wall clock with a one-second schedule, changes the schedule while it runs
// (no restart), and shuts down cleanly.
func TestSchedulerFiresWithCron(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plat := bottest.NewPlatform("test")
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db})
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(plat)
	sp := store.SpaceRef{Platform: "test", ID: "team"}
	if _, err := b.EnsureChannel(sp, "general"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	// Switch to every second while running: Sync picks it up without a restart.
	resp := b.HandleCommand(ctx, bot.Command{Space: sp, Channel: "general", User: "adm", Admin: true, Name: "studybot", Args: []string{"schedule", "@every", "1s", "UTC"}})
	if resp.Messages[0].Kind == bot.KindError {
		t.Fatalf("schedule: %s", resp.Messages[0].Text())
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(plat.Sent("card")) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	b.Close()
	n := len(plat.Sent("card"))
	if n < 2 {
		t.Fatalf("%d cards posted by cron in 5s", n)
	}
	time.Sleep(1500 * time.Millisecond)
	if m := len(plat.Sent("card")); m != n {
		t.Errorf("cron kept posting after Close: %d → %d", n, m)
	}
}
