package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"gopkg.in/yaml.v3"

	"github.com/studybot/studybot/store"
)

// dbFlag parses --db (and --config) for the maintenance subcommands, and
// the flags that extra registers.
func dbFlag(name string, args []string, stderr io.Writer, getenv env, extra ...func(*flag.FlagSet)) (Config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, x := range extra {
		x(fs)
	}
	config := fs.String("config", getenv("STUDYBOT_CONFIG"), "YAML config `file`")
	db := fs.String("db", "", "database `file`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return Config{}, nil, usageError{err}
	}
	cfg, err := loadConfig(*config, getenv)
	if err != nil {
		return cfg, nil, err
	}
	if *db != "" {
		cfg.DB = *db
	}
	return cfg, pos, nil
}

// openExisting opens a database that must already exist, as a regular
// file (a named pipe or a device could block the open forever).
func openExisting(path string, readOnly bool) (*store.DB, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("database %s: %w (%s)", path, errNotRegular, fileKind(fi.Mode()))
	}
	return store.Open(path, &store.Options{ReadOnly: readOnly})
}

// openForRead parses a maintenance command's flags and opens its database
// read-only, printing the error (with a hint) itself.
func openForRead(name string, args []string, stderr io.Writer, getenv env) (*store.DB, Config, []string, int) {
	cfg, pos, err := dbFlag(name, args, stderr, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return nil, cfg, nil, exitCode(err)
	}
	db, err := openExisting(cfg.DB, true)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v%s\n", err, lockedHint(err))
		return nil, cfg, nil, 1
	}
	return db, cfg, pos, 0
}

func lockedHint(err error) string {
	if errors.Is(err, store.ErrLocked) {
		return "\nA running studybot holds the database. It makes its own online backups: set backup.dir (STUDYBOT_BACKUP_DIR)."
	}
	return ""
}

// runBackup writes a consistent copy of the database to FILE.
func runBackup(args []string, stdout, stderr io.Writer, getenv env) int {
	cfg, pos, err := dbFlag("backup", args, stderr, getenv)
	if err != nil || len(pos) != 1 {
		if err == nil {
			fmt.Fprint(stderr, "studybot backup: want one target FILE, e.g. studybot backup studybot-2026-12-01.db\n")
		} else {
			fmt.Fprintf(stderr, "studybot: %v\n", err)
			return exitCode(err) // a bad config exits 1, as from every command
		}
		return 2
	}
	db, err := openExisting(cfg.DB, true)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v%s\n", err, lockedHint(err))
		return 1
	}
	defer db.Close()
	ctx, stop := cliContext()
	defer stop()
	r, err := db.CompactTo(ctx, pos[0])
	printStale(stderr, r.Stale)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: backup: %v%s\n", err, compactHint(err, pos[0], db.Size()))
		return 1
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes, compacted from %d; checked: %d answers)\n", cfg.DB, pos[0], r.After, r.Before, r.Check.Answers)
	return 0
}

// cliContext is done when the command gets SIGINT or SIGTERM, so that a
// long maintenance command stops and removes its temporary files.
func cliContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// printStale reports what a compaction did with an interrupted one's
// temporary files.
func printStale(w io.Writer, stale []string) {
	for _, s := range stale {
		fmt.Fprintf(w, "studybot: %s\n", s)
	}
}

// runExport writes every record as JSON lines to stdout.
func runExport(args []string, stdout, stderr io.Writer, getenv env) int {
	db, _, _, code := openForRead("export", args, stderr, getenv)
	if db == nil {
		return code
	}
	defer db.Close()
	if err := db.Export(stdout); err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	return 0
}

// runStore handles "store check" and "store compact".
func runStore(args []string, stdout, stderr io.Writer, getenv env) int {
	if len(args) > 0 && args[0] == "compact" {
		return runStoreCompact(args[1:], stdout, stderr, getenv)
	}
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprint(stderr, "studybot store: want \"check\" or \"compact\"\n")
		return 2
	}
	db, cfg, _, code := openForRead("store check", args[1:], stderr, getenv)
	if db == nil {
		return code
	}
	defer db.Close()
	var o store.CheckOptions
	if bank, err := loadBank(memoFlags{memo: cfg.Memo}); err == nil {
		o.Items = map[string]bool{}
		for _, q := range bank.Questions {
			o.Items[q.Item] = true
		}
	} else {
		fmt.Fprintf(stderr, "studybot: store check: cards are not matched against the memo's items: %v\n", err)
	}
	r, err := db.CheckWith(o)
	fmt.Fprintf(stdout, "%s: %d answers, %d practice answers, %d counters\n", cfg.DB, r.Answers, r.Practice, r.Counters)
	for _, p := range r.Problems {
		fmt.Fprintf(stdout, "  problem: %s\n", p)
	}
	kinds := make([]string, 0, len(r.Kinds))
	for k := range r.Kinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(stdout, "%s: %d\n", k, r.Kinds[k])
	}
	if r.UnknownItems > 0 {
		fmt.Fprintf(stdout, "note: %d cards are for memo items the memo no longer has (kept, in case the items come back)\n", r.UnknownItems)
	}
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "ok: the pages are sound, every record reads and finds what it refers to, every counter equals a recount of the answers")
	return 0
}

// runConfig handles "config check": validate and print the effective
// configuration with secrets redacted.
func runConfig(args []string, stdout, stderr io.Writer, getenv env) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprint(stderr, "studybot config: want \"check\"\n")
		return 2
	}
	f, err := parseRunFlags(args[1:], stderr, getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitUsage
		}
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return exitCode(err)
	}
	// the bank a run would build: a memo that yields no question fails here too
	if _, err := loadBank(f.cfg.memoFlags()); err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return exitCode(err)
	}
	out, err := yaml.Marshal(f.cfg.redacted())
	if err != nil {
		fmt.Fprintf(stderr, "studybot: config: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s", out)
	mode := "console (no chat tokens set)"
	switch {
	case f.cfg.slackEnabled() && f.cfg.discordEnabled():
		mode = "Slack and Discord"
	case f.cfg.slackEnabled():
		mode = "Slack"
	case f.cfg.discordEnabled():
		mode = "Discord"
	}
	if id, n, _ := f.cfg.Discord.shard(); f.cfg.discordEnabled() && n > 1 {
		mode += fmt.Sprintf(" (shard %d of %d: guilds with (guild_id >> 22) %% %d == %d)", id, n, n, id)
	}
	fmt.Fprintf(stdout, "# ok: studybot would run %s\n", mode)
	return 0
}
