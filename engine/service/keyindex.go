package service

import (
	"context"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/internal/dlq"
)

// keyRefreshEvery is how often an engine re-reads which business keys have
// dead letters: a record another engine of a cluster stored is known here
// within this time.
const keyRefreshEvery = 5 * time.Second

// keyIndex knows which business keys of which pipelines have dead letters,
// so that a delivery asks the store only when it may resolve something.
type keyIndex struct {
	mu     sync.RWMutex
	tokens map[string]map[string]bool
	// recent are the keys added since the running refresh began.
	recent map[string]map[string]bool
}

// mayHave reports whether pipeline's key may have records.
func (k *keyIndex) mayHave(pipeline, key string) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.tokens[pipeline][dlq.KeyToken(key)]
}

// add notes a record this engine stored.
func (k *keyIndex) add(pipeline, key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.tokens = with(k.tokens, pipeline, dlq.KeyToken(key))
	k.recent = with(k.recent, pipeline, dlq.KeyToken(key))
}

func with(m map[string]map[string]bool, pipeline, token string) map[string]map[string]bool {
	if m == nil {
		m = map[string]map[string]bool{}
	}
	if m[pipeline] == nil {
		m[pipeline] = map[string]bool{}
	}
	m[pipeline][token] = true
	return m
}

// refresh re-reads the keys from the store. Keys added while it reads
// stay; keys whose records are gone are forgotten.
func (k *keyIndex) refresh(ctx context.Context, store *dlq.Store) error {
	k.mu.Lock()
	k.recent = nil
	k.mu.Unlock()
	tokens, err := store.KeyTokens(ctx)
	if err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for pl, ts := range k.recent {
		for t := range ts {
			tokens = with(tokens, pl, t)
		}
	}
	k.tokens = tokens
	return nil
}
