package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Size limits of the files studybot reads. Each is read through its limit,
// so that a huge file or a device such as /dev/zero is refused instead of
// filling memory.
const (
	maxConfigBytes  = 1 << 20 // --config, weights and memo side-car YAML
	maxSecretBytes  = 64 << 10
	maxWeightsBytes = 1 << 20
)

// errTooLarge is wrapped by readFileLimit for a file over its limit.
var errTooLarge = errors.New("file too large")

// readFileLimit reads the file at path, refusing more than limit bytes.
func readFileLimit(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: %w (over %d bytes)", path, errTooLarge, limit)
	}
	return b, nil
}
