package sage500demo

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
)

// writer writes demo rows into a database of either dialect the way the
// connector's sinks do, at one point in time, as one user of one company.
type writer struct {
	db  *sql.DB
	d   dialect.Dialect
	loc *time.Location
	env catalog.Env // Now, User and Company of every row
}

// newWriter returns a writer on db; loc is the zone of the database's
// datetime columns (UTC when nil).
func newWriter(db *sql.DB, dialectName string, loc *time.Location, env catalog.Env) (*writer, error) {
	if loc == nil {
		loc = time.UTC
	}
	d, err := dialect.New(dialectName, loc)
	if err != nil {
		return nil, err
	}
	return &writer{db: db, d: d, loc: loc, env: env}, nil
}

// tx is one write transaction of a writer; it is a dialect.Querier.
type tx struct {
	*sql.Tx
	w *writer
}

// inTx runs fn in a write transaction and commits when fn returns nil.
func (w *writer) inTx(ctx context.Context, fn func(context.Context, *tx) error) error {
	sqlTx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning a transaction: %w", w.d.Classify(err))
	}
	if err := fn(ctx, &tx{Tx: sqlTx, w: w}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", w.d.Classify(err))
	}
	return nil
}

// insert writes one row of the named catalogue table, with the defaults
// of the columns not given.
func (t *tx) insert(ctx context.Context, table string, vals map[string]any) error {
	return dialect.InsertRow(ctx, t.w.d, t, catalog.MustLookup(table), vals, t.w.env, t.w.loc)
}

// exec runs a statement written for dialect.Render with its arguments.
func (t *tx) exec(ctx context.Context, query string, args ...any) error {
	_, err := t.ExecContext(ctx, dialect.Render(t.w.d, query), dialect.Args(t.w.d, args...)...)
	return t.w.d.Classify(err)
}

// queryKeys runs a query for a list of keys outside a transaction.
func (w *writer) queryKeys(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := w.db.QueryContext(ctx, dialect.Render(w.d, query), dialect.Args(w.d, args...)...)
	if err != nil {
		return nil, w.d.Classify(err)
	}
	defer rows.Close()
	var keys []int64
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// nullable is a nullable key as an insert value.
func nullable(k sql.NullInt64) any {
	if k.Valid {
		return k.Int64
	}
	return nil
}
