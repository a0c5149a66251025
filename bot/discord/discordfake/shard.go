package discordfake

import (
	"fmt"
	"strconv"
)

// Sharding as Discord does it
// (https://discord.com/developers/docs/events/gateway#sharding): IDENTIFY
// may carry "shard": [shard_id, num_shards]; a guild's events go only to
// the connection whose shard_id is (guild_id >> 22) % num_shards, and
// direct messages to shard 0. The fake computes this on its own, apart
// from the adapter's copy, so a mistake in either shows.
const (
	// CloseInvalidShard is the close code for an IDENTIFY with an invalid
	// shard (not [id, count] with 0 ≤ id < count).
	CloseInvalidShard = 4010
	// CloseShardingRequired is the close code for a connection that would
	// hold more than the guilds one shard may (MaxGuildsPerShard).
	CloseShardingRequired = 4011
	// MaxGuildsPerShard is how many guilds one connection may hold.
	MaxGuildsPerShard = 2500
)

// ShardOf is Discord's shard of a guild: (guild_id >> 22) % count, and 0
// for a direct message (no guild) or one shard. ok is false for a guild
// ID that is not a snowflake when there are several shards.
func ShardOf(guild string, count int) (shard int, ok bool) {
	if count <= 1 || guild == "" {
		return 0, true
	}
	id, err := strconv.ParseUint(guild, 10, 64)
	if err != nil {
		return 0, false
	}
	return int((id >> 22) % uint64(count)), true
}

// parseShard reads IDENTIFY's shard field: absent is [0, 1].
func parseShard(v any) (shard, count int, ok bool) {
	if v == nil {
		return 0, 1, true
	}
	a, isList := v.([]any)
	if !isList || len(a) != 2 {
		return 0, 0, false
	}
	var n [2]int
	for i, x := range a {
		f, isNum := x.(float64)
		if !isNum || f != float64(int(f)) {
			return 0, 0, false
		}
		n[i] = int(f)
	}
	if n[1] < 1 || n[0] < 0 || n[0] >= n[1] {
		return 0, 0, false
	}
	return n[0], n[1], true
}

// guildsOf returns the bot's guilds that belong to shard of count. The
// caller holds g.mu.
func (g *gateway) guildsOf(shard, count int) []string {
	var out []string
	for _, id := range g.guilds {
		if s, ok := ShardOf(id, count); ok && s == shard {
			out = append(out, id)
		}
	}
	return out
}

// connFor returns the newest ready connection whose shard serves guild.
func (g *gateway) connFor(guild string) (*conn, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := len(g.conns) - 1; i >= 0; i-- {
		c := g.conns[i]
		if s, ok := ShardOf(guild, c.count); c.ready && ok && s == c.shard {
			return c, nil
		}
	}
	return nil, fmt.Errorf("discordfake: no gateway connection serves guild %q", guild)
}

// connOf returns the newest ready connection of a shard.
func (g *gateway) connOf(shard int) (*conn, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := len(g.conns) - 1; i >= 0; i-- {
		if c := g.conns[i]; c.ready && c.shard == shard {
			return c, nil
		}
	}
	return nil, fmt.Errorf("discordfake: no gateway connection of shard %d", shard)
}

// AddGuild adds the bot to a guild (a snowflake ID when the bot shards):
// the connection of its shard, if one is ready, gets its GUILD_CREATE now,
// and a connection that identifies later gets it after READY.
func (s *Server) AddGuild(id string) {
	s.gw.mu.Lock()
	s.gw.guilds = append(s.gw.guilds, id)
	var to []*conn
	for _, c := range s.gw.conns {
		if sh, ok := ShardOf(id, c.count); c.ready && ok && sh == c.shard {
			to = append(to, c)
		}
	}
	s.gw.mu.Unlock()
	for _, c := range to {
		c.dispatch("GUILD_CREATE", guildCreate(id))
		s.gw.record(c, "GUILD_CREATE", id)
	}
}

// SetMaxGuildsPerShard lowers the guilds one connection may hold (default
// MaxGuildsPerShard), so a test can see 4011 "Sharding required" without
// thousands of guilds.
func (s *Server) SetMaxGuildsPerShard(n int) {
	s.gw.mu.Lock()
	s.gw.perShard = n
	s.gw.mu.Unlock()
}

// Events returns the dispatches sent so far over the connections of a
// shard (a shard that reconnected: every connection's, oldest first;
// connections that ended are forgotten).
func (s *Server) Events(shard int) []Event {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	var out []Event
	for _, c := range s.gw.conns {
		if c.ready && c.shard == shard {
			out = append(out, c.events...)
		}
	}
	return out
}

// Connected reports whether a connection of the shard completed IDENTIFY.
func (s *Server) Connected(shard int) bool {
	_, err := s.gw.connOf(shard)
	return err == nil
}

// Misroute dispatches an interaction over a shard's connection whatever
// its guild: a fault Discord's gateway does not make, for testing that a
// shard refuses another shard's guild.
func (s *Server) Misroute(shard int, i map[string]any) error {
	c, err := s.gw.connOf(shard)
	if err != nil {
		return err
	}
	return s.interactOn(c, i)
}
