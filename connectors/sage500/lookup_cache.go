package sage500

import (
	"sync"
	"time"
)

// lookupCache holds lookup results until they expire, at most max of them.
// When full it first drops expired entries, then arbitrary ones.
type lookupCache struct {
	mu  sync.Mutex
	ttl time.Duration
	max int
	m   map[string]cacheEntry
}

type cacheEntry struct {
	v       any
	expires time.Time
}

func newLookupCache(ttl time.Duration, max int) *lookupCache {
	return &lookupCache{ttl: ttl, max: max, m: map[string]cacheEntry{}}
}

func (l *lookupCache) get(key string, now time.Time) (any, bool) {
	if l.ttl <= 0 {
		return nil, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.m[key]
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	return e.v, true
}

func (l *lookupCache) put(key string, v any, now time.Time) {
	if l.ttl <= 0 || l.max <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) >= l.max {
		for k, e := range l.m {
			if !now.Before(e.expires) {
				delete(l.m, k)
			}
		}
		for k := range l.m {
			if len(l.m) < l.max {
				break
			}
			delete(l.m, k)
		}
	}
	l.m[key] = cacheEntry{v: v, expires: now.Add(l.ttl)}
}
