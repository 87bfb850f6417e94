package sage500

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// stmtCache keeps one prepared statement per SQL text; transactions borrow
// them, so a statement is prepared once per pooled connection.
type stmtCache struct {
	mu sync.Mutex
	db *sql.DB
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (s *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[query]; ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.m[query] = st
	return st, nil
}

func (s *stmtCache) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for q, st := range s.m {
		st.Close()
		delete(s.m, q)
	}
}

// txn is one write transaction. It implements dialect.Querier with the
// connection's prepared statements.
type txn struct {
	tx  *sql.Tx
	c   *Connection
	now time.Time
}

var _ dialect.Querier = (*txn)(nil)

// inTx runs fn in a write transaction bounded by the connection's timeout
// (BEGIN IMMEDIATE on SQLite) and commits when fn returns nil.
func (c *Connection) inTx(ctx context.Context, fn func(context.Context, *txn) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout.D())
	defer cancel()
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning a transaction: %w", c.dialect.Classify(err))
	}
	t := &txn{tx: tx, c: c, now: c.clock.Now()}
	if err := fn(ctx, t); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", c.dialect.Classify(err))
	}
	return nil
}

func (t *txn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := t.c.stmts.get(ctx, query)
	if err != nil {
		return nil, t.c.dialect.Classify(err)
	}
	return t.tx.StmtContext(ctx, st), nil
}

func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext reports a preparation error when the row is scanned.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.c.stmts.get(ctx, query)
	if err != nil {
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

// env is what tables.txt's default words stand for in this transaction.
func (t *txn) env() catalog.Env {
	return catalog.Env{Now: t.now, User: t.c.cfg.UserID, Company: t.c.cfg.CompanyID}
}

// insert writes one row of table: vals (by column name, checked against
// the catalogue; a bad value is a permanent error naming the column) and
// the defaults of the columns not given.
func (t *txn) insert(ctx context.Context, table *catalog.Table, vals map[string]any) error {
	cols := make([]string, 0, len(vals)+8)
	args := make([]any, 0, len(vals)+8)
	given := 0
	env := t.env()
	for _, col := range table.Columns {
		v, ok := vals[col.Name]
		switch {
		case col.Identity:
			continue
		case ok:
			given++
			cv, err := catalog.Coerce(col, v, t.c.loc)
			if err != nil {
				return component.Permanent(err)
			}
			v = cv
		default:
			if v, ok = col.DefaultValue(env); !ok {
				continue
			}
		}
		if v == nil && col.NotNull {
			return component.Permanentf("%s.%s is required", table.Name, col.Name)
		}
		cols = append(cols, col.Name)
		args = append(args, t.c.dialect.Arg(v))
	}
	if given != len(vals) {
		return fmt.Errorf("insert into %s: %d of the values name no column", table.Name, len(vals)-given)
	}
	if _, err := t.ExecContext(ctx, dialect.Insert(t.c.dialect, table.Name, cols), args...); err != nil {
		return fmt.Errorf("inserting into %s: %w", table.Name, t.c.dialect.Classify(err))
	}
	return nil
}
