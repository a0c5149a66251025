package draft_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/studybot/studybot/questions/draft"
)

func TestCacheRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	c, err := draft.OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := draft.Response{Key: "ab12_-CD", Content: `{"stem":"x"}`, Usage: draft.Usage{Input: 3, Output: 4}, Backend: "openai", Model: "m"}
	if _, ok := c.Get(want.Key); ok {
		t.Fatal("hit in an empty cache")
	}
	if err := c.Put(want); err != nil {
		t.Fatal(err)
	}
	// A second Cache on the same directory (a rerun) sees it.
	c2, err := draft.OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := c2.Get(want.Key)
	if !ok || got != want {
		t.Errorf("Get = %+v, %t; want %+v", got, ok, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != want.Key+".json" {
		t.Errorf("directory holds %v, want only the key's file (no temporary left)", entries)
	}
}

// TestCacheKeys checks that a key cannot name a file outside the cache.
func TestCacheKeys(t *testing.T) {
	root := t.TempDir()
	c, err := draft.OpenCache(filepath.Join(root, "cache"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "outside.json"), []byte(`{"key":"../outside","content":"{}"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"", "../outside", "a/b", `a\b`, "..", "a.b", "a b", "é", "a\x00", strings.Repeat("a", 129)} {
		if err := c.Put(draft.Response{Key: key, Content: "{}"}); err == nil {
			t.Errorf("Put(%q) accepted", key)
		}
		if _, ok := c.Get(key); ok {
			t.Errorf("Get(%q) hit", key)
		}
	}
	if err := c.Put(draft.Response{Key: strings.Repeat("f", 128), Content: "{}"}); err != nil {
		t.Errorf("a 128-character key: %v", err)
	}
}

// TestCacheTornFile checks that a file cut short by a crash, or garbage,
// is a miss, not an error, and is replaced by the next Put.
func TestCacheTornFile(t *testing.T) {
	dir := t.TempDir()
	c, err := draft.OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	full := draft.Response{Key: "k1", Content: `{"stem":"x"}`}
	if err := c.Put(full); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "k1.json"))
	for _, torn := range [][]byte{data[:len(data)/2], {}, []byte("\x00\x00\x00"), []byte(`{"key":"k2","content":"{}"}`)} {
		if err := os.WriteFile(filepath.Join(dir, "k1.json"), torn, 0o600); err != nil {
			t.Fatal(err)
		}
		if r, ok := c.Get("k1"); ok {
			t.Errorf("torn file %q read as %+v", torn, r)
		}
	}
	// A temporary left by a crash before its rename is ignored.
	if err := os.WriteFile(filepath.Join(dir, ".put-123.tmp"), data[:5], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Put(full); err != nil {
		t.Fatal(err)
	}
	if r, ok := c.Get("k1"); !ok || r != full {
		t.Errorf("after Put: %+v, %t", r, ok)
	}
}
