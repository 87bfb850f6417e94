package runtime

import (
	"sync"
	"time"
)

// budget counts the unclassified failures of each message, so only those
// spend the retry budget (a message that waited out an outage with
// retryable errors still gets its full budget). Counts live in memory: a
// restart or another instance starts a message's count again, which can
// only give it more attempts, never fewer. Entries not touched for an hour
// are pruned.
type budget struct {
	mu      sync.Mutex
	counts  map[string]*budgetEntry
	lastGC  time.Time
	maxIdle time.Duration
}

type budgetEntry struct {
	n    int
	seen time.Time
}

func newBudget() *budget {
	return &budget{counts: map[string]*budgetEntry{}, maxIdle: time.Hour, lastGC: time.Now()}
}

// spend records one unclassified failure of id and returns how many it had.
func (b *budget) spend(id string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	e := b.counts[id]
	if e == nil {
		e = &budgetEntry{}
		b.counts[id] = e
	}
	e.n++
	e.seen = now
	if now.Sub(b.lastGC) > b.maxIdle/4 {
		for k, v := range b.counts {
			if now.Sub(v.seen) > b.maxIdle {
				delete(b.counts, k)
			}
		}
		b.lastGC = now
	}
	return e.n
}

// forget drops id once its message is settled.
func (b *budget) forget(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.counts, id)
}

// budgetOf returns the retry budget of a pipeline, the same across reloads.
func (e *Engine) budgetOf(pipeline string) *budget {
	e.budgetsMu.Lock()
	defer e.budgetsMu.Unlock()
	b := e.budgets[pipeline]
	if b == nil {
		b = newBudget()
		e.budgets[pipeline] = b
	}
	return b
}
