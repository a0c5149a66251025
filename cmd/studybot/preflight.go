package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/questions"
)

// preflight checks, before anything starts, every file and path the
// configuration names the way a run uses them: the memo and the weights
// file are read and checked (regular file, size, encoding, shape), the
// database's and the backups' directories are created and written to,
// and every value is parsed. "config check" and a run both call it (after
// validate), so a config that passes here does not fail later for what it
// names. It leaves no file behind: the database is not created.
func (c Config) preflight() error {
	var errs []error
	if c.Memo != "" {
		if _, err := readMemo(c.Memo); err != nil {
			errs = append(errs, fmt.Errorf("memo: %w", err))
		}
	}
	if c.Weights != "" {
		if _, err := parseWeightsFlag(c.Weights); err != nil {
			errs = append(errs, fmt.Errorf("weights: %w", err))
		}
	}
	if c.Review != "" {
		if err := checkOptionalFile(c.Review); err != nil {
			errs = append(errs, fmt.Errorf("review: %w", err))
		}
	}
	if err := checkDBPath(c.DB); err != nil {
		errs = append(errs, fmt.Errorf("db %s: %w", c.DB, err))
	}
	if c.Backup.Dir != "" {
		if err := checkWritableDir(c.Backup.Dir); err != nil {
			errs = append(errs, fmt.Errorf("backup.dir %s: %w", c.Backup.Dir, err))
		}
	}
	return errors.Join(errs...)
}

// readMemo reads a memo file as Parse will see it: a regular file of at
// most questions.MaxMemoBytes, decoded (questions.DecodeMemo) and within
// the memo budget (questions.CheckBudget). Errors name the file and, for
// the content, the line.
func readMemo(path string) ([]byte, error) {
	b, err := readFileLimit(path, questions.MaxMemoBytes)
	if err != nil {
		return nil, err
	}
	d, _, err := questions.DecodeMemo(b)
	if err == nil {
		err = questions.CheckBudget(d)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// checkOptionalFile accepts a missing file (it is created or ignored
// later) and a regular one, and refuses anything else.
func checkOptionalFile(path string) error {
	f, _, err := openRegular(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// checkDBPath checks that the database can be opened as a run opens it:
// its directory is created, and the file, when it exists, is a regular
// file the run can write; when it does not, its directory takes a new
// file. The database itself is not created.
func checkDBPath(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("%w (%s)", errNotRegular, fileKind(fi.Mode()))
	case err == nil:
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		return f.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return checkWritableDir(filepath.Dir(path))
}

// checkWritableDir creates dir as a run would and writes (then removes) a
// file in it.
func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".studybot-preflight-*")
	if err != nil {
		return fmt.Errorf("not writable: %w", err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// checkCloseAfter applies the one bound of a question's open time, the
// same as /studybot close-after's (0: unset, the default).
func checkCloseAfter(d time.Duration) error {
	if d != 0 && (d < bot.MinCloseAfter || d > bot.MaxCloseAfter) {
		return fmt.Errorf("close_after %v: want from %v to %v, as /studybot close-after", d, bot.MinCloseAfter, bot.MaxCloseAfter)
	}
	return nil
}
