package discordfake_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/studybot/studybot/bot/discord/discordfake"
)

// dial opens a raw gateway connection to the fake and reads HELLO.
func dial(t *testing.T, s *discordfake.Server) *websocket.Conn {
	t.Helper()
	res, err := s.Client().Get("https://discord.com/api/v9/gateway")
	if err != nil {
		t.Fatal(err)
	}
	var gw struct{ URL string }
	json.NewDecoder(res.Body).Decode(&gw)
	res.Body.Close()
	ws, _, err := websocket.DefaultDialer.Dial(gw.URL, http.Header{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var hello struct{ Op int }
	if err := ws.ReadJSON(&hello); err != nil || hello.Op != 10 {
		t.Fatalf("hello: %+v %v", hello, err)
	}
	return ws
}

// identify sends IDENTIFY with the shard field (omitted when nil) and
// returns the dispatches up to the last GUILD_CREATE expected, or the
// close error.
func identify(t *testing.T, ws *websocket.Conn, shard any, events int) ([]map[string]any, error) {
	t.Helper()
	d := map[string]any{"token": "Bot t", "intents": 1, "properties": map[string]any{"os": "linux"}}
	if shard != nil {
		d["shard"] = shard
	}
	if err := ws.WriteJSON(map[string]any{"op": 2, "d": d}); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for len(out) < events+1 {
		var msg map[string]any
		if err := ws.ReadJSON(&msg); err != nil {
			return out, err
		}
		out = append(out, msg)
	}
	return out, nil
}

func TestIdentifyShardValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shard any
		code  int // 0: accepted
	}{
		{"no shard", nil, 0},
		{"one of one", []int{0, 1}, 0},
		{"last of three", []int{2, 3}, 0},
		{"index at the count", []int{2, 2}, discordfake.CloseInvalidShard},
		{"negative index", []int{-1, 2}, discordfake.CloseInvalidShard},
		{"zero shards", []int{0, 0}, discordfake.CloseInvalidShard},
		{"one number", []int{0}, discordfake.CloseInvalidShard},
		{"not a list", "0/2", discordfake.CloseInvalidShard},
		{"fractions", []float64{0.5, 2}, discordfake.CloseInvalidShard},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := discordfake.New()
			defer s.Close()
			evs, err := identify(t, dial(t, s), tc.shard, 0)
			var ce *websocket.CloseError
			switch {
			case tc.code == 0 && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.code == 0 && evs[0]["t"] != "READY":
				t.Fatalf("first dispatch %v, want READY", evs[0])
			case tc.code != 0 && (!errors.As(err, &ce) || ce.Code != tc.code || ce.Text != "Invalid shard"):
				t.Fatalf("got %v (events %v), want close %d Invalid shard", err, evs, tc.code)
			}
		})
	}
}

// TestGuildsGoToTheirShard: READY lists the shard's guilds as unavailable,
// a GUILD_CREATE follows for each, and interactions go only to the
// connection of their guild's shard (DMs to shard 0).
func TestGuildsGoToTheirShard(t *testing.T) {
	s := discordfake.New()
	defer s.Close()
	guilds := map[string]int{"1100000000000000000": 1, "1100000000004194304": 0, "1300000000000000001": 0, "1300000000004194305": 1}
	for g := range guilds {
		s.AddGuild(g)
	}
	conns := make([]*websocket.Conn, 2)
	for i := range conns {
		conns[i] = dial(t, s)
		evs, err := identify(t, conns[i], []int{i, 2}, 2)
		if err != nil {
			t.Fatal(err)
		}
		ready := evs[0]["d"].(map[string]any)
		if len(ready["guilds"].([]any)) != 2 {
			t.Errorf("shard %d READY guilds %v", i, ready["guilds"])
		}
		for _, e := range evs[1:] {
			g := e["d"].(map[string]any)["id"].(string)
			if e["t"] != "GUILD_CREATE" || guilds[g] != i {
				t.Errorf("shard %d got %s of %s (shard %d)", i, e["t"], g, guilds[g])
			}
		}
	}
	for g, shard := range guilds {
		if err := s.Interact(map[string]any{"id": "I" + g, "type": 2, "token": "tok" + g, "guild_id": g}); err != nil {
			t.Fatal(err)
		}
		var msg map[string]any
		if err := conns[shard].ReadJSON(&msg); err != nil || msg["t"] != "INTERACTION_CREATE" || msg["d"].(map[string]any)["guild_id"] != g {
			t.Fatalf("shard %d: %v %v, want the interaction of %s", shard, msg, err, g)
		}
	}
	if err := s.Interact(map[string]any{"id": "IDM", "type": 2, "token": "tokdm"}); err != nil {
		t.Fatal(err)
	}
	var msg map[string]any
	if err := conns[0].ReadJSON(&msg); err != nil || msg["d"].(map[string]any)["id"] != "IDM" {
		t.Fatalf("shard 0: %v %v, want the DM", msg, err)
	}
	// nothing else reached either connection: the fake's record agrees
	for i := range conns {
		for _, e := range s.Events(i) {
			if sh, _ := discordfake.ShardOf(e.Guild, 2); e.Type != "READY" && sh != i {
				t.Errorf("shard %d was sent %s of %s", i, e.Type, e.Guild)
			}
		}
		if n := len(s.Events(i)); n != 1+2+2+(1-i) {
			t.Errorf("shard %d: %d events, want READY, 2 GUILD_CREATE, 2 interactions%s", i, n, strings.Repeat(" and the DM", 1-i))
		}
	}
	// a guild ID that is not a snowflake has no shard among two
	if err := s.Interact(map[string]any{"id": "X", "type": 2, "token": "x", "guild_id": "G1"}); err == nil {
		t.Error("routed a non-snowflake guild among two shards")
	}
}

func TestShardingRequired(t *testing.T) {
	s := discordfake.New()
	defer s.Close()
	s.SetMaxGuildsPerShard(1)
	s.AddGuild("1100000000000000000")         // shard 1 of 2
	s.AddGuild("1100000000004194304")         // shard 0 of 2
	_, err := identify(t, dial(t, s), nil, 2) // one connection for both
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != discordfake.CloseShardingRequired || ce.Text != "Sharding required" {
		t.Fatalf("unsharded: %v, want close 4011 Sharding required", err)
	}
	if _, err := identify(t, dial(t, s), []int{1, 2}, 1); err != nil {
		t.Fatalf("shard 1 of 2: %v", err)
	}
}
