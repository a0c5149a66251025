//go:build !linux

package store

import "os"

// holdTemp does nothing where open-file locks are not available.
func holdTemp(*os.File) (unlock func()) { return func() {} }

// tempIsStale cannot tell here whether a compaction still writes path.
func tempIsStale(string) (stale, known bool) { return false, false }
