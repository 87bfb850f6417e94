package sage500

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
)

// txn is one write transaction; it implements dialect.Querier.
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

// ExecContext runs a statement in the transaction.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.c.stmts.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.c.stmts.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query in the transaction; an error, even
// one preparing the statement, is reported when the row is scanned.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.c.stmts.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// env is what tables.txt's default words stand for in this transaction.
func (t *txn) env() catalog.Env {
	return catalog.Env{Now: t.now, User: t.c.cfg.UserID, Company: t.c.cfg.CompanyID}
}

// insert writes one row of table: vals (by column name, checked against
// the catalogue; a bad value is a permanent error naming the column) and
// the defaults of the columns not given.
func (t *txn) insert(ctx context.Context, table *catalog.Table, vals map[string]any) error {
	return t.insertRows(ctx, table, []map[string]any{vals})
}

// insertRows writes rows of table like insert, several rows per statement
// as far as SQL Server's 2100 parameters allow.
func (t *txn) insertRows(ctx context.Context, table *catalog.Table, rows []map[string]any) error {
	if len(rows) == 0 {
		return nil
	}
	cols := dialect.InsertColumns(table, rows)
	args, err := dialect.InsertArgs(t.c.dialect, table, cols, rows, t.env(), t.c.loc)
	if err != nil {
		return err
	}
	mask := insertMaskOf(cols)
	per := max(1, maxParams/len(cols))
	for start := 0; start < len(rows); start += per {
		n := min(per, len(rows)-start)
		query := t.c.insertSQL(table, cols, mask, n)
		if _, err := t.ExecContext(ctx, query, args[start*len(cols):(start+n)*len(cols)]...); err != nil {
			return fmt.Errorf("inserting into %s: %w", table.Name, t.c.dialect.Classify(err))
		}
	}
	return nil
}

// maxParams keeps a statement under SQL Server's 2100 parameters.
const maxParams = 2000

// insertMask marks the columns of an insert (the first 256 columns).
type insertMask [4]uint64

// insertMaskOf marks the columns cols (indexes into the table's columns).
func insertMaskOf(cols []int) insertMask {
	var mask insertMask
	for _, i := range cols {
		if i < len(mask)*64 {
			mask[i/64] |= 1 << (i % 64)
		}
	}
	return mask
}

type insertKey struct {
	table *catalog.Table
	mask  insertMask
	rows  int
}

// insertSQL returns the INSERT statement for n rows of the columns,
// remembered per table, column set and row count.
func (c *Connection) insertSQL(table *catalog.Table, cols []int, mask insertMask, n int) string {
	key := insertKey{table, mask, n}
	cacheable := len(table.Columns) <= len(mask)*64
	if q, ok := c.inserts.Load(key); ok && cacheable {
		return q.(string)
	}
	names := make([]string, len(cols))
	for i, ci := range cols {
		names[i] = table.Columns[ci].Name
	}
	q := dialect.InsertRows(c.dialect, table.Name, names, n)
	if cacheable {
		c.inserts.Store(key, q)
	}
	return q
}

// boundStmt is a statement with its arguments.
type boundStmt struct {
	sql  string
	args []any
}

// execAll runs statements in order and stops at the first error.
func (t *txn) execAll(ctx context.Context, what string, stmts ...boundStmt) error {
	for _, st := range stmts {
		if _, err := t.ExecContext(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("%s: %w", what, t.c.dialect.Classify(err))
		}
	}
	return nil
}
