package store

import (
	"bytes"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openWebDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "w.db"), &Options{NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var webT0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func webLogin(exp time.Time) WebLogin {
	return WebLogin{Space: SpaceRef{Platform: Slack, ID: "T1"}, User: "U1", Lang: "ja", PlatformAdmin: true, Expires: exp}
}

// TestRedeemLoginOnce: a link signs in once; a second redeem, an unknown
// token and an expired link are refused, and the expired one is gone too.
func TestRedeemLoginOnce(t *testing.T) {
	db := openWebDB(t)
	if err := db.MintLogin("tok", webLogin(webT0.Add(10*time.Minute)), webT0); err != nil {
		t.Fatal(err)
	}
	l, err := db.RedeemLogin("tok", webT0.Add(time.Minute))
	if err != nil || l.User != "U1" || l.Space.ID != "T1" || l.Lang != "ja" || !l.PlatformAdmin {
		t.Fatalf("redeem = %+v, %v", l, err)
	}
	if _, err := db.RedeemLogin("tok", webT0.Add(time.Minute)); !errors.Is(err, ErrNotFound) {
		t.Errorf("second redeem: %v, want ErrNotFound", err)
	}
	if _, err := db.RedeemLogin("other", webT0); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown token: %v, want ErrNotFound", err)
	}
	if err := db.MintLogin("old", webLogin(webT0.Add(10*time.Minute)), webT0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RedeemLogin("old", webT0.Add(10*time.Minute)); !errors.Is(err, ErrExpired) {
		t.Errorf("expired: %v, want ErrExpired", err)
	}
	if n, _, _ := db.WebEntries(); n != 0 {
		t.Errorf("%d links left, want 0", n)
	}
}

// TestRedeemLoginConcurrent: of many redeems of one link at once, exactly
// one wins.
func TestRedeemLoginConcurrent(t *testing.T) {
	db := openWebDB(t)
	for round := range 20 {
		if err := db.MintLogin("tok", webLogin(webT0.Add(time.Hour)), webT0); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, lost := 0, 0
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := db.RedeemLogin("tok", webT0)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, ErrNotFound):
					lost++
				default:
					t.Errorf("redeem: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || lost != 15 {
			t.Fatalf("round %d: %d wins, %d refused; want 1 and 15", round, wins, lost)
		}
	}
}

// TestWebSessionLifecycle: a session is found until it expires, is gone
// after DeleteSession, and expired links and sessions are pruned by the
// next write.
func TestWebSessionLifecycle(t *testing.T) {
	db := openWebDB(t)
	s := WebSession{Space: SpaceRef{Platform: Discord, ID: "G1"}, User: "U1", Lang: "en", CSRF: "c", Expires: webT0.Add(12 * time.Hour)}
	if err := db.PutSession("sid", s, webT0); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetSession("sid", webT0.Add(time.Hour))
	if err != nil || got != s {
		t.Fatalf("get = %+v, %v; want %+v", got, err, s)
	}
	if _, err := db.GetSession("sid", webT0.Add(12*time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("expired: %v", err)
	}
	if _, err := db.GetSession("nope", webT0); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	if err := db.DeleteSession("sid"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetSession("sid", webT0); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	// prune: an old link and an old session go with the next write
	if err := db.PutSession("old", s, webT0); err != nil {
		t.Fatal(err)
	}
	if err := db.MintLogin("oldlink", webLogin(webT0.Add(time.Minute)), webT0); err != nil {
		t.Fatal(err)
	}
	if err := db.MintLogin("new", webLogin(webT0.Add(13*time.Hour+10*time.Minute)), webT0.Add(13*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if l, n, err := db.WebEntries(); err != nil || l != 1 || n != 0 {
		t.Errorf("after prune: %d links, %d sessions, %v; want 1, 0", l, n, err)
	}
}

// TestWebSecretsNotStored: the database holds neither a link's token nor
// a session's ID, only their hashes.
func TestWebSecretsNotStored(t *testing.T) {
	db := openWebDB(t)
	tok, sid := "TOKEN-abcdefghijklmnop", "SESSION-abcdefghijklmnop"
	if err := db.MintLogin(tok, webLogin(webT0.Add(time.Hour)), webT0); err != nil {
		t.Fatal(err)
	}
	if err := db.PutSession(sid, WebSession{Space: SpaceRef{Platform: Slack, ID: "T1"}, User: "U1", CSRF: "c", Expires: webT0.Add(time.Hour)}, webT0); err != nil {
		t.Fatal(err)
	}
	err := db.view(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				for _, s := range []string{tok, sid} {
					if bytes.Contains(k, []byte(s)) || bytes.Contains(v, []byte(s)) {
						t.Errorf("bucket %s holds %q", name, s)
					}
				}
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWebInvalid: empty tokens, users and spaces are refused.
func TestWebInvalid(t *testing.T) {
	db := openWebDB(t)
	for name, err := range map[string]error{
		"no token": db.MintLogin("", webLogin(webT0), webT0),
		"no user":  db.MintLogin("t", WebLogin{Space: SpaceRef{Platform: Slack, ID: "T"}}, webT0),
		"no space": db.MintLogin("t", WebLogin{User: "U"}, webT0),
		"no csrf":  db.PutSession("s", WebSession{Space: SpaceRef{Platform: Slack, ID: "T"}, User: "U"}, webT0),
	} {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}
