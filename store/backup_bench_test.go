package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// resetPeakRSS resets the process's peak resident set size (Linux:
// /proc/self/clear_refs); false where that cannot be done.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is the process's peak resident set size in bytes since the
// last resetPeakRSS (0 where unknown).
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkBackup backs up a bulk-loaded database (STUDYBOT_BACKUP_USERS
// users × 20 answers; 20,000 users make about 100 MB) as `studybot
// backup` did before issue 21 (bbolt.Compact and a check of the copy
// only) and does now
// (CompactTo: page and record check, bounded copy, check of the copy).
// It reports the source's size and the peak RSS of each run.
func BenchmarkBackup(b *testing.B) {
	users := envInt("STUDYBOT_BACKUP_USERS", 20000)
	path := filepath.Join(b.TempDir(), "big.db")
	db := loadUsers(b, path, users, 20)
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	size := fileSize(path)
	src, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	run := func(b *testing.B, backup func(out string) error) {
		b.ReportMetric(float64(size)/1e6, "source-MB")
		var peak int64
		for i := 0; i < b.N; i++ {
			out := filepath.Join(b.TempDir(), fmt.Sprintf("b%d.db", i))
			resetPeakRSS()
			if err := backup(out); err != nil {
				b.Fatal(err)
			}
			peak = max(peak, peakRSS())
			os.Remove(out)
		}
		if peak > 0 {
			b.ReportMetric(float64(peak)/1e6, "peak-RSS-MB")
		}
	}
	b.Run("before/bolt.Compact", func(b *testing.B) {
		run(b, func(out string) error {
			dst, err := bolt.Open(out, 0o600, &bolt.Options{NoSync: true, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
			if err != nil {
				return err
			}
			if err := bolt.Compact(dst, src.bolt, compactTxMax); err != nil {
				dst.Close()
				return err
			}
			if err := dst.Close(); err != nil {
				return err
			}
			if err := syncFile(out); err != nil {
				return err
			}
			c, err := Open(out, &Options{ReadOnly: true}) // the old code checked the copy too
			if err != nil {
				return err
			}
			defer c.Close()
			_, err = c.Check()
			return err
		})
	})
	b.Run("after/CompactTo", func(b *testing.B) {
		run(b, func(out string) error {
			_, err := src.CompactTo(context.Background(), out)
			return err
		})
	})
}
