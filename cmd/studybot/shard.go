package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Discord shards. A process runs one shard of the bot's gateway
// connections and keeps only that shard's guilds in its database. The
// shard is discord.shard ("i/N"), or, with only discord.shards (N) set,
// the ordinal at the end of the process's StatefulSet pod name:
// STUDYBOT_POD_NAME (the Downward API's metadata.name), else HOSTNAME
// (a StatefulSet pod's hostname is its name), so "studybot-3" is shard 3.

// ordinal is a StatefulSet pod name's ordinal suffix.
var ordinal = regexp.MustCompile(`-(\d+)$`)

// shard returns the Discord shard and shard count; count 0 means
// unsharded. Errors name the setting and say what to change.
func (d DiscordConfig) shard() (id, count int, err error) {
	if d.Shards < 0 {
		return 0, 0, fmt.Errorf("discord.shards %d: want at least 1", d.Shards)
	}
	if d.Shard != "" {
		is, ns, ok := strings.Cut(strings.TrimSpace(d.Shard), "/")
		id, err1 := strconv.Atoi(strings.TrimSpace(is))
		count, err2 := strconv.Atoi(strings.TrimSpace(ns))
		switch {
		case !ok || err1 != nil || err2 != nil:
			return 0, 0, fmt.Errorf("discord.shard %q: want i/N, this process's shard and the shard count, such as 0/2", d.Shard)
		case count < 1:
			return 0, 0, fmt.Errorf("discord.shard %q: the shard count must be at least 1", d.Shard)
		case id < 0 || id >= count:
			return 0, 0, fmt.Errorf("discord.shard %q: the shard must be from 0 to %d (0 ≤ i < N)", d.Shard, count-1)
		case d.Shards != 0 && d.Shards != count:
			return 0, 0, fmt.Errorf("discord.shard %q and discord.shards %d disagree on the shard count", d.Shard, d.Shards)
		}
		return id, count, nil
	}
	if d.Shards <= 1 {
		return 0, d.Shards, nil
	}
	if d.host == "" {
		return 0, 0, fmt.Errorf("discord.shards %d: this process's shard comes from its StatefulSet pod's ordinal, but neither "+
			"STUDYBOT_POD_NAME nor HOSTNAME is set; set discord.shard (STUDYBOT_DISCORD_SHARD) to i/%d", d.Shards, d.Shards)
	}
	m := ordinal.FindStringSubmatch(d.host)
	if m == nil {
		return 0, 0, fmt.Errorf("discord.shards %d: pod name or hostname %q does not end in a StatefulSet ordinal (-0, -1, …); "+
			"set discord.shard (STUDYBOT_DISCORD_SHARD) to i/%d", d.Shards, d.host, d.Shards)
	}
	id, err = strconv.Atoi(m[1])
	if err != nil || id >= d.Shards {
		return 0, 0, fmt.Errorf("discord.shards %d: pod %q would be shard %s, but shards are 0 to %d: "+
			"the StatefulSet's replicas must equal discord.shards", d.Shards, d.host, m[1], d.Shards-1)
	}
	return id, d.Shards, nil
}

// resolveShard writes the shard taken from the pod's ordinal into
// discord.shard, so that "config check" shows it; a setting it cannot
// resolve is left for validate to report.
func (d *DiscordConfig) resolveShard() {
	if d.Shard != "" || d.Shards <= 1 {
		return
	}
	if id, n, err := d.shard(); err == nil {
		d.Shard = fmt.Sprintf("%d/%d", id, n)
	}
}

// validateShard checks the shard setting and what cannot go with shards:
// the HTTP interactions endpoint (one URL for every guild) and Slack
// (every shard process would serve the one workspace).
func (c Config) validateShard() []error {
	_, n, err := c.Discord.shard()
	if err != nil {
		return []error{err}
	}
	if n <= 1 {
		return nil
	}
	var errs []error
	if c.Discord.PublicKey != "" {
		errs = append(errs, errors.New("discord.public_key: the HTTP interactions endpoint cannot be used with shards "+
			"(Discord sends every guild's interactions to its one URL, each shard holds only its own guilds); "+
			"unset it: interactions then come over each shard's gateway"))
	}
	if c.slackEnabled() {
		errs = append(errs, errors.New("slack: a process running a Discord shard cannot also serve Slack (every shard "+
			"would serve the workspace, with its data split across their databases); run Slack in its own process"))
	}
	return errs
}
