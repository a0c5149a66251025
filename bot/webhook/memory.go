package webhook

import (
	"log/slog"
	"sync"
	"time"
)

// Store keeps request keys across restarts (store.DB).
type Store interface {
	// FirstRequest records key and reports whether it is new within ttl.
	FirstRequest(key string, ttl time.Duration) (bool, error)
}

// Memory remembers request keys (trigger IDs, interaction IDs, action
// timestamps) for a window, so that retries and replays are processed
// once. With a Store it outlives a restart; without one, or when the
// store fails, it remembers in memory.
type Memory struct {
	store Store
	ttl   time.Duration
	now   func() time.Time
	log   *slog.Logger
	mu    sync.Mutex
	keys  map[string]time.Time
}

// NewMemory returns a memory of ttl over s (nil: in memory only).
func NewMemory(s Store, ttl time.Duration, now func() time.Time, log *slog.Logger) *Memory {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Memory{store: s, ttl: ttl, now: now, log: log, keys: map[string]time.Time{}}
}

// First reports whether key is new within the window, and remembers it.
// An empty key is always new.
func (m *Memory) First(key string) bool {
	if key == "" {
		return true
	}
	if m.store != nil {
		first, err := m.store.FirstRequest(key, m.ttl)
		if err == nil {
			return first
		}
		m.log.Warn("request memory: store failed; remembering in memory", "err", err)
	}
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.keys) > 10000 {
		for k, t := range m.keys {
			if now.Sub(t) >= m.ttl {
				delete(m.keys, k)
			}
		}
	}
	if t, ok := m.keys[key]; ok && now.Sub(t) < m.ttl {
		return false
	}
	m.keys[key] = now
	return true
}
