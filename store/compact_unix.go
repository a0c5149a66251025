//go:build unix

package store

import (
	"os"
	"syscall"
)

// sameOwner gives the file at path the owner and group of fi, so that a
// compaction run as root leaves a database the service's user can open.
func sameOwner(path string, fi os.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	cur, err := os.Stat(path)
	if err != nil {
		return err
	}
	if now, ok := cur.Sys().(*syscall.Stat_t); ok && now.Uid == st.Uid && now.Gid == st.Gid {
		return nil
	}
	return os.Chown(path, int(st.Uid), int(st.Gid))
}
