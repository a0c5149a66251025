package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/studybot/studybot/store"
)

// backupName is the file name of a scheduled backup taken at t.
func backupName(t time.Time) string { return "studybot-" + t.UTC().Format("20060102-150405") + ".db" }

// backupOnce writes a compacted, checked backup into dir and deletes the
// oldest beyond keep (at least the new one is always kept). It also
// returns what it did with temporary files an interrupted backup left.
func backupOnce(ctx context.Context, db *store.DB, dir string, keep int, now time.Time) (string, []string, error) {
	keep = max(keep, 1)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("backup dir: %w", err)
	}
	path := filepath.Join(dir, backupName(now))
	r, err := db.CompactTo(ctx, path)
	if err != nil {
		return "", r.Stale, fmt.Errorf("backup: %w", err)
	}
	olds, err := filepath.Glob(filepath.Join(dir, "studybot-*.db"))
	if err != nil {
		return path, r.Stale, fmt.Errorf("rotate backups: %w", err)
	}
	sort.Strings(olds) // names sort by time
	for len(olds) > keep {
		if err := os.Remove(olds[0]); err != nil {
			return path, r.Stale, fmt.Errorf("rotate backups: %w", err)
		}
		olds = olds[1:]
	}
	return path, r.Stale, nil
}

// latestBackup returns the time of the newest backup in dir (zero if none).
func latestBackup(dir string) time.Time {
	olds, _ := filepath.Glob(filepath.Join(dir, "studybot-*.db"))
	sort.Strings(olds)
	if len(olds) == 0 {
		return time.Time{}
	}
	t, err := time.Parse("20060102-150405", strings.TrimSuffix(strings.TrimPrefix(filepath.Base(olds[len(olds)-1]), "studybot-"), ".db"))
	if err != nil {
		return time.Time{}
	}
	return t
}

// backupLoop takes a backup when the newest is a day old, checking hourly,
// until ctx is done.
func (s *server) backupLoop(ctx context.Context) {
	dir, keep := s.cfg.Backup.Dir, s.cfg.Backup.Keep
	for {
		if time.Since(latestBackup(dir)) >= 24*time.Hour {
			path, stale, err := backupOnce(ctx, s.db, dir, keep, time.Now())
			for _, note := range stale {
				s.log.Warn("scheduled backup", "temporary file", note)
			}
			if err != nil {
				s.log.Error("scheduled backup", "err", err)
				s.metrics.Error("backup")
			} else {
				s.log.Info("backup written", "path", path)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// runRestore replaces the database with a verified backup. It refuses to
// touch a database that a running studybot holds, and keeps the replaced
// file next to it.
func runRestore(args []string, stdout, stderr io.Writer, getenv env) int {
	cfg, pos, err := dbFlag("restore", args, stderr, getenv)
	if err != nil || len(pos) != 1 {
		if err == nil {
			fmt.Fprint(stderr, "studybot restore: want one BACKUP file, e.g. studybot restore /var/backups/studybot/studybot-20261201-030000.db\n")
		} else {
			fmt.Fprintf(stderr, "studybot: %v\n", err)
			return exitCode(err) // a bad config exits 1, as from every command
		}
		return 2
	}
	src := pos[0]
	// 0. the arguments must name an existing backup other than the target
	fi, err := os.Stat(src)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(stderr, "studybot: restore: the backup file %s does not exist; nothing changed\n", src)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "studybot: restore: %v; nothing changed\n", err)
		return 1
	case fi.IsDir():
		fmt.Fprintf(stderr, "studybot: restore: %s is a directory; give a backup file such as %s/studybot-20261201-030000.db\n", src, src)
		return 1
	}
	if sameFile(src, cfg.DB) {
		fmt.Fprintf(stderr, "studybot: restore: the backup %s is the database itself; give the database to replace with --db (nothing changed)\n", src)
		return 2
	}
	// 1. the backup must be a sound studybot database: the checks of
	// start-up (meta pages, pages, schema) and of store check
	b, err := store.Open(src, &store.Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	if err != nil {
		fmt.Fprintf(stderr, "studybot: restore: the backup is not usable: %v\n", err)
		return 1
	}
	r, err := b.Check()
	b.Close()
	if err != nil {
		fmt.Fprintf(stderr, "studybot: restore: the backup fails its check, nothing changed: %v\n", err)
		return 1
	}
	// 2. the target must not be in use
	_, statErr := os.Stat(cfg.DB)
	if statErr == nil {
		cur, err := store.Open(cfg.DB, &store.Options{Timeout: 200 * time.Millisecond, ReadOnly: true})
		if errors.Is(err, store.ErrLocked) {
			fmt.Fprintf(stderr, "studybot: restore: %s is in use by a running studybot; stop it first (nothing changed)\n", cfg.DB)
			return 1
		}
		if cur != nil {
			cur.Close()
		}
	}
	// 3. copy beside the target through a temporary file (removed on every
	// way out, SIGINT and SIGTERM included), sync, check the copy
	ctx, stop := cliContext()
	defer stop()
	for _, old := range staleRestores(cfg.DB) {
		fmt.Fprintf(stderr, "studybot: restore: %s was left by an interrupted restore; delete it\n", old)
	}
	tmp, err := copyToTemp(ctx, src, cfg.DB)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: restore: %v; nothing changed\n", err)
		return 1
	}
	defer os.Remove(tmp)
	if c, err := store.Open(tmp, &store.Options{ReadOnly: true}); err != nil {
		fmt.Fprintf(stderr, "studybot: restore: the copy is not usable: %v; nothing changed\n", err)
		return 1
	} else if _, err := c.Check(); err != nil {
		c.Close()
		fmt.Fprintf(stderr, "studybot: restore: the copy fails its check: %v; nothing changed\n", err)
		return 1
	} else {
		c.Close()
	}
	// 4. keep the replaced database, put the copy in place
	if statErr == nil {
		keep := cfg.DB + ".before-restore-" + time.Now().UTC().Format("20060102-150405")
		if err := os.Rename(cfg.DB, keep); err != nil {
			fmt.Fprintf(stderr, "studybot: restore: %v; nothing changed\n", err)
			return 1
		}
		if err := os.Rename(tmp, cfg.DB); err != nil {
			err = errors.Join(err, os.Rename(keep, cfg.DB))
			fmt.Fprintf(stderr, "studybot: restore: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "kept the replaced database as %s\n", keep)
	} else if err := os.Rename(tmp, cfg.DB); err != nil {
		fmt.Fprintf(stderr, "studybot: restore: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "restored %s from %s (%d answers)\n", cfg.DB, src, r.Answers)
	return 0
}

// sameFile reports whether a and b name the same file (or, when b does
// not exist yet, the same path).
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	pa, errA := filepath.Abs(a)
	pb, errB := filepath.Abs(b)
	return errA == nil && errB == nil && pa == pb
}

// restorePrefix starts the name of the temporary file a restore of dst
// writes beside it.
func restorePrefix(dst string) string { return "." + filepath.Base(dst) + ".restore-" }

// staleRestores lists the temporary files of interrupted restores of dst.
func staleRestores(dst string) []string {
	olds, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), restorePrefix(dst)+"*"))
	return olds
}

// copyToTemp copies src into a new file beside dst, synced, with mode
// 0600, and returns its name; on failure, or when ctx ends, the file is
// removed.
func copyToTemp(ctx context.Context, src, dst string) (name string, err error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", err
	}
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), restorePrefix(dst)+"*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, ctxReader{ctx, in}); err != nil {
		return "", err
	}
	if err := tmp.Chmod(0o600); err != nil {
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return tmp.Name(), nil
}

// ctxReader stops reading once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, fmt.Errorf("restore stopped: %w", err)
	}
	return c.r.Read(p)
}

// runHealthcheck asks a running studybot's /healthz (for container
// HEALTHCHECKs that have no curl).
func runHealthcheck(args []string, stdout, stderr io.Writer, getenv env) int {
	addr := getenv("STUDYBOT_HTTP")
	if len(args) > 0 {
		addr = args[0]
	}
	if addr == "" {
		addr = ":8080"
	}
	url := addr
	if !strings.HasPrefix(url, "http") {
		if strings.HasPrefix(url, ":") {
			url = "127.0.0.1" + url
		}
		url = "http://" + url + "/healthz"
	}
	c := &http.Client{Timeout: 3 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		fmt.Fprintf(stderr, "unhealthy: %v\n", err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "unhealthy: %s\n", res.Status)
		return 1
	}
	fmt.Fprintln(stdout, "healthy")
	return 0
}
