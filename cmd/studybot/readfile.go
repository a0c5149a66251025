package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Size limits of the files studybot reads. Each is read through its limit,
// after its size is checked, so that a huge file is refused instead of
// filling memory.
const (
	maxConfigBytes  = 1 << 20 // --config, weights and memo side-car YAML
	maxSecretBytes  = 64 << 10
	maxWeightsBytes = 1 << 20
)

// Errors of the files studybot reads.
var (
	// errTooLarge is wrapped by readFileLimit for a file over its limit.
	errTooLarge = errors.New("file too large")
	// errNotRegular is wrapped for a path that names a directory, a named
	// pipe, a device or a socket: reading one could block forever or never
	// end.
	errNotRegular = errors.New("not a regular file")
)

// openRegular opens path for reading without blocking (a named pipe with
// no writer would block the open itself) and refuses anything but a
// regular file, saying what it is.
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w (%s)", path, errNotRegular, fileKind(fi.Mode()))
	}
	return f, fi, nil
}

// fileKind names what a non-regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	}
	return "not a plain file"
}

// readFileLimit reads the regular file at path, refusing more than limit
// bytes before reading any.
func readFileLimit(path string, limit int64) ([]byte, error) {
	f, fi, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s: %w (%d bytes, over %d)", path, errTooLarge, fi.Size(), limit)
	}
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	b := buf.Bytes()
	if int64(len(b)) > limit { // it grew while read
		return nil, fmt.Errorf("%s: %w (over %d bytes)", path, errTooLarge, limit)
	}
	return b, nil
}
