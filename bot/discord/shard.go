package discord

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// Sharding. Discord requires a bot in more than 2,500 guilds to split its
// gateway connections into shards; a guild belongs to shard
// (guild_id >> 22) % shard_count and direct messages to shard 0. studybot
// runs one shard per process, each with its own database, so a guild's
// data lives with its shard. The gateway delivers a shard only its own
// guilds' events; the adapter still checks every interaction and refuses
// (with a log line) one of another shard's guild, and tells the core which
// spaces it serves (OwnsSpace) so that scheduled posts go only to its own
// guilds' channels. The HTTP interactions endpoint is one URL for every
// guild, so it cannot be combined with shards (New refuses it: ErrShardHTTP).

// MaxGuildsPerShard is how many guilds Discord lets one gateway connection
// handle; past it the gateway closes with 4011 "Sharding required".
const MaxGuildsPerShard = 2500

// ShardOf returns the shard of a guild among count shards, Discord's
// (guild_id >> 22) % count; the empty guild (a direct message) is shard 0.
// It fails on a guild ID that is not a snowflake.
func ShardOf(guildID string, count int) (int, error) {
	if count <= 1 || guildID == "" || guildID == DMSpace {
		return 0, nil
	}
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("discord: guild ID %q is not a snowflake", guildID)
	}
	return int((id >> 22) % uint64(count)), nil
}

// checkShard validates a shard setting (count 0 means unsharded).
func checkShard(id, count int) error {
	switch {
	case count < 0:
		return fmt.Errorf("discord: shard count %d: want at least 1", count)
	case count == 0 && id != 0:
		return fmt.Errorf("discord: shard %d without a shard count", id)
	case count > 0 && (id < 0 || id >= count):
		return fmt.Errorf("discord: shard %d/%d: want 0 ≤ shard < %d", id, count, count)
	}
	return nil
}

// sharded reports whether the adapter serves one shard of several.
func (a *Adapter) sharded() bool { return a.cfg.ShardCount > 1 }

// OwnsSpace reports whether this shard serves a space (a guild ID, or
// DMSpace for direct messages): it implements bot.SpaceOwner, so the core
// posts on schedule only to this shard's guilds.
func (a *Adapter) OwnsSpace(id string) bool {
	if !a.sharded() {
		return true
	}
	s, err := ShardOf(id, a.cfg.ShardCount)
	return err == nil && s == a.cfg.ShardID
}

// foreign reports (and logs) an interaction of a guild another shard
// serves. The gateway never sends one; anything else that does is
// misrouted, and its guild's data is not here.
func (a *Adapter) foreign(i *discordgo.Interaction) bool {
	guild := i.GuildID
	if guild == "" {
		guild = DMSpace
	}
	if a.OwnsSpace(guild) {
		return false
	}
	owner, _ := ShardOf(i.GuildID, a.cfg.ShardCount)
	a.foreignSeen.Add(1)
	a.log.Warn("refused an interaction of another shard's guild; its data is not in this shard's database",
		"guild", i.GuildID, "guild_shard", owner, "shard", a.cfg.ShardID, "shards", a.cfg.ShardCount, "interaction", i.ID)
	return true
}

// Refused returns how many interactions of other shards' guilds were
// refused.
func (a *Adapter) Refused() int64 { return a.foreignSeen.Load() }

// trackGuild records a GUILD_CREATE (add) or GUILD_DELETE.
func (a *Adapter) trackGuild(id string, add bool) {
	a.guildMu.Lock()
	defer a.guildMu.Unlock()
	if a.guilds == nil {
		a.guilds = map[string]bool{}
	}
	if add {
		a.guilds[id] = true
	} else {
		delete(a.guilds, id)
	}
}

// Guilds returns the IDs of the guilds the gateway announced to this
// shard (GUILD_CREATE, less GUILD_DELETE), sorted.
func (a *Adapter) Guilds() []string {
	a.guildMu.Lock()
	defer a.guildMu.Unlock()
	out := make([]string, 0, len(a.guilds))
	for id := range a.guilds {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
