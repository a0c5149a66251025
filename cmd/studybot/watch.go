package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"
)

// DefaultWatch is how often the memo's files are polled when the config
// sets no watch interval.
const DefaultWatch = 10 * time.Second

// bankFiles lists the files a bank is built from, for the watch: the memo,
// its sidecar config, its questions file, the review file and a weights
// file. The bundled memo has none but a --review file.
func bankFiles(f memoFlags) []string {
	var out []string
	if f.memo != "" {
		out = append(out, f.memo, strings.TrimSuffix(f.memo, filepath.Ext(f.memo))+".yaml", authoredFile(f.memo))
	}
	if r := f.reviewPath(); r != "" {
		out = append(out, r)
	}
	if f.weights != "" && !strings.Contains(f.weights, "=") {
		out = append(out, f.weights)
	}
	return out
}

// fileState is what the watch knows of one file.
type fileState struct {
	exists bool
	mod    time.Time
	hash   [sha256.Size]byte
}

// fileWatch polls files and calls reload when the content of any of them
// changed (created, edited or removed). A touch that changes only the
// modification time does not reload. Its run loop is owned by whoever
// calls run, and returns when ctx is done.
type fileWatch struct {
	paths    []string
	every    time.Duration
	newTimer func(time.Duration) (<-chan time.Time, func())
	reload   func()
	log      *slog.Logger
	seen     map[string]fileState
}

// newFileWatch records the files' current state, so that the first change
// after it reloads.
func newFileWatch(paths []string, every time.Duration, newTimer func(time.Duration) (<-chan time.Time, func()), reload func(), log *slog.Logger) *fileWatch {
	w := &fileWatch{paths: paths, every: every, newTimer: newTimer, reload: reload, log: log, seen: map[string]fileState{}}
	w.changed()
	return w
}

// maxWatchBytes bounds how much of a file the watch hashes each poll: a
// file larger than any studybot reads changes its hash by its size alone.
const maxWatchBytes = 4 << 20

// stat reads a file's state without holding it in memory: its size and
// the hash of its first maxWatchBytes, read as a stream. An unreadable
// file, or one that is not a regular file (a named pipe would block the
// poll), counts as missing; the reload that follows says why.
func stat(path string) fileState {
	f, fi, err := openRegular(path)
	if err != nil {
		return fileState{}
	}
	defer f.Close()
	h := sha256.New()
	fmt.Fprintf(h, "%d\n", fi.Size())
	if _, err := io.Copy(h, io.LimitReader(f, maxWatchBytes)); err != nil {
		return fileState{}
	}
	st := fileState{exists: true, mod: fi.ModTime()}
	h.Sum(st.hash[:0])
	return st
}

// changed polls every file once and returns those whose content changed
// since the last poll.
func (w *fileWatch) changed() []string {
	var out []string
	for _, p := range w.paths {
		st := stat(p)
		old, known := w.seen[p]
		w.seen[p] = st
		if known && (st.exists != old.exists || st.hash != old.hash) {
			out = append(out, p)
		}
	}
	return out
}

// poll reloads when a file changed and reports whether it did.
func (w *fileWatch) poll() bool {
	ch := w.changed()
	if len(ch) == 0 {
		return false
	}
	w.log.Info("bank files changed; reloading", "files", ch)
	w.reload()
	return true
}

// run polls every interval until ctx is done.
func (w *fileWatch) run(ctx context.Context) {
	for {
		c, stop := w.newTimer(w.every)
		select {
		case <-ctx.Done():
			stop()
			return
		case <-c:
		}
		w.poll()
	}
}

// wallTimer is a timer on the wall clock.
func wallTimer(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
