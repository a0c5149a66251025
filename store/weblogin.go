package store

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The web pages' sign-in: one-time login links and the sessions they open.
// Only the SHA-256 of a link's token and of a session's ID is kept, so a
// copy of the database gives no live link or session. Both buckets are
// created by the first link, so databases from before them need no
// migration; they are not in allBuckets.
//
//	weblogins:   sha256(token) → WebLogin (JSON)
//	websessions: sha256(id)    → WebSession (JSON)
var (
	bWebLogins   = []byte("weblogins")
	bWebSessions = []byte("websessions")
)

// WebLogin is a one-time sign-in link as the store keeps it: whom it signs
// in, where, and until when.
type WebLogin struct {
	// Space is the workspace the link was asked for in.
	Space SpaceRef `json:"space"`
	// User is the admin's platform user ID.
	User string `json:"user"`
	// Lang is the language of the place the link was asked for in.
	Lang string `json:"lang"`
	// PlatformAdmin records that the platform (not the config) said the
	// user is an admin when the link was minted.
	PlatformAdmin bool `json:"platform_admin,omitempty"`
	// Expires is when the link stops working.
	Expires time.Time `json:"expires"`
}

// WebSession is a signed-in admin's session as the store keeps it.
type WebSession struct {
	// Space, User, Lang and PlatformAdmin come from the link that opened it.
	Space         SpaceRef `json:"space"`
	User          string   `json:"user"`
	Lang          string   `json:"lang"`
	PlatformAdmin bool     `json:"platform_admin,omitempty"`
	// CSRF is the token every change must carry.
	CSRF string `json:"csrf"`
	// Expires is when the session ends.
	Expires time.Time `json:"expires"`
}

// webPrune bounds the expired entries one write deletes.
const webPrune = 64

// MintLogin keeps a new sign-in link under the hash of token, and prunes
// the links and sessions expired at now. It returns ErrInvalid for an empty token, user or space.
func (d *DB) MintLogin(token string, l WebLogin, now time.Time) error {
	if token == "" || l.User == "" {
		return fmt.Errorf("web login: %w", ErrInvalid)
	}
	if err := l.Space.valid(); err != nil {
		return fmt.Errorf("web login: %w", err)
	}
	return d.webPut(bWebLogins, token, l, now)
}

// RedeemLogin uses up the link of token: it deletes it and returns what it
// signs in. A link works once, even when opened twice at the same moment
// (one write transaction). It returns ErrNotFound for an unknown or used
// token and ErrExpired for a link past its Expires (deleted as well).
func (d *DB) RedeemLogin(token string, now time.Time) (WebLogin, error) {
	var l WebLogin
	var expired bool
	h := sha256.Sum256([]byte(token))
	err := d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bWebLogins)
		if b == nil {
			return ErrNotFound
		}
		v := b.Get(h[:])
		if v == nil {
			return ErrNotFound
		}
		if err := json.Unmarshal(v, &l); err != nil {
			return fmt.Errorf("%w: web login record: %v", ErrCorrupt, err)
		}
		expired = !now.Before(l.Expires)
		return b.Delete(h[:]) // an expired link goes too: commit, then refuse
	})
	if err == nil && expired {
		err = ErrExpired
	}
	if err != nil {
		return WebLogin{}, fmt.Errorf("web login: %w", err)
	}
	return l, nil
}

// PutSession keeps a session under the hash of id, and prunes the links
// and sessions expired at now. It returns ErrInvalid for an empty id, user, CSRF
// token or space.
func (d *DB) PutSession(id string, s WebSession, now time.Time) error {
	if id == "" || s.User == "" || s.CSRF == "" {
		return fmt.Errorf("web session: %w", ErrInvalid)
	}
	if err := s.Space.valid(); err != nil {
		return fmt.Errorf("web session: %w", err)
	}
	return d.webPut(bWebSessions, id, s, now)
}

// GetSession returns the session of id. It returns ErrNotFound for an
// unknown id and ErrExpired for a session past its Expires.
func (d *DB) GetSession(id string, now time.Time) (WebSession, error) {
	var s WebSession
	h := sha256.Sum256([]byte(id))
	err := d.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bWebSessions)
		if b == nil {
			return ErrNotFound
		}
		v := b.Get(h[:])
		if v == nil {
			return ErrNotFound
		}
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("%w: web session record: %v", ErrCorrupt, err)
		}
		if !now.Before(s.Expires) {
			return ErrExpired
		}
		return nil
	})
	if err != nil {
		return WebSession{}, fmt.Errorf("web session: %w", err)
	}
	return s, nil
}

// DeleteSession ends the session of id (signing out). Deleting an unknown
// session is not an error.
func (d *DB) DeleteSession(id string) error {
	if err := d.webDelete(bWebSessions, id); err != nil {
		return fmt.Errorf("web session: %w", err)
	}
	return nil
}

// webPut stores v under sha256(secret) in bucket name, pruning expired
// entries of both web buckets first.
func (d *DB) webPut(name []byte, secret string, v any, now time.Time) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	h := sha256.Sum256([]byte(secret))
	err = d.update(func(tx *bolt.Tx) error {
		for _, n := range [][]byte{bWebLogins, bWebSessions} {
			b, err := tx.CreateBucketIfNotExists(n)
			if err != nil {
				return err
			}
			if err := pruneWeb(b, now); err != nil {
				return err
			}
		}
		return tx.Bucket(name).Put(h[:], raw)
	})
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	return nil
}

func (d *DB) webDelete(name []byte, secret string) error {
	h := sha256.Sum256([]byte(secret))
	return d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(name)
		if b == nil {
			return nil
		}
		return b.Delete(h[:])
	})
}

// pruneWeb deletes up to webPrune entries of b that expired before now
// (unreadable ones too). The buckets hold a handful of entries per admin,
// so a scan is cheap.
func pruneWeb(b *bolt.Bucket, now time.Time) error {
	var old [][]byte
	var e struct {
		Expires time.Time `json:"expires"`
	}
	err := b.ForEach(func(k, v []byte) error {
		if len(old) >= webPrune {
			return nil
		}
		e.Expires = time.Time{}
		if json.Unmarshal(v, &e) != nil || !now.Before(e.Expires) {
			old = append(old, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// WebEntries counts the sign-in links and sessions kept (tests and checks).
func (d *DB) WebEntries() (logins, sessions int, err error) {
	err = d.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bWebLogins); b != nil {
			logins = b.Stats().KeyN
		}
		if b := tx.Bucket(bWebSessions); b != nil {
			sessions = b.Stats().KeyN
		}
		return nil
	})
	return logins, sessions, err
}
