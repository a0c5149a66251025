//go:build linux

package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// The child side of TestCompactFileNoRoom: compact the database named by
// the environment under the restriction it names, and print the outcome.
func init() {
	path := os.Getenv("STUDYBOT_COMPACT_CHILD")
	if path == "" {
		return
	}
	switch os.Getenv("STUDYBOT_COMPACT_LIMIT") {
	case "fsize": // a disk that fills up after 64 KiB
		signal.Ignore(syscall.SIGXFSZ)
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 64 << 10, Max: 64 << 10}); err != nil {
			fmt.Println("setup:", err)
			os.Exit(3)
		}
	case "nobody": // a directory this user cannot write
		if err := syscall.Setgid(65534); err != nil {
			fmt.Println("setup:", err)
			os.Exit(3)
		}
		if err := syscall.Setuid(65534); err != nil {
			fmt.Println("setup:", err)
			os.Exit(3)
		}
	}
	_, err := CompactFile(context.Background(), path, path+".kept")
	fmt.Printf("nospace=%v readonly=%v err=%v\n", errors.Is(err, ErrNoSpace), errors.Is(err, ErrReadOnly), err)
	os.Exit(0)
}

func TestCompactFileNoRoom(t *testing.T) {
	for _, tc := range []struct{ limit, want string }{
		{"fsize", "nospace=true"},
		{"nobody", "readonly=true"},
	} {
		t.Run(tc.limit, func(t *testing.T) {
			dir := t.TempDir()
			path := teamDB(t, dir, "team.db")
			if tc.limit == "nobody" {
				if os.Getuid() != 0 {
					os.Chmod(dir, 0o500) // not root: the permission bits are enough, in this process
					defer os.Chmod(dir, 0o700)
					before := sum(t, path)
					if _, err := CompactFile(context.Background(), path, path+".kept"); !errors.Is(err, ErrReadOnly) {
						t.Errorf("unwritable directory: %v", err)
					}
					if sum(t, path) != before {
						t.Error("the database changed")
					}
					return
				}
				// root writes anywhere: the child drops to nobody, who may read but not write
				for d := dir; d != "/" && d != "."; d = filepath.Dir(d) {
					if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o005 != 0o005 {
						os.Chmod(d, fi.Mode().Perm()|0o005)
						defer os.Chmod(d, fi.Mode().Perm())
					}
				}
				os.Chmod(path, 0o644)
			}
			names, before := dirNames(t, dir), sum(t, path)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "STUDYBOT_COMPACT_CHILD="+path, "STUDYBOT_COMPACT_LIMIT="+tc.limit)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			t.Logf("child: %s", out)
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("child said %s, want %s", out, tc.want)
			}
			if sum(t, path) != before {
				t.Error("the database changed")
			}
			if got := dirNames(t, dir); !slices.Equal(got, names) {
				t.Errorf("files %v, before %v", got, names)
			}
			if _, err := CompactFile(context.Background(), path, ""); err != nil { // and it compacts once there is room
				t.Errorf("compact afterwards: %v", err)
			}
		})
	}
}
