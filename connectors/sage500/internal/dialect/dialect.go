// Package dialect holds what differs between the two databases the Sage 500
// connector talks to: SQL Server (a real Sage 500 company, through
// github.com/microsoft/go-mssqldb) and SQLite (the embedded demo database,
// through modernc.org/sqlite). It covers identifier quoting, parameter
// markers and value binding, Sage's key, batch and journal-number
// allocation, locking, DDL, schema introspection and error classification.
// Statements shared by both are built here from these pieces.
package dialect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
)

// Querier runs statements: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Dialect is one database's way of doing what the connector needs. Methods
// that take a Querier run inside the caller's transaction. Implementations
// are safe for concurrent use.
type Dialect interface {
	// Name is "sqlserver" or "sqlite".
	Name() string
	// DriverName is the database/sql driver to open.
	DriverName() string
	// Quote quotes an identifier already checked with sqltext.ValidIdent.
	Quote(ident string) string
	// Placeholder is the marker of the n-th (1-based) positional argument.
	Placeholder(n int) string
	// Arg converts a value from catalog.Coerce (string, int64, float64,
	// decimal.Decimal, time.Time or nil) into what the driver must bind for
	// Sage's column types: varchar rather than nvarchar, datetime rather than
	// datetimeoffset, times as wall clock in the connection's time zone.
	Arg(v any) any
	// FromDB converts a scanned value of a column of the given database type
	// into the message value model (see component.Message).
	FromDB(v any, col ColumnInfo) (any, error)
	// LockHint follows a table name in a FROM clause: the rows read (or the
	// gap where a missing row would be) stay locked against other writers
	// until the transaction ends. SQLite needs none: its write transactions
	// begin IMMEDIATE and exclude each other.
	LockHint() string
	// Increment is a statement adding argument 1 to column counter of the
	// row of table whose key columns equal arguments 2.. and returning the
	// column's new value, then the values of the columns also.
	Increment(table, counter string, keys []string, also ...string) string

	// NextKeys allocates n surrogate keys for a Sage table the way Sage
	// does (spGetNextSurrogateKey; tciSurrogateKey on SQLite).
	NextKeys(ctx context.Context, q Querier, table string, n int) ([]int64, error)
	// NextJrnlNo takes the next journal number of a tglJournal row.
	NextJrnlNo(ctx context.Context, q Querier, company string, jrnlKey int64) (int64, error)
	// NewBatch creates the tciBatchLog row of b and returns its BatchKey.
	NewBatch(ctx context.Context, q Querier, b Batch) (int64, error)

	// CreateTable returns the statements creating t and its indexes.
	CreateTable(t *catalog.Table) []string
	// AddColumn returns the statement adding a nullable column to table.
	AddColumn(table string, c catalog.Column) string
	// CreateIndex returns the statement creating an index of t.
	CreateIndex(t *catalog.Table, ix catalog.Index) string
	// Columns reads a table's columns, or returns nil when it does not exist.
	Columns(ctx context.Context, q Querier, table string) ([]catalog.Column, error)
	// Indexes reads a table's indexes.
	Indexes(ctx context.Context, q Querier, table string) ([]catalog.Index, error)

	// ChangeVersions reads a table's SQL Server change tracking versions
	// (ErrNoChangeTracking on SQLite).
	ChangeVersions(ctx context.Context, q Querier, table string) (ChangeVersions, error)
	// InSnapshot runs read in a snapshot transaction on one connection of
	// db, so that it reads one consistent state of the database. Only
	// change tracking needs it: ErrNoChangeTracking on SQLite.
	InSnapshot(ctx context.Context, db *sql.DB, read func(q Querier) error) error

	// Classify marks err retryable (the database cannot be reached, is
	// busy, or lacks an object it should have) or permanent (the data broke
	// a constraint); other errors are returned unchanged.
	Classify(err error) error
	// IsUniqueViolation reports whether err is a duplicate key.
	IsUniqueViolation(err error) bool
}

// Batch is a new Sage batch (tciBatchLog), e.g. module 3 (GL), type 301.
type Batch struct {
	Company  string
	ModuleNo int
	// ModuleID is the module's two-letter ID ("GL", "SO") used in BatchID.
	ModuleID  string
	BatchType int
	User      string
	Comment   string
	PostDate  time.Time
	// Now is the creation time.
	Now time.Time
}

// New returns the dialect called name ("sqlserver" or "sqlite"); times are
// written and read as wall-clock times in loc.
func New(name string, loc *time.Location) (Dialect, error) {
	switch name {
	case "sqlserver":
		return newMSSQL(loc), nil
	case "sqlite":
		return newSQLite(loc), nil
	}
	return nil, fmt.Errorf("unknown SQL dialect %q", name)
}

// Placeholders returns n markers from the first-th on, joined with ", ".
func Placeholders(d Dialect, first, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = d.Placeholder(first + i)
	}
	return strings.Join(ps, ", ")
}

// QuoteAll quotes each identifier and joins them with ", ".
func QuoteAll(d Dialect, idents []string) string {
	qs := make([]string, len(idents))
	for i, s := range idents {
		qs[i] = d.Quote(s)
	}
	return strings.Join(qs, ", ")
}

// Insert is "INSERT INTO table (cols) VALUES (markers)".
func Insert(d Dialect, table string, cols []string) string {
	return InsertRows(d, table, cols, 1)
}

// InsertRows is Insert for n rows: "VALUES (markers), (markers), ...".
func InsertRows(d Dialect, table string, cols []string, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + d.Quote(table) + " (" + QuoteAll(d, cols) + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + Placeholders(d, 1+i*len(cols), len(cols)) + ")")
	}
	return b.String()
}

// Where is "k1 = marker AND k2 = marker ..." with markers from first on.
func Where(d Dialect, keys []string, first int) string {
	conds := make([]string, len(keys))
	for i, k := range keys {
		conds[i] = d.Quote(k) + " = " + d.Placeholder(first+i)
	}
	return strings.Join(conds, " AND ")
}

// Args converts values with d.Arg.
func Args(d Dialect, vals ...any) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = d.Arg(v)
	}
	return out
}

// NextKey allocates one surrogate key.
func NextKey(ctx context.Context, d Dialect, q Querier, table string) (int64, error) {
	keys, err := d.NextKeys(ctx, q, table, 1)
	if err != nil {
		return 0, err
	}
	return keys[0], nil
}

// NextTranNo takes the next transaction number of a company and tran type
// from tciTranTypeCompany.NextTranNo (README §1.2, §3), with the tran type's
// TranTypeID.
func NextTranNo(ctx context.Context, d Dialect, q Querier, company string, tranType int) (int64, string, error) {
	var next int64
	var typeID string
	err := q.QueryRowContext(ctx, d.Increment("tciTranTypeCompany", "NextTranNo", []string{"CompanyID", "TranType"}, "TranTypeID"),
		Args(d, int64(1), company, int64(tranType))...).Scan(&next, &typeID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("tciTranTypeCompany has no row for company %s and tran type %d", company, tranType)
	}
	if err != nil {
		return 0, "", fmt.Errorf("taking the next tran number: %w", d.Classify(err))
	}
	return next - 1, typeID, nil
}

// Render writes a statement for d: {name} becomes the quoted identifier,
// {LOCK} the lock hint and each ? the next parameter marker. The statement
// must not hold ? or braces in literals.
func Render(d Dialect, s string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '?':
			n++
			b.WriteString(d.Placeholder(n))
		case '{':
			end := strings.IndexByte(s[i:], '}')
			if name := s[i+1 : i+end]; name == "LOCK" {
				b.WriteString(d.LockHint())
			} else {
				b.WriteString(d.Quote(name))
			}
			i += end
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
