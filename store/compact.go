package store

import (
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
// The copy is synced and must pass Check before path appears (it is
// written under a temporary name beside path first); on any failure
// nothing is left behind. Errors wrap fs.ErrExist (path exists),
// ErrNoSpace (the disk filled up), ErrReadOnly (path's directory cannot
// be written) or ErrCorrupt (a page of the database is damaged, or the
// copy failed its check).
func (d *DB) CompactTo(path string) (CompactReport, error) {
	if d.closed.Load() {
		return CompactReport{}, ErrStoreClosed
	}
	if _, err := os.Lstat(path); err == nil {
		return CompactReport{}, fmt.Errorf("compact to %s: %w", path, fs.ErrExist)
	}
	r := CompactReport{Before: fileSize(d.path)}
	tmp, err := compactInto(d.bolt, d.path, filepath.Dir(path), filepath.Base(path), &r)
	if err != nil {
		return CompactReport{}, fmt.Errorf("compact %s to %s: %w", d.path, path, err)
	}
	defer os.Remove(tmp)
	// Link, unlike Rename, never replaces a file that appeared meanwhile.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return CompactReport{}, fmt.Errorf("compact to %s: %w", path, fs.ErrExist)
		}
		if err := os.Rename(tmp, path); err != nil { // a file system without hard links
			return CompactReport{}, fmt.Errorf("compact to %s: %w", path, err)
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
// file system has no hard links). On any failure path is left as it was
// and nothing else remains; errors are as for CompactTo.
func CompactFile(path, keep string) (CompactReport, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return CompactReport{}, fmt.Errorf("compact %s: %w", path, err)
	}
	if keep != "" {
		if _, err := os.Lstat(keep); err == nil {
			return CompactReport{}, fmt.Errorf("compact %s: the file to keep the old database in, %s: %w", path, keep, fs.ErrExist)
		}
	}
	src, err := Open(path, &Options{ReadOnly: true, Timeout: compactLockWait})
	if err != nil {
		return CompactReport{}, fmt.Errorf("compact: %w", err)
	}
	defer src.Close() // the shared lock keeps a studybot out until the rename is done
	before, err := src.Check()
	if err != nil {
		return CompactReport{}, fmt.Errorf("compact %s: the database fails its check (run \"studybot store check\"): %w", path, err)
	}
	r := CompactReport{Before: fi.Size()}
	tmp, err := compactInto(src.bolt, path, filepath.Dir(path), filepath.Base(path), &r)
	if err != nil {
		return CompactReport{}, fmt.Errorf("compact %s: %w", path, err)
	}
	defer os.Remove(tmp) // gone by then, unless a step below failed
	if r.Check.Answers != before.Answers || r.Check.Practice != before.Practice || r.Check.Counters != before.Counters {
		return CompactReport{}, fmt.Errorf("compact %s: the copy holds %d answers, %d practice answers and %d counters, the database %d, %d and %d: %w",
			path, r.Check.Answers, r.Check.Practice, r.Check.Counters, before.Answers, before.Practice, before.Counters, ErrCorrupt)
	}
	if err := os.Chmod(tmp, fi.Mode().Perm()); err != nil {
		return CompactReport{}, fmt.Errorf("compact %s: %w", path, err)
	}
	if err := sameOwner(tmp, fi); err != nil {
		return CompactReport{}, fmt.Errorf("compact %s: give the copy the database's owner: %w", path, err)
	}
	renamed := false
	if keep != "" {
		if err := os.Link(path, keep); err != nil {
			if err := os.Rename(path, keep); err != nil {
				return CompactReport{}, fmt.Errorf("compact %s: keep the old database as %s: %w", path, keep, err)
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
		return CompactReport{}, fmt.Errorf("compact %s: put the copy in place: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	r.Kept = keep
	return r, nil
}

// compactInto copies src (the database at srcPath) with bbolt.Compact
// into a new file in dir, syncs it, checks it into r and returns its
// name. On failure it removes the file.
func compactInto(src *bolt.DB, srcPath, dir, base string, r *CompactReport) (string, error) {
	f, err := os.CreateTemp(dir, "."+base+".compact-*")
	if err != nil {
		return "", spaceError(fmt.Errorf("create a file in %s: %w", dir, err))
	}
	tmp := f.Name()
	f.Close()
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return "", spaceError(fmt.Errorf("open %s: %w", tmp, err))
	}
	err = guardPath(srcPath, func() error { return bolt.Compact(dst, src, compactTxMax) })
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", spaceError(fmt.Errorf("copy into %s: %w", tmp, err))
	}
	if err := syncFile(tmp); err != nil {
		return "", spaceError(fmt.Errorf("sync %s: %w", tmp, err))
	}
	c, err := Open(tmp, &Options{ReadOnly: true})
	if err != nil {
		return "", fmt.Errorf("the compacted copy does not open: %w", err)
	}
	r.Check, err = c.Check()
	c.Close()
	if err != nil {
		return "", fmt.Errorf("the compacted copy fails its check: %w", err)
	}
	r.After = fileSize(tmp)
	ok = true
	return tmp, nil
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
