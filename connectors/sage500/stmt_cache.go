package sage500

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statements a connection keeps prepared.
const maxCachedStmts = 512

// stmtCache keeps statements prepared on the pool, so that a transaction
// borrowing one (Tx.StmtContext) parses it once per pooled connection
// instead of on every call. A statement not prepared yet is prepared in the
// background, never on the caller's behalf: a transaction holding the
// pool's last connection would otherwise wait for itself.
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
	wg      sync.WaitGroup
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// lookup returns the prepared statement, or nil when it is not ready (or
// s is nil: tools that open a connection briefly cache nothing).
func (s *stmtCache) lookup(query string) *sql.Stmt {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.m[query]; st != nil {
		return st
	}
	if s.closed || s.pending[query] || len(s.m)+len(s.pending) >= maxCachedStmts {
		return nil
	}
	s.pending[query] = true
	s.wg.Add(1)
	go s.prepare(query)
	return nil
}

func (s *stmtCache) prepare(query string) {
	defer s.wg.Done()
	st, err := s.db.PrepareContext(context.Background(), query)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pending, query)
	switch {
	case err != nil:
	case s.closed:
		_ = st.Close()
	default:
		s.m[query] = st
	}
}

// close closes the statements and waits for the pending ones; the caller
// has closed the pool, so that none of them waits for a connection.
func (s *stmtCache) close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.closed = true
	stmts := s.m
	s.m = map[string]*sql.Stmt{}
	s.mu.Unlock()
	for _, st := range stmts {
		_ = st.Close()
	}
	s.wg.Wait()
}
