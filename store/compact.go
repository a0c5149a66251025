package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
)

// CompactReport is what a compaction did.
type CompactReport struct {
	// Before is the size in bytes of the database file compacted.
	Before int64
	// After is the size in bytes of the compacted copy.
	After int64
	// Check is what Check found in the compacted copy (never a problem:
	// a copy with problems is refused).
	Check CheckReport
	// Kept is where CompactFile left the file it replaced ("" if none).
	Kept string
	// MetaLoss is what RescueFile found damaged in the meta pages and
	// what the copy lacks for it ("" when nothing).
	MetaLoss string
	// Stale lists the temporary files of an earlier, interrupted
	// compaction into the same directory: removed, or (where the
	// platform cannot tell whether another run still writes them) found
	// and left, each with what was done.
	Stale []string
}

// compactTxMax bounds what one transaction of a compaction writes, and so
// the memory it holds: bbolt.Compact commits whenever this much has been
// copied.
const compactTxMax = 16 << 20

// compactLockWait is how long CompactFile waits for a database that
// another process holds before it gives up with ErrLocked.
const compactLockWait = 200 * time.Millisecond

// CompactTo writes a compacted copy of the database to path, which must
// not exist yet, while the database stays in use: the copy is of one read
// transaction's view, every record rewritten into pages filled to the
// brim, without the free pages and the half-empty ones the file carries.
// In that same transaction the database must first pass Check (pages,
// counters, references); the copy is bounded (copyTx), synced, and must
// pass Check with the same counts before path appears (it is written
// under a temporary name beside path first, which is removed on every
// failure and on ctx's end). Temporary files that an interrupted
// compaction into the same directory left behind are removed first
// (CompactReport.Stale). Errors wrap fs.ErrExist (path exists),
// ErrNoSpace (the disk filled up), ErrReadOnly (path's directory cannot
// be written), ErrCorrupt (the database fails its check, or the copy
// does) or ctx's error.
func (d *DB) CompactTo(ctx context.Context, path string) (CompactReport, error) {
	if d.closed.Load() {
		return CompactReport{}, ErrStoreClosed
	}
	if _, err := os.Lstat(path); err == nil {
		return CompactReport{}, fmt.Errorf("compact to %s: %w", path, fs.ErrExist)
	}
	r := CompactReport{Before: fileSize(d.path)}
	r.Stale = cleanStale(filepath.Dir(path), filepath.Base(path))
	tmp, release, err := d.compactInto(ctx, filepath.Dir(path), filepath.Base(path), &r)
	if err != nil {
		return CompactReport{Stale: r.Stale}, fmt.Errorf("compact %s to %s: %w", d.path, path, err)
	}
	defer release()
	// Link, unlike Rename, never replaces a file that appeared meanwhile.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return CompactReport{Stale: r.Stale}, fmt.Errorf("compact to %s: %w", path, fs.ErrExist)
		}
		if err := os.Rename(tmp, path); err != nil { // a file system without hard links
			return CompactReport{Stale: r.Stale}, fmt.Errorf("compact to %s: %w", path, err)
		}
	}
	syncDir(filepath.Dir(path))
	return r, nil
}

// CompactFile compacts the database at path in place. The database must
// not be in use: it is opened read-only and a running studybot makes that
// fail with ErrLocked after a short wait; it must pass Check (else
// ErrCorrupt, and nothing is written). The compacted copy is written
// beside it under a temporary name, synced, given the original's mode and
// owner, checked (it must hold the same answers, practice answers and
// counters), and renamed over path, so path is at every moment either the
// old file or the complete new one. When keep is not empty the replaced
// file stays there (hard-linked before the rename, or renamed when the
// file system has no hard links). On any failure, and when ctx ends, path
// is left as it was and nothing else remains; errors are as for CompactTo.
func CompactFile(ctx context.Context, path, keep string) (CompactReport, error) {
	return compactFile(ctx, path, keep, false)
}

// RescueFile is CompactFile for a database with one damaged meta page,
// which Open and CompactFile refuse: the copy is of the state the other
// meta page records, as bbolt itself would open it, so the transaction
// the damaged page recorded is lost. CompactReport.MetaLoss says what
// was damaged and lost ("" when both meta pages were sound and nothing
// was lost). keep must not be empty: the damaged file is kept.
func RescueFile(ctx context.Context, path, keep string) (CompactReport, error) {
	if keep == "" {
		return CompactReport{}, fmt.Errorf("rescue %s: no file to keep the damaged database in: %w", path, ErrInvalid)
	}
	return compactFile(ctx, path, keep, true)
}

func compactFile(ctx context.Context, path, keep string, acceptMetaLoss bool) (CompactReport, error) {
	var metaLoss string
	if acceptMetaLoss {
		if f, err := os.Open(path); err == nil {
			if err := checkMeta(f); err != nil {
				metaLoss = strings.TrimPrefix(err.Error(), ErrCorrupt.Error()+": ")
			}
			f.Close()
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return CompactReport{}, fmt.Errorf("compact %s: %w", path, err)
	}
	if keep != "" {
		if _, err := os.Lstat(keep); err == nil {
			return CompactReport{}, fmt.Errorf("compact %s: the file to keep the old database in, %s: %w", path, keep, fs.ErrExist)
		}
	}
	src, err := Open(path, &Options{ReadOnly: true, Timeout: compactLockWait, AcceptMetaLoss: acceptMetaLoss})
	if err != nil {
		return CompactReport{}, fmt.Errorf("compact: %w", err)
	}
	defer src.Close() // the shared lock keeps a studybot out until the rename is done
	r := CompactReport{Before: fi.Size(), MetaLoss: metaLoss}
	r.Stale = cleanStale(filepath.Dir(path), filepath.Base(path))
	tmp, release, err := src.compactInto(ctx, filepath.Dir(path), filepath.Base(path), &r)
	if err != nil {
		return CompactReport{Stale: r.Stale}, fmt.Errorf("compact %s: %w", path, err)
	}
	defer release() // removes tmp: gone by then, unless a step below failed
	if err := os.Chmod(tmp, fi.Mode().Perm()); err != nil {
		return CompactReport{Stale: r.Stale}, fmt.Errorf("compact %s: %w", path, err)
	}
	if err := sameOwner(tmp, fi); err != nil {
		return CompactReport{Stale: r.Stale}, fmt.Errorf("compact %s: give the copy the database's owner: %w", path, err)
	}
	renamed := false
	if keep != "" {
		if err := os.Link(path, keep); err != nil {
			if err := os.Rename(path, keep); err != nil {
				return CompactReport{Stale: r.Stale}, fmt.Errorf("compact %s: keep the old database as %s: %w", path, keep, err)
			}
			renamed = true
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		if renamed {
			err = errors.Join(err, os.Rename(keep, path))
		} else if keep != "" {
			os.Remove(keep)
		}
		return CompactReport{Stale: r.Stale}, fmt.Errorf("compact %s: put the copy in place: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	r.Kept = keep
	return r, nil
}

// compactInto checks the database and copies it, in one read
// transaction, into a new file in dir named after base; then it syncs the
// copy and checks it into r: it must pass Check and hold the same
// answers, practice answers and counters. It returns the copy's name and
// a function that removes it (if still there) and releases its lock; on
// failure it has removed the file itself.
func (d *DB) compactInto(ctx context.Context, dir, base string, r *CompactReport) (tmp string, release func(), err error) {
	f, err := os.CreateTemp(dir, tempPrefix(base)+"*")
	if err != nil {
		return "", nil, spaceError(fmt.Errorf("create a file in %s: %w", dir, err))
	}
	name := f.Name() // (tmp is "" on the failure returns)
	tmp = name
	unlock := holdTemp(f) // keeps cleanStale of another run away from it
	cleanup := func() {
		os.Remove(name)
		unlock()
		f.Close()
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	if st, err1 := os.Stat(tmp); err1 != nil || !sameInode(f, st) {
		return "", nil, fmt.Errorf("%s was removed as it was created (another compaction cleaning up?): %w", tmp, fs.ErrNotExist)
	}
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return "", nil, spaceError(fmt.Errorf("open %s: %w", tmp, err))
	}
	var before CheckReport
	err = d.view(func(tx *bolt.Tx) error {
		var err error
		if before, err = d.checkTx(tx, CheckOptions{}); err != nil {
			return fmt.Errorf("%w: the database cannot be checked: %w", ErrCorrupt, err)
		}
		if len(before.Problems) > 0 {
			return fmt.Errorf("%w: the database fails its check (%d problems, first: %s); run \"studybot store check\"",
				ErrCorrupt, len(before.Problems), before.Problems[0])
		}
		return guardPath(d.path, func() error { return copyTx(ctx, tx, dst, compactBudget(tx.Size())) })
	})
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, ErrCorrupt) || ctx.Err() != nil {
			return "", nil, err
		}
		return "", nil, spaceError(fmt.Errorf("copy into %s: %w", tmp, err))
	}
	if err := syncFile(tmp); err != nil {
		return "", nil, spaceError(fmt.Errorf("sync %s: %w", tmp, err))
	}
	c, err := Open(tmp, &Options{ReadOnly: true})
	if err != nil {
		return "", nil, fmt.Errorf("the compacted copy does not open: %w", err)
	}
	r.Check, err = c.Check()
	c.Close()
	if err != nil {
		return "", nil, fmt.Errorf("the compacted copy fails its check: %w", err)
	}
	if r.Check.Answers != before.Answers || r.Check.Practice != before.Practice || r.Check.Counters != before.Counters {
		return "", nil, fmt.Errorf("the copy holds %d answers, %d practice answers and %d counters, the database %d, %d and %d: %w",
			r.Check.Answers, r.Check.Practice, r.Check.Counters, before.Answers, before.Practice, before.Counters, ErrCorrupt)
	}
	r.After = fileSize(tmp)
	return tmp, cleanup, nil
}

// spaceError marks an error that comes from a full disk, a quota or a
// file size limit with ErrNoSpace, and one from a directory that cannot
// be written with ErrReadOnly.
// bbolt reports some write errors as text only ("file resize error: …"),
// so the error's text is searched for the system's message too.
func spaceError(err error) error {
	is := func(errno syscall.Errno) bool {
		return errors.Is(err, errno) || strings.Contains(err.Error(), errno.Error())
	}
	switch {
	case is(syscall.ENOSPC), is(syscall.EDQUOT), is(syscall.EFBIG):
		return fmt.Errorf("%w: %w", ErrNoSpace, err)
	case errors.Is(err, fs.ErrPermission), is(syscall.EROFS):
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable; file systems that cannot sync a
// directory are not an error.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// sameInode reports whether the open file f is the file st describes.
func sameInode(f *os.File, st os.FileInfo) bool {
	fi, err := f.Stat()
	return err == nil && os.SameFile(fi, st)
}
