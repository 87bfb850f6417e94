package dialect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
)

// SQLiteTimeLayout is how times are stored in the demo database: Sage's
// datetime as text without a zone, which sorts and compares correctly.
const SQLiteTimeLayout = "2006-01-02 15:04:05.000"

// sqlite is the embedded demo database. Its write transactions begin
// IMMEDIATE (the connection's DSN sets _txlock), so they exclude each other
// and the read-check-insert of a key needs no lock hint.
type sqlite struct {
	base
	nextKey, newKey string // tciSurrogateKey statements
}

func newSQLite(loc *time.Location) *sqlite {
	d := &sqlite{base: base{loc: loc, open: `"`, close: `"`}}
	d.nextKey = d.Increment("tciSurrogateKey", "NextKey", []string{"TableName"})
	d.newKey = Insert(d, "tciSurrogateKey", []string{"TableName", "NextKey"})
	return d
}

func (*sqlite) Name() string       { return "sqlite" }
func (*sqlite) DriverName() string { return "sqlite" }
func (*sqlite) Placeholder(int) string {
	return "?"
}
func (*sqlite) LockHint() string { return "" }

func (d *sqlite) Arg(v any) any {
	switch x := v.(type) {
	case string, nil, int64, float64:
		return x
	case decimal.Decimal:
		return x.String()
	case time.Time:
		return x.In(d.loc).Format(SQLiteTimeLayout)
	}
	return v
}

func (d *sqlite) Increment(table, counter string, keys []string, also ...string) string {
	c := d.Quote(counter)
	return "UPDATE " + d.Quote(table) + " SET " + c + " = " + c + " + ? WHERE " + Where(d, keys, 2) + " RETURNING " + QuoteAll(d, append([]string{counter}, also...))
}

// NextKeys is spGetNextSurrogateKey's table logic (README §3): NextKey is
// the next key to hand out; a table without a row starts at 1. The keys of
// one call are contiguous because SQLite has one writer at a time.
func (d *sqlite) NextKeys(ctx context.Context, q Querier, table string, n int) ([]int64, error) {
	var next int64
	err := q.QueryRowContext(ctx, d.nextKey, int64(n), table).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		next = int64(n) + 1
		_, err = q.ExecContext(ctx, d.newKey, table, next)
	}
	if err != nil {
		return nil, fmt.Errorf("allocating %s keys: %w", table, d.Classify(err))
	}
	return keySeq(next-int64(n), n), nil
}

func keySeq(first int64, n int) []int64 {
	keys := make([]int64, n)
	for i := range keys {
		keys[i] = first + int64(i)
	}
	return keys
}

func (d *sqlite) NextJrnlNo(ctx context.Context, q Querier, company string, jrnlKey int64) (int64, error) {
	var next int64
	err := q.QueryRowContext(ctx, d.Increment("tglJournal", "NextJrnlNo", []string{"JrnlKey", "CompanyID"}), int64(1), jrnlKey, company).Scan(&next)
	if err != nil {
		return 0, fmt.Errorf("taking the next journal number: %w", d.Classify(err))
	}
	return next - 1, nil
}

// NewBatch does what spGetNextBatch does (README §3): the number from
// tciBatchTypCompany.NextBatchNo, the key from tciSurrogateKey, a
// tciBatchLog row with BatchID module + batch type + "-" + number.
func (d *sqlite) NewBatch(ctx context.Context, q Querier, b Batch) (int64, error) {
	var next int64
	err := q.QueryRowContext(ctx, d.Increment("tciBatchTypCompany", "NextBatchNo", []string{"CompanyID", "BatchType"}), int64(1), b.Company, int64(b.BatchType)).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("tciBatchTypCompany has no row for company %s and batch type %d", b.Company, b.BatchType)
	}
	if err != nil {
		return 0, fmt.Errorf("taking the next batch number: %w", d.Classify(err))
	}
	key, err := NextKey(ctx, d, q, "tciBatchLog")
	if err != nil {
		return 0, err
	}
	no := next - 1
	cols := []string{"BatchKey", "BatchID", "BatchNo", "BatchType", "Status", "PostStatus", "SourceCompanyID", "PostCompanyID", "PostDate", "OrigUserID", "BatchCmnt", "BatchTotal", "NextSeqNo", "PostError", "RgstrPrinted", "CreateType", "CreateDate", "UpdateCounter"}
	_, err = q.ExecContext(ctx, Insert(d, "tciBatchLog", cols), Args(d,
		key, fmt.Sprintf("%s%d-%d", b.ModuleID, b.BatchType, no), no, int64(b.BatchType), int64(4), int64(0), b.Company, b.Company, b.PostDate, b.User, b.Comment,
		decimal.Zero, int64(1), int64(0), int64(0), int64(2), b.Now, int64(0))...)
	if err != nil {
		return 0, fmt.Errorf("inserting tciBatchLog: %w", d.Classify(err))
	}
	return key, nil
}

func (d *sqlite) Columns(ctx context.Context, q Querier, table string) ([]catalog.Column, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull" FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", table, d.Classify(err))
	}
	defer rows.Close()
	var cols []catalog.Column
	for rows.Next() {
		var name, typ string
		var notNull int64
		if err := rows.Scan(&name, &typ, &notNull); err != nil {
			return nil, err
		}
		cols = append(cols, catalog.Column{Table: table, Name: name, Type: readType(typ), NotNull: notNull == 1})
	}
	return cols, rows.Err()
}

func (d *sqlite) Indexes(ctx context.Context, q Querier, table string) ([]catalog.Index, error) {
	return readIndexes(ctx, d, q, table, `SELECT il.name, il."unique", ii.name FROM pragma_index_list(?) il
JOIN pragma_index_info(il.name) ii ORDER BY il.name, ii.seqno`)
}
