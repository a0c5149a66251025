package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// zeroNewerMeta zeroes the meta page of the database's last transaction,
// the damage bbolt hides by falling back to the other meta page.
func zeroNewerMeta(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	ps := int(le.Uint32(data[16+8:]))
	newer := 0
	if le.Uint64(data[ps+16+48:]) > le.Uint64(data[16+48:]) {
		newer = 1
	}
	clear(data[newer*ps : (newer+1)*ps])
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestBackupRestoreRefuseDamage: backup, restore and store check refuse a
// database whose newer meta page is zeroed (bbolt would silently serve
// the transaction before), and store check and backup refuse a post
// record that no longer reads, counting its answers by kind.
func TestBackupRestoreRefuseDamage(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "s.db")
	seedDB(t, dbPath)
	meta := filepath.Join(dir, "meta.db")
	zeroNewerMeta(t, dbPath, meta)
	before, _ := os.ReadFile(dbPath)

	backup := filepath.Join(dir, "b.db")
	if code, _, e := runCmd(t, "backup", backup, "--db", meta); code != 1 || !strings.Contains(e, "meta page") || !strings.Contains(e, "lose the transaction") {
		t.Errorf("backup of a damaged meta page: %d %s", code, e)
	}
	if code, _, e := runCmd(t, "store", "check", "--db", meta); code != 1 || !strings.Contains(e, "meta page") {
		t.Errorf("store check of a damaged meta page: %d %s", code, e)
	}
	if code, _, e := runCmd(t, "restore", meta, "--db", dbPath); code != 1 || !strings.Contains(e, "not usable") || !strings.Contains(e, "meta page") {
		t.Errorf("restore of a damaged meta page: %d %s", code, e)
	}
	if after, _ := os.ReadFile(dbPath); !bytes.Equal(after, before) {
		t.Error("a refused restore changed the database")
	}
	// with no backup, the loss can be accepted on purpose
	if code, _, e := runCmd(t, "store", "compact", "--db", meta); code != 1 || !strings.Contains(e, "--accept-meta-loss") {
		t.Errorf("store compact of a damaged meta page: %d %s", code, e)
	}
	if code, o, e := runCmd(t, "store", "compact", "--db", meta, "--accept-meta-loss"); code != 0 || !strings.Contains(o, "accepted the loss: meta page") {
		t.Errorf("store compact --accept-meta-loss: %d %s %s", code, o, e)
	}
	if code, o, e := runCmd(t, "store", "check", "--db", meta); code != 0 {
		t.Errorf("store check after the rescue: %d %s %s", code, o, e)
	}

	post := filepath.Join(dir, "post.db")
	os.WriteFile(post, before, 0o600)
	b, err := bolt.Open(post, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		k, v := tx.Bucket([]byte("posts")).Cursor().First()
		v = bytes.Clone(v)
		v[0] ^= 0x04
		return tx.Bucket([]byte("posts")).Put(bytes.Clone(k), v)
	})
	b.Close()
	code, o, e := runCmd(t, "store", "check", "--db", post)
	if code != 1 || !strings.Contains(o, "answers without their post: 2") || !strings.Contains(o, "unreadable records: 1") || !strings.Contains(o, "post record") {
		t.Errorf("store check of an unreadable post: %d\n%s%s", code, o, e)
	}
	if code, _, e := runCmd(t, "backup", backup, "--db", post); code != 1 || !strings.Contains(e, "fails its check") {
		t.Errorf("backup of an unreadable post: %d %s", code, e)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, ".*")); len(names) > 0 {
		t.Errorf("left behind: %v", names)
	}
	if _, err := os.Stat(backup); err == nil {
		t.Error("a refused backup left its target")
	}

	// a killed backup's temporary file is removed by the next one, which says so
	stale := filepath.Join(dir, ".b.db.compact-123")
	os.WriteFile(stale, []byte("half a database"), 0o600)
	if code, _, e := runCmd(t, "backup", backup, "--db", dbPath); code != 0 || !strings.Contains(e, stale+": removed") {
		t.Errorf("backup after a killed one: %d %s", code, e)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("the stale temporary file is still there")
	}

	// restore: a good backup goes in place, an interrupted restore's file is reported
	leftover := filepath.Join(dir, ".s.db.restore-99")
	os.WriteFile(leftover, []byte("half"), 0o600)
	code, o, e = runCmd(t, "restore", backup, "--db", dbPath)
	if code != 0 || !strings.Contains(o, "restored") || !strings.Contains(e, leftover) {
		t.Errorf("restore: %d %s %s", code, o, e)
	}
	if code, o, _ := runCmd(t, "store", "check", "--db", dbPath); code != 0 || !strings.Contains(o, "2 answers") {
		t.Errorf("after restore: %d %s", code, o)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".s.db.restore-*")); len(m) != 1 {
		t.Errorf("restore temporaries: %v, want only the old leftover", m)
	}
}
