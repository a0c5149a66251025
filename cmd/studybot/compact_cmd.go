package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/studybot/studybot/store"
)

// runStoreCompact handles "store compact": the stopped database is
// rewritten without its slack, checked, and renamed into place; the
// replaced file is kept beside it.
func runStoreCompact(args []string, stdout, stderr io.Writer, getenv env) int {
	var acceptMetaLoss bool
	cfg, pos, err := dbFlag("store compact", args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.BoolVar(&acceptMetaLoss, "accept-meta-loss", false,
			"compact a database with one damaged meta page into the state the other records, losing the transaction the damaged one recorded (when there is no backup)")
	})
	if err != nil || len(pos) != 0 {
		if err == nil {
			fmt.Fprintf(stderr, "studybot store compact: unexpected %q; the database is given with --db\n", pos[0])
		} else {
			fmt.Fprintf(stderr, "studybot: %v\n", err)
		}
		return 2
	}
	keep := cfg.DB + ".before-compact-" + time.Now().UTC().Format("20060102-150405")
	size := fileSize(cfg.DB)
	ctx, stop := cliContext()
	defer stop()
	compact := store.CompactFile
	if acceptMetaLoss {
		compact = store.RescueFile
	}
	r, err := compact(ctx, cfg.DB, keep)
	printStale(stderr, r.Stale)
	if err != nil {
		switch {
		case errors.Is(err, store.ErrLocked):
			fmt.Fprintf(stderr, "studybot: store compact: %s is in use by a running studybot; stop it first (nothing changed)\n", cfg.DB)
		case errors.Is(err, fs.ErrNotExist) && size < 0:
			fmt.Fprintf(stderr, "studybot: store compact: the database %s does not exist; give it with --db (nothing changed)\n", cfg.DB)
		default:
			fmt.Fprintf(stderr, "studybot: store compact: %v%s\n", err, compactHint(err, cfg.DB, size))
		}
		return 1
	}
	fmt.Fprintf(stdout, "compacted %s: %s → %s (%.0f%% smaller); checked: %d answers, %d practice answers, %d counters\n",
		cfg.DB, humanBytes(r.Before), humanBytes(r.After), 100*(1-float64(r.After)/float64(max(r.Before, 1))), r.Check.Answers, r.Check.Practice, r.Check.Counters)
	if r.MetaLoss != "" {
		fmt.Fprintf(stdout, "accepted the loss: %s\n", r.MetaLoss)
	}
	fmt.Fprintf(stdout, "kept the replaced database as %s; delete it once studybot runs well on the compacted one\n", r.Kept)
	return 0
}

// compactHint says what to do about a failed compaction into target, for
// a database of size bytes. Every failure it names left the database as
// it was.
func compactHint(err error, target string, size int64) string {
	dir := filepath.Dir(target)
	switch {
	case errors.Is(err, store.ErrNoSpace):
		return fmt.Sprintf("\nThe disk under %s has no room for the compacted copy (it needs up to %s, the database's size); free some space and try again. Nothing changed.", dir, humanBytes(size))
	case errors.Is(err, store.ErrReadOnly):
		return fmt.Sprintf("\nThe compacted copy is written in %s, which this user cannot write; run as the database's owner or give write access. Nothing changed.", dir)
	case errors.Is(err, store.ErrCorrupt):
		return "\nThe database is damaged or its counters disagree with its answers: see \"studybot store check\"; \"studybot restore BACKUP\" replaces it. Nothing changed."
	case errors.Is(err, fs.ErrExist):
		return "\nChoose a file that does not exist yet."
	}
	return ""
}

// fileSize is the size of the file at path, or -1 if it cannot be read.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return fi.Size()
}

// humanBytes writes a byte count for people: 234.9 MB, 81.2 kB, 512 B.
func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
