package spapi

import (
	"sync"
	"time"
)

// versionCache remembers the newest published version (lastUpdatedTime) of
// recent orders, so a notification for a version already published needs no
// getOrder call. It holds at most size orders, forgetting the oldest
// insertions first; forgetting only costs a call.
type versionCache struct {
	mu    sync.Mutex
	size  int
	times map[string]time.Time
	order []string // insertion order, for eviction
}

func newVersionCache(size int) *versionCache {
	return &versionCache{size: size, times: map[string]time.Time{}}
}

// record notes that version t of order id was published.
func (c *versionCache) record(id string, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.times[id]
	if ok {
		if t.After(old) {
			c.times[id] = t
		}
		return
	}
	c.times[id] = t
	c.order = append(c.order, id)
	if len(c.order) > c.size {
		delete(c.times, c.order[0])
		c.order = c.order[1:]
	}
}

// covers reports whether a version at or after t of order id was published.
func (c *versionCache) covers(id string, t time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.times[id]
	return ok && !old.Before(t)
}
