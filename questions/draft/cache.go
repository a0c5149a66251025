package draft

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Cache keeps model answers by request key on disk, so a rerun resumes
// without paying twice. It is a directory with one file per key,
// <key>.json, each written whole to a temporary file and renamed into
// place, so a crash mid-write leaves either the old state or the new one;
// a file that is torn anyway (a disk full, a copy cut short) reads as a
// miss and is overwritten by the next answer. A Cache is safe for use by
// several goroutines.
type Cache struct {
	dir string
}

// maxKeyLen bounds a key's length, far above any hash's.
const maxKeyLen = 128

// validKey reports whether key is safe as a file name: 1 to 128 ASCII
// letters, digits, '-' or '_' (a hash in hex or base64url), so no key
// reaches outside the cache's directory.
func validKey(key string) bool {
	if key == "" || len(key) > maxKeyLen {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// OpenCache opens (creating) a cache in dir.
func OpenCache(dir string) (*Cache, error) {
	if dir == "" {
		return nil, fmt.Errorf("draft cache: no directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("draft cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// Dir returns the cache's directory.
func (c *Cache) Dir() string { return c.dir }

// path returns the file of key.
func (c *Cache) path(key string) string { return filepath.Join(c.dir, key+".json") }

// Get returns the answer kept for key. A key that is not a valid file
// name, a missing file, or a file that does not decode as the answer to
// key (torn by a crash) is a miss.
func (c *Cache) Get(key string) (Response, bool) {
	if !validKey(key) {
		return Response{}, false
	}
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return Response{}, false
	}
	var r Response
	if err := json.Unmarshal(data, &r); err != nil || r.Key != key || r.Content == "" {
		return Response{}, false
	}
	return r, true
}

// Put keeps an answer under its key, replacing any answer kept before. It
// writes a temporary file in the cache's directory, syncs it and renames it
// over the key's file, so a reader never sees half an answer.
func (c *Cache) Put(r Response) error {
	if !validKey(r.Key) {
		return fmt.Errorf("draft cache: key %q is not 1-%d letters, digits, - or _", r.Key, maxKeyLen)
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("draft cache: %w", err)
	}
	f, err := os.CreateTemp(c.dir, ".put-*.tmp")
	if err != nil {
		return fmt.Errorf("draft cache: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(append(data, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, c.path(r.Key))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("draft cache: %w", err)
	}
	return nil
}
