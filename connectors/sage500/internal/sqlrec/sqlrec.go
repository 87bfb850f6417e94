// Package sqlrec is a database/sql driver for tests that records every
// statement with its bound arguments and answers from a function. The
// SQL Server tests run the connector against it and compare the transcript
// with golden files, since no SQL Server runs beside the tests.
package sqlrec

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Result is the answer to one statement.
type Result struct {
	Columns []string
	// Types are the columns' database type names (e.g. "DECIMAL"); optional.
	Types []string
	Rows  [][]driver.Value
	// Affected is the rows-affected count of an Exec.
	Affected int64
	// Out sets OUTPUT parameters, by 1-based ordinal.
	Out map[int]any
}

// Responder answers a statement.
type Responder func(query string, args []driver.NamedValue) (Result, error)

// Recorder is the driver and its transcript.
type Recorder struct {
	mu      sync.Mutex
	lines   []string
	respond Responder
}

// New returns a recorder answering with respond.
func New(respond Responder) *Recorder { return &Recorder{respond: respond} }

// DB opens a pool on the recorder (one connection, so the transcript is in
// order).
func (r *Recorder) DB() *sql.DB {
	db := sql.OpenDB(connector{r})
	db.SetMaxOpenConns(1)
	return db
}

// Transcript returns what was recorded, one statement per paragraph.
func (r *Recorder) Transcript() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

func (r *Recorder) record(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, s)
}

func (r *Recorder) run(query string, args []driver.NamedValue) (Result, error) {
	var b strings.Builder
	b.WriteString(query + "\n")
	for _, a := range args {
		fmt.Fprintf(&b, "  @%d = %s\n", a.Ordinal, Format(a.Value))
	}
	r.record(b.String())
	res, err := r.respond(query, args)
	if err != nil {
		return res, err
	}
	for _, a := range args {
		out, ok := a.Value.(sql.Out)
		if v, set := res.Out[a.Ordinal]; ok && set {
			reflect.ValueOf(out.Dest).Elem().Set(reflect.ValueOf(v).Convert(reflect.TypeOf(out.Dest).Elem()))
		}
	}
	return res, nil
}

// Format writes a bound value with its Go type, e.g. mssql.VarChar("AMZUS").
func Format(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case sql.Out:
		return fmt.Sprintf("OUTPUT %T", x.Dest)
	case time.Time:
		return fmt.Sprintf("time.Time(%s)", x.Format("2006-01-02 15:04:05.000 MST"))
	case fmt.Stringer:
		return fmt.Sprintf("%T(%s)", v, x)
	}
	if t := reflect.TypeOf(v); t.Kind() == reflect.Struct && t.ConvertibleTo(reflect.TypeOf(time.Time{})) {
		return fmt.Sprintf("%T(%s)", v, reflect.ValueOf(v).Convert(reflect.TypeOf(time.Time{})).Interface().(time.Time).Format("2006-01-02 15:04:05.000"))
	}
	return fmt.Sprintf("%T(%#v)", v, v)
}

type connector struct{ r *Recorder }

func (c connector) Connect(context.Context) (driver.Conn, error) { return &conn{c.r}, nil }
func (c connector) Driver() driver.Driver                        { return drv{c.r} }

type drv struct{ r *Recorder }

func (d drv) Open(string) (driver.Conn, error) { return &conn{d.r}, nil }

type conn struct{ r *Recorder }

func (c *conn) Prepare(query string) (driver.Stmt, error) { return &stmt{c.r, query}, nil }
func (c *conn) Close() error                              { return nil }
func (c *conn) Begin() (driver.Tx, error)                 { c.r.record("BEGIN TRANSACTION\n"); return tx{c.r}, nil }

// BeginTx records the isolation level a transaction asks for, if any.
func (c *conn) BeginTx(_ context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if level := sql.IsolationLevel(opts.Isolation); level != sql.LevelDefault {
		c.r.record("BEGIN TRANSACTION ISOLATION LEVEL " + strings.ToUpper(level.String()) + "\n")
		return tx{c.r}, nil
	}
	return c.Begin()
}

// CheckNamedValue accepts every value, as go-mssqldb does for its types.
func (c *conn) CheckNamedValue(*driver.NamedValue) error { return nil }

type tx struct{ r *Recorder }

func (t tx) Commit() error   { t.r.record("COMMIT\n"); return nil }
func (t tx) Rollback() error { t.r.record("ROLLBACK\n"); return nil }

type stmt struct {
	r     *Recorder
	query string
}

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }

func (s *stmt) Exec([]driver.Value) (driver.Result, error) {
	return nil, fmt.Errorf("sqlrec: use ExecContext")
}

func (s *stmt) Query([]driver.Value) (driver.Rows, error) {
	return nil, fmt.Errorf("sqlrec: use QueryContext")
}

func (s *stmt) ExecContext(_ context.Context, args []driver.NamedValue) (driver.Result, error) {
	res, err := s.r.run(s.query, args)
	return driver.RowsAffected(res.Affected), err
}

func (s *stmt) QueryContext(_ context.Context, args []driver.NamedValue) (driver.Rows, error) {
	res, err := s.r.run(s.query, args)
	if err != nil {
		return nil, err
	}
	return &rows{res: res}, nil
}

func (s *stmt) CheckNamedValue(*driver.NamedValue) error { return nil }

type rows struct {
	res Result
	i   int
}

func (r *rows) Columns() []string { return r.res.Columns }
func (r *rows) Close() error      { return nil }

func (r *rows) Next(dest []driver.Value) error {
	if r.i >= len(r.res.Rows) {
		return io.EOF
	}
	copy(dest, r.res.Rows[r.i])
	r.i++
	return nil
}

// ColumnTypeDatabaseTypeName reports the declared column types.
func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if i < len(r.res.Types) {
		return r.res.Types[i]
	}
	return ""
}
