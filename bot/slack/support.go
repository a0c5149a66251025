package slack

import (
	"context"
	"sync"
	"time"
)

// adminCache remembers whether users are workspace admins or owners.
type adminCache struct {
	ttl  time.Duration
	now  func() time.Time
	api  api
	mu   sync.Mutex
	seen map[string]adminEntry
}

type adminEntry struct {
	admin bool
	at    time.Time
}

func newAdminCache(ttl time.Duration, now func() time.Time, a api) *adminCache {
	return &adminCache{ttl: ttl, now: now, api: a, seen: map[string]adminEntry{}}
}

// isAdmin asks users.info (at most once per ttl per user); errors count as
// "not an admin" and are not cached.
func (c *adminCache) isAdmin(ctx context.Context, user string) bool {
	c.mu.Lock()
	e, ok := c.seen[user]
	c.mu.Unlock()
	if ok && c.now().Sub(e.at) < c.ttl {
		return e.admin
	}
	u, err := c.api.GetUserInfoContext(ctx, user)
	if err != nil {
		return false
	}
	admin := u.IsAdmin || u.IsOwner || u.IsPrimaryOwner
	c.mu.Lock()
	c.seen[user] = adminEntry{admin, c.now()}
	c.mu.Unlock()
	return admin
}
