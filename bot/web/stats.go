package web

import (
	"fmt"
	"sync"
	"time"

	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/store"
)

// statsCache keeps each space's answer figures (store.ItemStats, all
// time). Figures younger than Deps.StatsFresh are served as they are;
// older ones are served too while one background read per space replaces
// them, so only a space's first request waits for the store. close waits
// for the reads in flight; after it every read is synchronous.
type statsCache struct {
	mu      sync.Mutex
	items   map[core.Space]cachedStats
	reading map[core.Space]bool
	closed  bool
	wg      sync.WaitGroup // the background reads, owned by the cache
}

// cachedStats are one space's figures by question ID, and when read.
type cachedStats struct {
	at   time.Time
	byID map[string]store.ItemStat
}

// stats returns the space's figures by question ID and when they were
// read.
func (p *Pages) stats(sp core.Space) (map[string]store.ItemStat, time.Time, error) {
	now := p.deps.Now()
	c := &p.cache
	c.mu.Lock()
	cur, ok := c.items[sp]
	if ok && !now.Before(cur.at) && now.Sub(cur.at) < p.deps.StatsFresh {
		c.mu.Unlock()
		return cur.byID, cur.at, nil
	}
	if ok && !c.closed {
		if !c.reading[sp] {
			if c.reading == nil {
				c.reading = map[core.Space]bool{}
			}
			c.reading[sp] = true
			c.wg.Add(1)
			go func() { // owned by the cache: close waits for it
				defer c.wg.Done()
				if _, _, err := p.readStats(sp, now); err != nil {
					p.deps.Log.Error("web: stats", "err", err)
				}
				c.mu.Lock()
				delete(c.reading, sp)
				c.mu.Unlock()
			}()
		}
		c.mu.Unlock()
		return cur.byID, cur.at, nil
	}
	c.mu.Unlock()
	return p.readStats(sp, now)
}

// readStats reads the space's figures from the store and keeps them as
// of at.
func (p *Pages) readStats(sp core.Space, at time.Time) (map[string]store.ItemStat, time.Time, error) {
	list, err := p.deps.Stats.ItemStats(store.ItemQuery{Space: sp})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("web: stats: %w", err)
	}
	byID := make(map[string]store.ItemStat, len(list))
	for _, s := range list {
		byID[s.QuestionID] = s
	}
	c := &p.cache
	c.mu.Lock()
	if c.items == nil {
		c.items = map[core.Space]cachedStats{}
	}
	if old, ok := c.items[sp]; !ok || !at.Before(old.at) {
		c.items[sp] = cachedStats{at: at, byID: byID}
	}
	c.mu.Unlock()
	return byID, at, nil
}

// close waits for the background reads and makes later reads
// synchronous.
func (c *statsCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
}
