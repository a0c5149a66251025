package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migrations[v] upgrades a database from schema v to v+1, inside one
// write transaction.
var migrations = map[int]func(tx *bolt.Tx) error{
	1: migrate1to2,
	2: migrate2to3,
	3: migrate3to4,
	4: migrateAnswerLayouts, // schema 5 (legacy.go)
}

// migrate2to3 adds the index of open posts by closing time (schema 3),
// from the posts not yet closed.
func migrate2to3(tx *bolt.Tx) error {
	open, err := tx.CreateBucketIfNotExists(bOpen)
	if err != nil {
		return err
	}
	return tx.Bucket(bPostMeta).ForEach(func(k, v []byte) error {
		var m postMeta
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("post %s: %w", k, err)
		}
		if m.Closed {
			return nil
		}
		return open.Put(openKey(m.ClosesAt, string(k)), nil)
	})
}

// migrate1to2 adds the per-board player counts and points histograms
// (schema 2), computed from the leaderboard counters.
func migrate1to2(tx *bolt.Tx) error {
	boards, err := tx.CreateBucketIfNotExists(bBoards)
	if err != nil {
		return err
	}
	points, err := tx.CreateBucketIfNotExists(bPoints)
	if err != nil {
		return err
	}
	return tx.Bucket(bCounters).ForEach(func(k, v []byte) error {
		parts := splitKey(k)
		if len(parts) != 5 {
			return fmt.Errorf("counter key %q: %w", k, ErrCorrupt)
		}
		bk := key(parts[0], parts[1], parts[2], parts[3])
		if err := boards.Put(bk, putU64(nil, getU64(boards.Get(bk))+1)); err != nil {
			return err
		}
		pk := pointsKeyDK(SpaceRef{parts[0], parts[1]}, parts[2], parts[3], decodeCounter(v).correct)
		return points.Put(pk, putU64(nil, getU64(points.Get(pk))+1))
	})
}

// schemaOf reads the stored schema version (0: a new, empty file).
func schemaOf(tx *bolt.Tx) int {
	meta := tx.Bucket(bMeta)
	if meta == nil {
		return 0
	}
	return int(getU64(meta.Get(keyVersion)))
}

// migrate brings an older database up to SchemaVersion, after writing a
// backup next to it (path.v<old>-<time>.bak). It returns the backup path,
// or "" when nothing needed doing.
func (d *DB) migrate() (string, error) {
	var from int
	if err := d.bolt.View(func(tx *bolt.Tx) error { from = schemaOf(tx); return nil }); err != nil {
		return "", err
	}
	if from == 0 || from >= SchemaVersion {
		return "", nil
	}
	backup := fmt.Sprintf("%s.v%d-%s.bak", d.path, from, d.now().UTC().Format("20060102T150405Z"))
	if err := d.BackupFile(backup); err != nil {
		return "", fmt.Errorf("migrate %s: backup before migrating: %w", d.path, err)
	}
	err := d.bolt.Update(func(tx *bolt.Tx) error {
		for v := from; v < SchemaVersion; v++ {
			m, ok := migrations[v]
			if !ok {
				return fmt.Errorf("no migration from schema %d", v)
			}
			if err := m(tx); err != nil {
				return fmt.Errorf("schema %d→%d: %w", v, v+1, err)
			}
		}
		return tx.Bucket(bMeta).Put(keyVersion, putU64(nil, SchemaVersion))
	})
	if err != nil {
		return backup, fmt.Errorf("migrate %s (backup kept at %s): %w", d.path, backup, err)
	}
	return backup, nil
}

// Migrated returns the backup written before this Open migrated the
// database ("" if it did not).
func (d *DB) Migrated() string { return d.migratedBackup }
