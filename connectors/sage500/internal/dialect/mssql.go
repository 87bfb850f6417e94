package dialect

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/govalues/decimal"
	mssqldb "github.com/microsoft/go-mssqldb"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
)

// mssql is a real Sage 500 database on SQL Server. Keys, batches and journal
// numbers come from Sage's own procedures; strings bind as varchar and times
// as datetime, like Sage's columns (README §10).
type mssql struct {
	base
}

func newMSSQL(loc *time.Location) *mssql {
	return &mssql{base{loc: loc, open: "[", close: "]"}}
}

func (*mssql) Name() string       { return "sqlserver" }
func (*mssql) DriverName() string { return "sqlserver" }
func (*mssql) Placeholder(n int) string {
	return "@p" + strconv.Itoa(n)
}
func (*mssql) LockHint() string { return " WITH (UPDLOCK, HOLDLOCK)" }

func (d *mssql) Arg(v any) any {
	switch x := v.(type) {
	case string:
		return mssqldb.VarChar(x)
	case decimal.Decimal:
		return mssqldb.VarChar(x.String())
	case time.Time:
		return mssqldb.DateTime1(x.In(d.loc))
	}
	return v
}

func (d *mssql) Increment(table, counter string, keys []string, also ...string) string {
	c := d.Quote(counter)
	out := make([]string, 0, len(also)+1)
	for _, col := range append([]string{counter}, also...) {
		out = append(out, "inserted."+d.Quote(col))
	}
	return "UPDATE " + d.Quote(table) + " SET " + c + " = " + c + " + @p1 OUTPUT " + strings.Join(out, ", ") + " WHERE " + Where(d, keys, 2)
}

// NextKeys calls spGetNextSurrogateKey once per key (README §3).
func (d *mssql) NextKeys(ctx context.Context, q Querier, table string, n int) ([]int64, error) {
	keys := make([]int64, n)
	for i := range keys {
		var key int32
		if _, err := q.ExecContext(ctx, "EXEC spGetNextSurrogateKey @p1, @p2 OUTPUT", mssqldb.VarChar(table), sql.Out{Dest: &key}); err != nil {
			return nil, fmt.Errorf("spGetNextSurrogateKey %s: %w", table, d.Classify(err))
		}
		if key <= 0 {
			return nil, fmt.Errorf("spGetNextSurrogateKey %s returned key %d", table, key)
		}
		keys[i] = int64(key)
	}
	return keys, nil
}

// NextJrnlNo calls spglGiveNextJrnlNo with @iCommitFlag 1 (README §7.2).
func (d *mssql) NextJrnlNo(ctx context.Context, q Querier, company string, jrnlKey int64) (int64, error) {
	var no, ret int32
	_, err := q.ExecContext(ctx, "EXEC spglGiveNextJrnlNo @p1, @p2, 1, @p3 OUTPUT, @p4 OUTPUT",
		mssqldb.VarChar(company), int32(jrnlKey), sql.Out{Dest: &no}, sql.Out{Dest: &ret})
	if err != nil {
		return 0, fmt.Errorf("spglGiveNextJrnlNo: %w", d.Classify(err))
	}
	if no <= 0 {
		return 0, fmt.Errorf("spglGiveNextJrnlNo gave journal number %d (return value %d)", no, ret)
	}
	return int64(no), nil
}

var batchRetVals = map[int16]string{2: "no batch number is available", 3: "tciBatchTypCompany has no row for the batch type", 4: "the tciBatchLog row could not be created"}

// NewBatch calls spGetNextBatch (README §3).
func (d *mssql) NewBatch(ctx context.Context, q Querier, b Batch) (int64, error) {
	var key, no int32
	var ret int16
	_, err := q.ExecContext(ctx, "EXEC spGetNextBatch @p1, @p2, @p3, @p4, @p5, @p6, @p7 OUTPUT, @p8 OUTPUT, @p9 OUTPUT, 0, NULL",
		mssqldb.VarChar(b.Company), int16(b.ModuleNo), int32(b.BatchType), mssqldb.VarChar(b.User), mssqldb.VarChar(b.Comment),
		mssqldb.DateTime1(b.PostDate.In(d.loc)), sql.Out{Dest: &key}, sql.Out{Dest: &no}, sql.Out{Dest: &ret})
	if err != nil {
		return 0, fmt.Errorf("spGetNextBatch: %w", d.Classify(err))
	}
	if ret != 1 {
		return 0, fmt.Errorf("spGetNextBatch for batch type %d returned %d: %s", b.BatchType, ret, batchRetVals[ret])
	}
	return int64(key), nil
}

func (d *mssql) Columns(ctx context.Context, q Querier, table string) ([]catalog.Column, error) {
	rows, err := q.QueryContext(ctx, `SELECT COLUMN_NAME, DATA_TYPE, COALESCE(CHARACTER_MAXIMUM_LENGTH, 0), COALESCE(NUMERIC_PRECISION, 0),
COALESCE(NUMERIC_SCALE, 0), IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = SCHEMA_NAME() AND TABLE_NAME = @p1
ORDER BY ORDINAL_POSITION`, mssqldb.VarChar(table))
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", table, d.Classify(err))
	}
	defer rows.Close()
	var cols []catalog.Column
	for rows.Next() {
		var name, typ, nullable string
		var length, prec, scale int64
		if err := rows.Scan(&name, &typ, &length, &prec, &scale, &nullable); err != nil {
			return nil, err
		}
		switch typ {
		case "varchar", "nvarchar", "char", "nchar":
			typ = fmt.Sprintf("%s(%d)", typ, length)
		case "decimal", "numeric":
			typ = fmt.Sprintf("decimal(%d,%d)", prec, scale)
		}
		cols = append(cols, catalog.Column{Table: table, Name: name, Type: readType(typ), NotNull: nullable == "NO"})
	}
	return cols, rows.Err()
}

func (d *mssql) Indexes(ctx context.Context, q Querier, table string) ([]catalog.Index, error) {
	return readIndexes(ctx, d, q, mssqldb.VarChar(table), `SELECT i.name, CAST(i.is_unique AS int), c.name FROM sys.indexes i
JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
WHERE i.object_id = OBJECT_ID(@p1) AND ic.is_included_column = 0 ORDER BY i.name, ic.key_ordinal`)
}
