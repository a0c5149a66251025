package discord_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	studydiscord "github.com/studybot/studybot/bot/discord"
	"github.com/studybot/studybot/bot/discord/discordfake"
	"github.com/studybot/studybot/store"
)

// recorder is a shard's REST transport: it notes every call the shard
// makes, so a test can tell which shard sent what.
type recorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	calls []string // "POST /api/v9/channels/C/messages"
}

// RoundTrip implements http.RoundTripper.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.calls = append(r.calls, req.Method+" "+req.URL.Path)
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// count returns how many calls start with prefix.
func (r *recorder) count(prefix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// shardRig is one shard: its own database, bot and adapter.
type shardRig struct {
	db  *store.DB
	bot *bot.Bot
	ad  *studydiscord.Adapter
	rec *recorder
}

func newShard(t *testing.T, fake *discordfake.Server, clock *bottest.Clock, id, count int) *shardRig {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), fmt.Sprintf("shard-%d.db", id)), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now, UpdateEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: fake.Client().Transport}
	ad, err := studydiscord.New(studydiscord.Config{Token: "fake-token", AppID: "APP", HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: rec},
		PostEvery: time.Millisecond, ShardID: id, ShardCount: count}, b)
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(ad)
	t.Cleanup(func() {
		ad.Close()
		b.Close()
		if _, err := db.Check(); err != nil {
			t.Errorf("shard %d: store check: %v", id, err)
		}
		db.Close()
	})
	return &shardRig{db: db, bot: b, ad: ad, rec: rec}
}

// run runs the shard's adapter until the test ends.
func (s *shardRig) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ad.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
}

// Guilds chosen so that each shard of two gets three, and so that the
// shift matters: 1100000000000000000 is even but in shard 1, and
// 1300000000000000001 odd but in shard 0 ((id >> 22) % 2, not id % 2).
var shardGuilds = []struct {
	id    string
	shard int
	early bool // in the bot before the shards connect (READY), else added after
}{
	{"1100000000000000000", 1, true},
	{"1100000000004194304", 0, true},
	{"1300000000000000001", 0, true},
	{"1300000000004194305", 1, false},
	{"81384788765712384", 0, false},
	{"1234567890123456789", 1, false},
}

// TestTwoShards runs the fake Discord with two shards, each its own
// adapter, database and bot, in one process: every guild's events reach
// exactly one shard (the right one), its data lands in that shard's
// database, direct messages go to shard 0, and each guild's scheduled
// posts come from its own shard only, even when a guild's channel is left
// in the other shard's database.
func TestTwoShards(t *testing.T) {
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.Verify(t)
	clock := bottest.NewClock(tuesday09.Add(-time.Hour))
	for _, g := range shardGuilds {
		if g.early {
			fake.AddGuild(g.id)
		}
	}
	shards := []*shardRig{newShard(t, fake, clock, 0, 2), newShard(t, fake, clock, 1, 2)}
	// A channel of a shard-1 guild left in shard 0's database (registered
	// there before the bot was sharded): shard 0 must not post to it.
	left := store.SpaceRef{Platform: store.Discord, ID: "1100000000000000000"}
	if _, err := shards[0].bot.EnsureChannel(left, "C-"+left.ID); err != nil {
		t.Fatal(err)
	}
	for _, s := range shards {
		s.run(t)
	}
	waitFor(t, "both shards identified", func() bool { return fake.Connected(0) && fake.Connected(1) })
	for _, g := range shardGuilds {
		if !g.early {
			fake.AddGuild(g.id)
		}
	}

	// GUILD_CREATE: every guild reaches exactly its shard's adapter.
	want := [2][]string{}
	for _, g := range shardGuilds {
		want[g.shard] = append(want[g.shard], g.id)
	}
	for i := range want {
		slices.Sort(want[i])
	}
	waitFor(t, "every guild announced", func() bool {
		return len(shards[0].ad.Guilds())+len(shards[1].ad.Guilds()) == len(shardGuilds)
	})
	for i, s := range shards {
		if got := s.ad.Guilds(); !slices.Equal(got, want[i]) {
			t.Errorf("shard %d was announced guilds %v, want %v", i, got, want[i])
		}
	}

	// Interactions: an admin schedules each guild's channel; a DM asks for
	// stats. Each is answered by its shard and stored in its database.
	var ids []string
	for _, g := range shardGuilds {
		i := discordfake.Command(g.id, "C-"+g.id, "ADMIN", manage, "studybot", map[string]any{"args": "schedule 0 9 * * 1-5 Asia/Tokyo"})
		if err := fake.Interact(i); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, i["id"].(string))
	}
	dm := discordfake.Command("", "DM-1", "DMUSER", 0, "stats", nil)
	if err := fake.Interact(dm); err != nil {
		t.Fatal(err)
	}
	for k, id := range ids {
		g := shardGuilds[k]
		waitFor(t, "the answer in "+g.id, func() bool { return len(fake.Calls(http.MethodPost, "/api/v9/interactions/"+id+"/")) == 1 })
		for i, s := range shards {
			answered := s.rec.count("POST /api/v9/interactions/"+id+"/") == 1
			if answered != (i == g.shard) {
				t.Errorf("guild %s (shard %d): shard %d answered=%v", g.id, g.shard, i, answered)
			}
		}
		sp := store.SpaceRef{Platform: store.Discord, ID: g.id}
		ch, err := shards[g.shard].db.GetChannel(sp, "C-"+g.id)
		if err != nil || ch.Cron != "0 9 * * 1-5" {
			t.Errorf("guild %s: not scheduled in its shard's database: %+v %v", g.id, ch, err)
		}
		if _, err := shards[1-g.shard].db.GetChannel(sp, "C-"+g.id); sp != left && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("guild %s: in the other shard's database (%v)", g.id, err)
		}
	}
	waitFor(t, "the DM's answer", func() bool { return shards[0].rec.count("POST /api/v9/interactions/"+dm["id"].(string)+"/") == 1 })
	if n := shards[1].rec.count("POST /api/v9/interactions/" + dm["id"].(string) + "/"); n != 0 {
		t.Errorf("shard 1 answered a DM")
	}

	// The fake's own record: each event went over one connection, its shard's.
	for i := range shards {
		for _, e := range fake.Events(i) {
			if e.Type == "READY" {
				continue
			}
			if s, _ := discordfake.ShardOf(e.Guild, 2); s != i {
				t.Errorf("shard %d got %s of guild %q", i, e.Type, e.Guild)
			}
		}
	}
	seen := map[string]int{}
	for i := range shards {
		for _, e := range fake.Events(i) {
			seen[e.Type+" "+e.Guild]++
		}
	}
	for _, g := range shardGuilds {
		if seen["GUILD_CREATE "+g.id] != 1 || seen["INTERACTION_CREATE "+g.id] != 1 {
			t.Errorf("guild %s: %d GUILD_CREATE, %d INTERACTION_CREATE, want 1 each", g.id, seen["GUILD_CREATE "+g.id], seen["INTERACTION_CREATE "+g.id])
		}
	}

	// Commands belong to the application: only shard 0 registers them.
	if n0, n1 := shards[0].rec.count("PUT /api/v9/applications/APP/commands"), shards[1].rec.count("PUT /api/v9/applications/"); n0 != 1 || n1 != 0 {
		t.Errorf("command registrations: shard 0 %d, shard 1 %d; want 1 and 0", n0, n1)
	}

	// 09:00: each guild's card comes from its shard only; the channel left in
	// shard 0's database is posted once, by shard 1.
	clock.Set(tuesday09)
	for _, s := range shards {
		s.bot.RunDue(context.Background(), clock.Now())
	}
	for _, g := range shardGuilds {
		path := "/api/v9/channels/C-" + g.id + "/messages"
		if n := len(fake.Calls(http.MethodPost, path)); n != 1 {
			t.Errorf("guild %s: %d cards, want 1", g.id, n)
		}
		for i, s := range shards {
			if n := s.rec.count("POST " + path); (n == 1) != (i == g.shard) {
				t.Errorf("guild %s (shard %d): shard %d posted %d cards", g.id, g.shard, i, n)
			}
		}
	}
	// 17:00: each closes its own (results and the closed card), nothing else.
	// The closed card is edited at once or, where the global pace has no
	// room just then, by the card updater when it has.
	clock.Set(tuesday09.Add(8 * time.Hour))
	for _, s := range shards {
		s.bot.StartUpdater()
		s.bot.RunDue(context.Background(), clock.Now())
	}
	for _, g := range shardGuilds {
		path := "/api/v9/channels/C-" + g.id + "/messages"
		waitFor(t, "the closed card in "+g.id, func() bool { return shards[g.shard].rec.count("PATCH "+path+"/") > 0 })
	}
	for _, g := range shardGuilds {
		path := "/api/v9/channels/C-" + g.id + "/messages"
		for i, s := range shards {
			posts, edits := s.rec.count("POST "+path), s.rec.count("PATCH "+path+"/")
			if i == g.shard && (posts != 2 || edits != 1) {
				t.Errorf("guild %s: its shard posted %d messages and %d edits, want the card, the results and one edit", g.id, posts, edits)
			}
			if i != g.shard && posts+edits != 0 {
				t.Errorf("guild %s (shard %d): shard %d sent %d messages and %d edits", g.id, g.shard, i, posts, edits)
			}
		}
	}
}

// TestShardRefusesAnotherShardsGuild: an interaction of another shard's
// guild (which Discord's gateway never sends) is refused with a log and
// no answer, and nothing is stored for it.
func TestShardRefusesAnotherShardsGuild(t *testing.T) {
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.Verify(t)
	clock := bottest.NewClock(tuesday09)
	s1 := newShard(t, fake, clock, 1, 2)
	s1.run(t)
	waitFor(t, "shard 1 identified", func() bool { return fake.Connected(1) })
	// shard 0's guild, and a DM (shard 0's too)
	for _, i := range []map[string]any{
		discordfake.Command("1100000000004194304", "C-0", "ADMIN", manage, "studybot", map[string]any{"args": "pause"}),
		discordfake.Command("", "DM-1", "U1", 0, "stats", nil),
	} {
		if err := fake.Interact(i); err == nil {
			t.Errorf("the fake routed guild %q to shard 1", i["guild_id"])
		}
	}
	i := discordfake.Command("1100000000004194304", "C-0", "ADMIN", manage, "studybot", map[string]any{"args": "pause"})
	if err := fake.Misroute(1, i); err != nil {
		t.Fatal(err)
	}
	dm := discordfake.Command("", "DM-1", "U1", 0, "stats", nil)
	if err := fake.Misroute(1, dm); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both refused", func() bool { return s1.ad.Refused() == 2 })
	if n := s1.rec.count("POST /api/v9/interactions/"); n != 0 {
		t.Errorf("shard 1 answered %d misrouted interactions", n)
	}
	if chans, _ := s1.db.Channels(); len(chans) != 0 {
		t.Errorf("shard 1 stored %v", chans)
	}
}

func TestShardConfig(t *testing.T) {
	pub := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name       string
		id, count  int
		publicKey  string
		wantErrSub string
		is         error // the sentinel, if any
	}{
		{"unsharded", 0, 0, pub, "", nil},
		{"one of one", 0, 1, pub, "", nil},
		{"last of four", 3, 4, "", "", nil},
		{"index at the count", 2, 2, "", "0 ≤ shard < 2", nil},
		{"negative index", -1, 2, "", "0 ≤ shard < 2", nil},
		{"negative count", 0, -2, "", "at least 1", nil},
		{"index without count", 1, 0, "", "without a shard count", nil},
		{"HTTP endpoint with shards", 0, 2, pub, "HTTP interactions endpoint", studydiscord.ErrShardHTTP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := studydiscord.New(studydiscord.Config{Token: "t", AppID: "APP", PublicKey: tc.publicKey, ShardID: tc.id, ShardCount: tc.count}, nil)
			switch {
			case tc.wantErrSub == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErrSub != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErrSub)):
				t.Fatalf("error %v, want one saying %q", err, tc.wantErrSub)
			case tc.is != nil && !errors.Is(err, tc.is):
				t.Fatalf("error %v, want %v", err, tc.is)
			}
		})
	}
}

func TestShardOf(t *testing.T) {
	for _, g := range shardGuilds {
		if s, err := studydiscord.ShardOf(g.id, 2); err != nil || s != g.shard {
			t.Errorf("ShardOf(%s, 2) = %d, %v; want %d", g.id, s, err, g.shard)
		}
	}
	for _, tc := range []struct {
		guild string
		count int
		want  int
	}{
		{"", 4, 0},                    // a DM
		{studydiscord.DMSpace, 4, 0},  // the DM space
		{"81384788765712384", 1, 0},   // one shard
		{"81384788765712384", 3, 1},   // (81384788765712384 >> 22) % 3
		{"1300000000004194305", 3, 0}, // (… >> 22) % 3
	} {
		if s, err := studydiscord.ShardOf(tc.guild, tc.count); err != nil || s != tc.want {
			t.Errorf("ShardOf(%q, %d) = %d, %v; want %d", tc.guild, tc.count, s, err, tc.want)
		}
	}
	if _, err := studydiscord.ShardOf("G1", 2); err == nil {
		t.Error("ShardOf accepted a guild ID that is not a snowflake")
	}
}

// TestShardingRequired: a gateway connection that would hold more guilds
// than one shard may is closed with 4011, and Run says so.
func TestShardingRequired(t *testing.T) {
	fake := discordfake.New()
	t.Cleanup(fake.Close)
	fake.SetMaxGuildsPerShard(2)
	for _, g := range shardGuilds {
		fake.AddGuild(g.id)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: openTestDB(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ad, err := studydiscord.New(studydiscord.Config{Token: "t", AppID: "APP", HTTPClient: fake.Client()}, b)
	if err != nil {
		t.Fatal(err)
	}
	defer ad.Close()
	err = ad.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "4011") || !strings.Contains(err.Error(), "Sharding required") {
		t.Fatalf("Run: %v, want the gateway's 4011 Sharding required", err)
	}
}

func openTestDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
