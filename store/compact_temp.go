package store

import (
	"fmt"
	"os"
	"path/filepath"
)

// tempPrefix is the start of the name of the temporary file a compaction
// into base writes.
func tempPrefix(base string) string { return "." + base + ".compact-" }

// cleanStale deals with the temporary files that a compaction into
// dir/base killed before it could clean up (SIGKILL, a power cut) left
// behind: each that no running compaction holds (holdTemp) is removed;
// where the platform cannot tell, it is left and reported. It returns
// what it did, one line per file.
func cleanStale(dir, base string) []string {
	olds, _ := filepath.Glob(filepath.Join(dir, tempPrefix(base)+"*"))
	var out []string
	for _, p := range olds {
		switch stale, known := tempIsStale(p); {
		case !known:
			out = append(out, fmt.Sprintf("%s: left by an interrupted compaction or in use; delete it if no compaction runs", p))
		case stale:
			if err := os.Remove(p); err != nil {
				out = append(out, fmt.Sprintf("%s: left by an interrupted compaction; cannot remove it: %v", p, err))
			} else {
				out = append(out, fmt.Sprintf("%s: removed (left by an interrupted compaction)", p))
			}
		}
	}
	return out
}
