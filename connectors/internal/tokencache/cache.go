// Package tokencache caches expiring tokens by key (LWA access tokens by
// scope, restricted data tokens by resource) and lets concurrent callers
// that miss share one fetch.
package tokencache

import (
	"context"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// FetchFunc obtains a new token and how long it stays valid.
type FetchFunc func(ctx context.Context) (token string, ttl time.Duration, err error)

// Cache holds tokens by key. It is safe for concurrent use.
type Cache struct {
	clock       component.Clock
	renewBefore time.Duration
	mu          sync.Mutex
	entries     map[string]*entry
}

type entry struct {
	token   string
	expiry  time.Time
	pending chan struct{} // closed when the fetch in flight ends
	err     error         // outcome of the last fetch, for waiters
}

// New returns a cache that treats a token as expired renewBefore ahead of
// its expiry on clock.
func New(clock component.Clock, renewBefore time.Duration) *Cache {
	return &Cache{clock: clock, renewBefore: renewBefore, entries: map[string]*entry{}}
}

// Get returns key's token, calling fetch when there is no fresh one. While a
// fetch runs, other callers for the same key wait for its outcome (or their
// ctx). The fetch is detached from the first caller's cancellation, so one
// caller giving up does not fail the others; it gets a one-minute deadline.
// The token a fetch returns serves the callers that waited for it even when
// it lives no longer than renewBefore; only later calls fetch again.
func (c *Cache) Get(ctx context.Context, key string, fetch FetchFunc) (string, error) {
	for {
		c.mu.Lock()
		e := c.entries[key]
		if e == nil {
			e = &entry{}
			c.entries[key] = e
		}
		if e.token != "" && c.clock.Now().Before(e.expiry.Add(-c.renewBefore)) {
			tok := e.token
			c.mu.Unlock()
			return tok, nil
		}
		if e.pending == nil {
			e.pending = make(chan struct{})
			c.mu.Unlock()
			return c.run(ctx, e, fetch)
		}
		ch := e.pending
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		c.mu.Lock()
		tok, err := e.token, e.err
		c.mu.Unlock()
		if err != nil {
			return "", err
		}
		if tok != "" {
			return tok, nil
		}
		// Invalidated since the fetch: look again.
	}
}

// run performs the fetch of entry e and hands its outcome to the waiters.
func (c *Cache) run(ctx context.Context, e *entry, fetch FetchFunc) (string, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	tok, ttl, err := fetch(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	close(e.pending)
	e.pending, e.err = nil, err
	if err != nil {
		return "", err
	}
	e.token, e.expiry = tok, c.clock.Now().Add(ttl)
	return tok, nil
}

// Invalidate drops token wherever it is cached (after the server rejected
// it), so the next Get fetches again.
func (c *Cache) Invalidate(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.token == token {
			e.token = ""
		}
	}
}
