package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the version of the data layout this build writes.
// Older databases are migrated at Open (after a backup); newer ones are
// refused with ErrNewerSchema.
const SchemaVersion = 5

// Options tunes Open. A nil *Options means the defaults.
type Options struct {
	// Timeout bounds the wait for the file lock (default 1s).
	Timeout time.Duration
	// Now is the clock (default time.Now). Tests pass a fake.
	Now func() time.Time
	// NoSync skips fsync (tests and bulk loads only: loses durability).
	NoSync bool
	// ReadOnly opens the file for reading only (backups, checks).
	ReadOnly bool
	// BatchDelay is how long concurrent answers wait to share a commit
	// (default 10ms, bbolt's default). Negative means no wait.
	BatchDelay time.Duration
	// BatchSize is how many waiting answers trigger a commit at once,
	// without waiting out BatchDelay (default 100).
	BatchSize int
	// ObserveCommit, if set, is told how long each write took to commit,
	// as its caller waited for it (metrics).
	ObserveCommit func(time.Duration)
	// AcceptMetaLoss opens a file with one damaged meta page as bbolt
	// would, in the state the other meta page records, instead of
	// refusing it (ErrCorrupt). Only for rescuing a database that has no
	// backup (RescueFile); the transaction the damaged page recorded is
	// lost.
	AcceptMetaLoss bool
}

// DB is an open studybot database. It is safe for concurrent use.
type DB struct {
	bolt    *bolt.DB
	path    string
	now     func() time.Time
	closed  atomic.Bool
	observe func(time.Duration)
	commits committer // group commit of channel writes (group)
	intents intentLog // cards about to be sent, in a side file (intent.go)

	migratedBackup string
	metaLoss       bool // opened read-only with Options.AcceptMetaLoss
}

var (
	bMeta      = []byte("meta")
	bSpaces    = []byte("spaces")
	bChannels  = []byte("channels")
	bPosts     = []byte("posts")
	bPostMeta  = []byte("postmeta")
	bSlots     = []byte("slots")
	bPostDays  = []byte("postdays")
	bAnswers   = []byte("answers")
	bPractice  = []byte("practice")
	bCounters  = []byte("counters")
	bRanks     = []byte("ranks")
	bBoards    = []byte("boards") // players per (space, window, domain)
	bPoints    = []byte("points") // players per (space, window, domain, points)
	bUserStats = []byte("userstats")
	bStreaks   = []byte("streaks")
	bHistory   = []byte("history")
	bReports   = []byte("reports")
	bOpen      = []byte("openposts") // closes-at | post ID of each open post

	// schema 4: leaderboard indexes (countedindex.go, domainsums.go)
	bRankBlocks = []byte("rankblocks") // entries per block of the rank index
	bAccRanks   = []byte("accranks")   // accuracy index: board | accuracySuffix
	bAccBlocks  = []byte("accblocks")  // entries per block of the accuracy index
	bDomainSums = []byte("domainsums") // daily answers per (space, domain), all time

	allBuckets = [][]byte{bMeta, bSpaces, bChannels, bPosts, bPostMeta, bSlots, bPostDays, bAnswers,
		bPractice, bCounters, bRanks, bBoards, bPoints, bUserStats, bStreaks, bHistory, bReports, bOpen,
		bRankBlocks, bAccRanks, bAccBlocks, bDomainSums}

	keyVersion = []byte("schema_version")
)

// Open opens or creates the database at path. Errors name the path and say
// what to do: ErrLocked (another process), ErrCorrupt (not a studybot
// database), ErrReadOnly, ErrNewerSchema. A file it cannot read is never
// overwritten.
func Open(path string, o *Options) (*DB, error) {
	if o == nil {
		o = &Options{}
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = time.Second
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("open database %s: it is a directory; give the path of a file inside it (e.g. %s/studybot.db): %w", path, path, ErrInvalid)
	}
	if o.ReadOnly {
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if _, derr := os.Stat(filepath.Dir(path)); derr == nil {
				return nil, fmt.Errorf("open database %s: the file does not exist: %w", path, fs.ErrNotExist)
			}
		case err == nil && fi.Size() == 0:
			return nil, fmt.Errorf("open database %s: the file is empty (0 bytes), not a studybot database: %w", path, ErrCorrupt)
		}
	}
	if !o.ReadOnly {
		if err := preflight(path, timeout, o.AcceptMetaLoss); err != nil {
			return nil, err
		}
	}
	bo := &bolt.Options{Timeout: timeout, NoSync: o.NoSync, ReadOnly: o.ReadOnly, NoFreelistSync: true,
		FreelistType: bolt.FreelistMapType}
	var db *bolt.DB
	err := guardPath(path, func() error {
		var err error
		db, err = bolt.Open(path, 0o600, bo)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			return nil, err
		}
		return nil, openError(path, err)
	}
	if o.ReadOnly && !o.AcceptMetaLoss { // (for writing, preflight checked them)
		if err := verifyMeta(path); err != nil {
			db.Close()
			return nil, err
		}
	}
	switch {
	case o.BatchDelay < 0:
		db.MaxBatchDelay = 0
	case o.BatchDelay > 0:
		db.MaxBatchDelay = o.BatchDelay
	}
	db.MaxBatchSize = 100
	if o.BatchSize > 0 {
		db.MaxBatchSize = o.BatchSize
	}
	d := &DB{bolt: db, path: path, now: o.Now, observe: o.ObserveCommit, metaLoss: o.ReadOnly && o.AcceptMetaLoss}
	if d.now == nil {
		d.now = time.Now
	}
	if err := d.guard(func() error { return d.init(o.ReadOnly) }); err != nil {
		db.Close()
		return nil, err
	}
	if !o.ReadOnly {
		var backup string
		err := d.guard(func() error {
			var err error
			backup, err = d.migrate()
			return err
		})
		if err != nil {
			db.Close()
			return nil, err
		}
		d.migratedBackup = backup
	}
	return d, nil
}

// preflight checks the meta pages (meta.go) and the pages of an existing
// file before it is opened for writing. bbolt rebuilds the free list of a file opened for writing by
// walking every page in a goroutine of its own, where a corrupt page
// panics beyond any recover; its Tx.Check walks the same pages safely.
func preflight(path string, timeout time.Duration, acceptMetaLoss bool) error {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return nil // new or empty: bbolt initialises it
	}
	return guardPath(path, func() error {
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
		if err != nil {
			return openError(path, err)
		}
		defer db.Close()
		if err := verifyMeta(path); err != nil && !acceptMetaLoss {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("open database %s: %w", path, err)
		}
		defer f.Close()
		return db.View(func(tx *bolt.Tx) error {
			if err := pageCheck(tx, f); err != nil {
				return fmt.Errorf("open database %s: %w (%v); run \"studybot store check\" and restore a backup; it was not modified", path, ErrCorrupt, err)
			}
			return nil
		})
	})
}

// pageCheck runs bbolt's own consistency check (Tx.Check) and returns its
// first finding. Tx.Check of a file opened read-only, and bbolt's Open for
// writing, first rebuild the free list of a file written without one (ours)
// by walking every page in a goroutine where a corrupt page panics beyond
// any recover. So when file is set (no writer holds it), the pages are
// first judged by rawCheck, which reads the file without bbolt.
func pageCheck(tx *bolt.Tx, file io.ReaderAt) error {
	if file != nil {
		if err := rawCheck(tx, file); err != nil {
			return err
		}
	}
	var first error
	for err := range tx.Check() {
		if first == nil {
			first = err
		}
	}
	return first
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("open database %s: %w (is another studybot running? stop it or use --db to pick another file)", path, ErrLocked)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch),
		strings.Contains(err.Error(), "file size too small"):
		return fmt.Errorf("open database %s: %w (%v); restore it with \"studybot restore BACKUP\" or move it away; it was not modified", path, ErrCorrupt, err)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Errorf("open database %s: %w (%v); choose a writable location with --db", path, ErrReadOnly, err)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("open database %s: the directory does not exist; create it or choose another --db: %w", path, err)
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

func (d *DB) init(readOnly bool) error {
	check := func(tx *bolt.Tx) error {
		if n := schemaOf(tx); n > SchemaVersion {
			return fmt.Errorf("open database %s: %w (schema %d, this build reads up to %d); upgrade studybot", d.path, ErrNewerSchema, n, SchemaVersion)
		} else if readOnly && n > 0 && n < SchemaVersion {
			return fmt.Errorf("open database %s read-only: it has schema %d and needs migrating to %d; open it once with a read-write studybot", d.path, n, SchemaVersion)
		}
		return nil
	}
	if readOnly {
		return d.bolt.View(check)
	}
	return d.bolt.Update(func(tx *bolt.Tx) error {
		if err := check(tx); err != nil {
			return err
		}
		fresh := schemaOf(tx) == 0
		for _, b := range allBuckets {
			if !fresh && (string(b) == string(bBoards) || string(b) == string(bPoints) || string(b) == string(bOpen) || addedIn4(b)) {
				continue // added by a migration, from the data
			}
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket: %w", err)
			}
		}
		meta := tx.Bucket(bMeta)
		if meta.Get(keyVersion) == nil {
			return meta.Put(keyVersion, putU64(nil, SchemaVersion))
		}
		return nil
	})
}

// Path returns the database file path.
func (d *DB) Path() string { return d.path }

// Close closes the database. Pending batched answers are committed first.
func (d *DB) Close() error {
	if d.closed.Swap(true) {
		return nil
	}
	d.closeIntents()
	return d.bolt.Close()
}

// Ping reports whether the database is open and readable.
func (d *DB) Ping() error {
	if d.closed.Load() {
		return ErrStoreClosed
	}
	return d.view(func(tx *bolt.Tx) error { return nil })
}

// Size returns the database file size in bytes.
func (d *DB) Size() int64 {
	var n int64
	if err := d.view(func(tx *bolt.Tx) error { n = tx.Size(); return nil }); err != nil {
		return 0
	}
	return n
}

func (d *DB) view(fn func(tx *bolt.Tx) error) error {
	if d.closed.Load() {
		return ErrStoreClosed
	}
	return d.guard(func() error { return d.bolt.View(fn) })
}

func (d *DB) update(fn func(tx *bolt.Tx) error) error {
	if d.closed.Load() {
		return ErrStoreClosed
	}
	start := time.Now()
	err := d.guard(func() error { return d.bolt.Update(fn) })
	if d.observe != nil {
		d.observe(time.Since(start))
	}
	return err
}

func (d *DB) batch(fn func(tx *bolt.Tx) error) error {
	if d.closed.Load() {
		return ErrStoreClosed
	}
	start := time.Now()
	// bbolt runs fn in whichever goroutine triggers the batch: guard it
	// there too, so that a corrupt page fails that answer, not the process.
	err := d.guard(func() error {
		return d.bolt.Batch(func(tx *bolt.Tx) error { return d.guard(func() error { return fn(tx) }) })
	})
	if d.observe != nil {
		d.observe(time.Since(start))
	}
	return err
}

// guard runs f and turns a panic inside bbolt (a failed assertion, a slice
// out of bounds or a fault on a corrupt page of the mapped file) into an
// error wrapping ErrCorrupt. bbolt rolls the transaction back as the panic
// unwinds.
func (d *DB) guard(f func() error) (err error) {
	return guardPath(d.path, f)
}

func guardPath(path string, f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("database %s: %w (%v); run \"studybot store check\" and restore a backup", path, ErrCorrupt, r)
		}
	}()
	return f()
}

// Backup writes a consistent copy of the database to w while it stays in
// use, and returns the number of bytes written.
func (d *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := d.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// BackupFile writes a consistent copy of the database to path (which must
// not exist yet) while it stays in use.
func (d *DB) BackupFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if _, err := d.Backup(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return f.Close()
}
