//go:build linux

package store

import (
	"os"
	"syscall"
)

// fOFDSetlk is F_OFD_SETLK: a lock owned by the open file, so that it
// conflicts within one process too, and is independent of bbolt's flock
// on the same file.
const fOFDSetlk = 37

// holdTemp takes a write lock on the temporary file f for as long as a
// compaction writes it; tempIsStale tries the same lock. The lock goes
// with the process, so a killed compaction's file is free to remove.
func holdTemp(f *os.File) (unlock func()) {
	lk := syscall.Flock_t{Type: syscall.F_WRLCK}
	if syscall.FcntlFlock(f.Fd(), fOFDSetlk, &lk) != nil {
		return func() {}
	}
	return func() {
		lk.Type = syscall.F_UNLCK
		syscall.FcntlFlock(f.Fd(), fOFDSetlk, &lk)
	}
}

// tempIsStale reports whether no compaction holds the temporary file at
// path; known is false when the lock cannot be tried.
func tempIsStale(path string) (stale, known bool) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false, false
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK}
	switch err := syscall.FcntlFlock(f.Fd(), fOFDSetlk, &lk); err {
	case nil:
		lk.Type = syscall.F_UNLCK
		syscall.FcntlFlock(f.Fd(), fOFDSetlk, &lk)
		return true, true
	case syscall.EAGAIN, syscall.EACCES:
		return false, true
	}
	return false, false
}
