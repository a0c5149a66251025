package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/studybot/studybot/bot"
	studydiscord "github.com/studybot/studybot/bot/discord"
	studyslack "github.com/studybot/studybot/bot/slack"
)

// Config is the effective configuration: the YAML file (--config), then
// STUDYBOT_* environment variables, then command-line flags.
type Config struct {
	// DB is the database file.
	DB string `yaml:"db"`
	// Memo is a memo file other than the bundled one.
	Memo string `yaml:"memo"`
	// Weights are domain weights ("1=22,…" or a file).
	Weights string `yaml:"weights"`
	// Review is the review file (default: <memo>.review.yaml beside the
	// memo; none for the bundled memo).
	Review string `yaml:"review"`
	// Watch is how often the memo, its config, questions and review files
	// are polled for changes that rebuild the bank (default 10s).
	Watch Duration `yaml:"watch"`
	// Lang is the default language (ja or en).
	Lang string `yaml:"lang"`
	// TZ is the default time zone.
	TZ string `yaml:"tz"`
	// Schedule is the default cron spec of new channels.
	Schedule string `yaml:"schedule"`
	// CloseAfter is how long a daily question stays open.
	CloseAfter Duration `yaml:"close_after"`
	// Grace bounds catch-up after downtime.
	Grace Duration `yaml:"grace"`
	// Seed makes question selection reproducible.
	Seed uint64 `yaml:"seed"`
	// Admins are user IDs (or "platform:user") allowed admin commands.
	Admins []string `yaml:"admins"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
	// HTTP is the listen address of the health, metrics and webhook server ("" = off).
	HTTP string `yaml:"http"`
	// PublicURL is where admins' browsers reach the --http listener
	// ("https://studybot.example.com"), for the web pages' sign-in links
	// ("" = http:// and the listen address).
	PublicURL string `yaml:"public_url"`
	// Slack configures the Slack adapter.
	Slack SlackConfig `yaml:"slack"`
	// Discord configures the Discord adapter.
	Discord DiscordConfig `yaml:"discord"`
	// Backup configures scheduled online backups.
	Backup BackupConfig `yaml:"backup"`

	// file is the config file read (""), keyLines the line of each key
	// path in it ("slack.mode"), for error messages (keylines.go).
	file     string
	keyLines map[string]int
}

// SlackConfig configures the Slack adapter.
type SlackConfig struct {
	// BotToken is the xoxb- token.
	BotToken string `yaml:"bot_token"`
	// AppToken is the xapp- token (Socket Mode).
	AppToken string `yaml:"app_token"`
	// SigningSecret verifies HTTP-mode requests.
	SigningSecret string `yaml:"signing_secret"`
	// Mode is "socket" (default) or "http".
	Mode string `yaml:"mode"`
	// APIURL is the Web API base URL (GovSlack, proxies, tests).
	APIURL string `yaml:"api_url"`
	// WorkspaceRate is the adapter's pace of posts a second across the
	// workspace (0: the default, 9; at most maxSlackWorkspaceRate).
	WorkspaceRate float64 `yaml:"workspace_rate"`
	// UpdatesPerMinute is the adapter's pace of card updates (chat.update)
	// a minute across the workspace (0: the default, 45; at most
	// maxSlackUpdatesPerMinute).
	UpdatesPerMinute float64 `yaml:"updates_per_minute"`
}

// DiscordConfig configures the Discord adapter.
type DiscordConfig struct {
	// Token is the bot token.
	Token string `yaml:"token"`
	// AppID is the application ID.
	AppID string `yaml:"app_id"`
	// PublicKey verifies HTTP interactions (hex).
	PublicKey string `yaml:"public_key"`
	// GuildID registers commands in one guild (development) instead of globally.
	GuildID string `yaml:"guild_id"`
	// Shard is this process's shard, "i/N" such as "0/2": it serves the
	// guilds with (guild_id >> 22) % N == i (and shard 0 also DMs), each
	// shard with its own database. Empty: see Shards (shard.go).
	Shard string `yaml:"shard,omitempty"`
	// Shards is the shard count N when each process takes its shard from
	// its StatefulSet pod's ordinal (studybot-3 is shard 3).
	Shards int `yaml:"shards,omitempty"`
	// GlobalRate is the adapter's pace of REST requests a second across
	// the bot, interaction responses aside (0: the default, 45, divided
	// by the shard count: Discord's global limit is the bot's, and each
	// shard process paces itself; at most maxDiscordGlobalRate).
	GlobalRate float64 `yaml:"global_rate"`
	// host is the pod name or hostname the ordinal is read from.
	host string
}

// BackupConfig configures scheduled backups.
type BackupConfig struct {
	// Dir receives daily backups ("" = off).
	Dir string `yaml:"dir"`
	// Keep is how many backups to keep (default 7).
	Keep int `yaml:"keep"`
}

// Duration is a time.Duration written as "8h" in YAML.
type Duration time.Duration

// UnmarshalYAML reads "8h30m"; a duration must be positive.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := parsePositive(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err) // nameYAMLKeys adds the key
	}
	*d = Duration(v)
	return nil
}

// parsePositive reads a duration that must be above zero.
func parsePositive(s string) (time.Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, err)
	}
	if v <= 0 {
		return 0, fmt.Errorf("duration %q: want a positive duration such as 8h", s)
	}
	return v, nil
}

// MarshalYAML writes "8h0m0s".
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// defaultDBPath is studybot.db under the user's data directory.
func defaultDBPath(getenv env) string {
	dir := getenv("XDG_DATA_HOME")
	if dir == "" {
		if home := getenv("HOME"); home != "" {
			dir = filepath.Join(home, ".local", "share")
		} else {
			dir = os.TempDir()
		}
	}
	return filepath.Join(dir, "studybot", "studybot.db")
}

// loadConfig reads the file (if any) and applies the environment.
func loadConfig(path string, getenv env) (Config, error) {
	var c Config
	if path != "" {
		b, err := readFileLimit(path, maxConfigBytes)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		c.file, c.keyLines = path, yamlKeyLines(b)
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, errEOF) {
			return c, fmt.Errorf("config %s: %w", path, nameYAMLKeys(b, err))
		}
	}
	if err := applyEnv(&c, getenv); err != nil {
		return c, err
	}
	if c.DB == "" {
		c.DB = defaultDBPath(getenv)
	}
	if c.Slack.Mode == "" {
		c.Slack.Mode = "socket"
	}
	if c.Backup.Keep == 0 {
		c.Backup.Keep = 7
	}
	if c.Watch == 0 {
		c.Watch = Duration(DefaultWatch)
	}
	if c.Slack.WorkspaceRate == 0 {
		c.Slack.WorkspaceRate = studyslack.DefaultWorkspaceRate
	}
	if c.Slack.UpdatesPerMinute == 0 {
		c.Slack.UpdatesPerMinute = studyslack.DefaultUpdatesPerMinute
	}
	c.Discord.resolveShard()
	if c.Discord.GlobalRate == 0 {
		// Discord's global limit is the bot's, shared by its shards
		_, n, err := c.Discord.shard()
		if err != nil || n < 1 {
			n = 1
		}
		c.Discord.GlobalRate = studydiscord.DefaultGlobalRate / float64(n)
	}
	return c, nil
}

var errEOF = io.EOF

// applyEnv overrides c with STUDYBOT_* variables; secrets also accept a
// _FILE variant naming a file that holds them.
func applyEnv(c *Config, getenv env) error {
	str := func(name string, dst *string) {
		if v := getenv("STUDYBOT_" + name); v != "" {
			*dst = v
		}
	}
	var errs []error
	secret := func(name string, dst *string) {
		str(name, dst)
		if f := getenv("STUDYBOT_" + name + "_FILE"); f != "" {
			b, err := readFileLimit(f, maxSecretBytes)
			if err != nil {
				errs = append(errs, fmt.Errorf("STUDYBOT_%s_FILE: %w", name, err))
				return
			}
			*dst = strings.TrimSpace(string(b))
		}
	}
	dur := func(name string, dst *Duration) {
		if v := getenv("STUDYBOT_" + name); v != "" {
			d, err := parsePositive(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("STUDYBOT_%s: %w", name, err))
				return
			}
			*dst = Duration(d)
		}
	}
	str("DB", &c.DB)
	str("MEMO", &c.Memo)
	str("WEIGHTS", &c.Weights)
	str("REVIEW", &c.Review)
	dur("WATCH", &c.Watch)
	str("LANG", &c.Lang)
	str("TZ", &c.TZ)
	str("SCHEDULE", &c.Schedule)
	dur("CLOSE_AFTER", &c.CloseAfter)
	dur("GRACE", &c.Grace)
	str("LOG_LEVEL", &c.LogLevel)
	str("HTTP", &c.HTTP)
	str("PUBLIC_URL", &c.PublicURL)
	if v := getenv("STUDYBOT_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("STUDYBOT_SEED: %w", err))
		}
		c.Seed = n
	}
	if v := getenv("STUDYBOT_ADMINS"); v != "" {
		c.Admins = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	}
	secret("SLACK_BOT_TOKEN", &c.Slack.BotToken)
	secret("SLACK_APP_TOKEN", &c.Slack.AppToken)
	secret("SLACK_SIGNING_SECRET", &c.Slack.SigningSecret)
	str("SLACK_MODE", &c.Slack.Mode)
	str("SLACK_API_URL", &c.Slack.APIURL)
	secret("DISCORD_TOKEN", &c.Discord.Token)
	str("DISCORD_APP_ID", &c.Discord.AppID)
	str("DISCORD_PUBLIC_KEY", &c.Discord.PublicKey)
	str("DISCORD_GUILD_ID", &c.Discord.GuildID)
	str("DISCORD_SHARD", &c.Discord.Shard)
	rate := func(name, unit string, dst *float64) {
		if v := getenv("STUDYBOT_" + name); v != "" {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || !(n > 0) || math.IsInf(n, 0) {
				errs = append(errs, fmt.Errorf("STUDYBOT_%s: want a positive number of %s, got %q", name, unit, v))
				return
			}
			*dst = n
		}
	}
	rate("SLACK_WORKSPACE_RATE", "posts a second", &c.Slack.WorkspaceRate)
	rate("SLACK_UPDATES_PER_MINUTE", "card updates a minute", &c.Slack.UpdatesPerMinute)
	rate("DISCORD_GLOBAL_RATE", "requests a second", &c.Discord.GlobalRate)
	if v := getenv("STUDYBOT_DISCORD_SHARDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("STUDYBOT_DISCORD_SHARDS: want a positive number, got %q", v))
		}
		c.Discord.Shards = n
	}
	c.Discord.host = getenv("STUDYBOT_POD_NAME")
	if c.Discord.host == "" {
		c.Discord.host = getenv("HOSTNAME")
	}
	str("BACKUP_DIR", &c.Backup.Dir)
	if v := getenv("STUDYBOT_BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("STUDYBOT_BACKUP_KEEP: want a positive number, got %q", v))
		}
		c.Backup.Keep = n
	}
	return errors.Join(errs...)
}

// validate checks the config without side effects. It is the one check:
// "config check" runs it, and so does every run before it starts, so a
// config that passes here does not fail later for what it says.
func (c Config) validate() error {
	var errs []error
	if c.Lang != "" && c.Lang != "ja" && c.Lang != "en" {
		errs = append(errs, fmt.Errorf("lang %q: want ja or en", c.Lang))
	}
	tz := c.TZ
	if tz == "" {
		tz = bot.DefaultTZ
	}
	if _, err := time.LoadLocation(tz); err != nil {
		errs = append(errs, fmt.Errorf("tz %q: %w", c.TZ, err))
	} else if c.Schedule != "" {
		if _, err := bot.ParseSchedule(c.Schedule, tz); err != nil {
			errs = append(errs, fmt.Errorf("schedule: %w", err))
		}
	}
	if c.CloseAfter < 0 {
		errs = append(errs, fmt.Errorf("close_after %v: want a positive duration such as 8h", time.Duration(c.CloseAfter)))
	} else if err := checkCloseAfter(time.Duration(c.CloseAfter)); err != nil {
		errs = append(errs, err)
	}
	if c.Grace < 0 {
		errs = append(errs, fmt.Errorf("grace %v: want a positive duration such as 6h", time.Duration(c.Grace)))
	}
	switch strings.ToLower(c.LogLevel) {
	case "", "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log_level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.Backup.Keep < 0 {
		errs = append(errs, fmt.Errorf("backup.keep %d: want at least 1 (0 means the default, 7)", c.Backup.Keep))
	}
	if c.HTTP != "" {
		if err := checkListenAddr(c.HTTP); err != nil {
			errs = append(errs, fmt.Errorf("http %q: %w", c.HTTP, err))
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, fmt.Errorf("public_url %q: want http(s)://host[:port], such as https://studybot.example.com", c.PublicURL))
		}
	}
	if c.Slack.APIURL != "" {
		if u, err := url.Parse(c.Slack.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("slack.api_url %q: want an http(s) URL such as https://slack.com/api/", c.Slack.APIURL))
		}
	}
	if c.Discord.PublicKey != "" {
		if k, err := hex.DecodeString(c.Discord.PublicKey); err != nil || len(k) != ed25519.PublicKeySize {
			errs = append(errs, errors.New("discord.public_key: want the application's PUBLIC KEY, 64 hex characters"))
		}
	}
	if c.Slack.Mode != "socket" && c.Slack.Mode != "http" {
		errs = append(errs, fmt.Errorf("slack.mode %q: want socket or http", c.Slack.Mode))
	}
	if c.slackEnabled() && c.Slack.Mode == "socket" && c.Slack.AppToken == "" {
		errs = append(errs, errors.New("slack: Socket Mode needs an app-level token (STUDYBOT_SLACK_APP_TOKEN, xapp-…)"))
	}
	if c.slackEnabled() && c.Slack.Mode == "http" && (c.Slack.SigningSecret == "" || c.HTTP == "") {
		errs = append(errs, errors.New("slack: HTTP mode needs a signing secret and an --http listen address"))
	}
	errs = append(errs, c.validateRates()...)
	errs = append(errs, c.validateShard()...)
	if c.discordEnabled() && c.Discord.AppID == "" {
		errs = append(errs, errors.New("discord: needs the application ID (STUDYBOT_DISCORD_APP_ID)"))
	}
	return errors.Join(errs...)
}

// Upper bounds of the adapters' paces: well above what the platforms
// allow by default (Slack: about 600 posts a minute per workspace and 50
// chat.update calls a minute; Discord: 50 requests a second), so a bot
// whose limits the platform raised can say so, while a typo that would
// only earn 429s is refused.
const (
	maxSlackWorkspaceRate    = 100  // posts a second
	maxSlackUpdatesPerMinute = 600  // chat.update calls a minute
	maxDiscordGlobalRate     = 1000 // requests a second
)

// validateRates checks the adapters' paces: positive and within bounds
// (0, unset, means the adapter's default).
func (c Config) validateRates() []error {
	var errs []error
	check := func(key, unit string, v, most float64) {
		if !(v >= 0) || v > most { // NaN fails the first test
			errs = append(errs, fmt.Errorf("%s %v: want a positive number of %s, at most %v (0 or unset: the default)", key, v, unit, most))
		}
	}
	check("slack.workspace_rate", "posts a second", c.Slack.WorkspaceRate, maxSlackWorkspaceRate)
	check("slack.updates_per_minute", "card updates a minute", c.Slack.UpdatesPerMinute, maxSlackUpdatesPerMinute)
	check("discord.global_rate", "requests a second", c.Discord.GlobalRate, maxDiscordGlobalRate)
	return errs
}

// checkListenAddr accepts host:port with a numeric port (":8080",
// "127.0.0.1:0", "[::1]:9090", "localhost:8080"); the host must be empty,
// an IP address or a host name (256.1.1.1 is none of them). Names are not
// looked up.
func checkListenAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("want host:port such as :8080: %w", err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q: want a number from 0 to 65535", port)
	}
	if host == "" || net.ParseIP(host) != nil {
		return nil
	}
	if strings.Trim(host, "0123456789.") == "" || strings.Contains(host, ":") {
		return fmt.Errorf("host %q: not an IP address", host)
	}
	if !isHostName(host) {
		return fmt.Errorf("host %q: want an IP address or a host name", host)
	}
	return nil
}

// isHostName reports whether s is a DNS host name: dot-separated labels
// of letters, digits and inner hyphens, 1 to 63 bytes each.
func isHostName(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

func (c Config) slackEnabled() bool   { return c.Slack.BotToken != "" }
func (c Config) discordEnabled() bool { return c.Discord.Token != "" }

// redacted returns a copy safe to print.
func (c Config) redacted() Config {
	hide := func(s *string) {
		if *s != "" {
			*s = "[redacted]"
		}
	}
	hide(&c.Slack.BotToken)
	hide(&c.Slack.AppToken)
	hide(&c.Slack.SigningSecret)
	hide(&c.Discord.Token)
	return c
}
