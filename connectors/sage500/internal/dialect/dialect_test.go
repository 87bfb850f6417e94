package dialect_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

func both(t *testing.T) map[string]dialect.Dialect {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	out := map[string]dialect.Dialect{}
	for _, name := range []string{"sqlserver", "sqlite"} {
		d, err := dialect.New(name, ny)
		require.NoError(t, err)
		out[name] = d
	}
	return out
}

func TestRender_quotes_identifiers_and_numbers_parameters(t *testing.T) {
	d := both(t)
	const s = `SELECT x.{SOKey} FROM {tsoSalesOrder_ext} x{LOCK} WHERE x.{AmazonOrderId} = ? AND {CompanyID} = ?`
	assert.Equal(t, `SELECT x.[SOKey] FROM [tsoSalesOrder_ext] x WITH (UPDLOCK, HOLDLOCK) WHERE x.[AmazonOrderId] = @p1 AND [CompanyID] = @p2`, dialect.Render(d["sqlserver"], s))
	assert.Equal(t, `SELECT x."SOKey" FROM "tsoSalesOrder_ext" x WHERE x."AmazonOrderId" = ? AND "CompanyID" = ?`, dialect.Render(d["sqlite"], s))
}

func TestIncrement_returns_the_new_counter(t *testing.T) {
	d := both(t)
	assert.Equal(t, `UPDATE [tciTranTypeCompany] SET [NextTranNo] = [NextTranNo] + @p1 OUTPUT inserted.[NextTranNo], inserted.[TranTypeID] WHERE [CompanyID] = @p2 AND [TranType] = @p3`,
		d["sqlserver"].Increment("tciTranTypeCompany", "NextTranNo", []string{"CompanyID", "TranType"}, "TranTypeID"))
	assert.Equal(t, `UPDATE "tciTranTypeCompany" SET "NextTranNo" = "NextTranNo" + ? WHERE "CompanyID" = ? AND "TranType" = ? RETURNING "NextTranNo", "TranTypeID"`,
		d["sqlite"].Increment("tciTranTypeCompany", "NextTranNo", []string{"CompanyID", "TranType"}, "TranTypeID"))
}

func TestArg_binds_sage_types(t *testing.T) {
	d := both(t)
	at := time.Date(2026, 3, 1, 15, 4, 5, 0, time.UTC)
	ny, _ := time.LoadLocation("America/New_York")
	assert.Equal(t, mssql.VarChar("AMZUS"), d["sqlserver"].Arg("AMZUS"), "varchar, not nvarchar")
	assert.Equal(t, mssql.DateTime1(at.In(ny)), d["sqlserver"].Arg(at), "datetime in the connection's zone, not datetimeoffset")
	assert.Equal(t, mssql.VarChar("12.300"), d["sqlserver"].Arg(decimal.MustParse("12.300")))
	assert.Equal(t, int64(7), d["sqlserver"].Arg(int64(7)))
	assert.Equal(t, "2026-03-01 10:04:05.000", d["sqlite"].Arg(at), "Sage wall-clock text in the connection's zone")
	assert.Equal(t, "12.300", d["sqlite"].Arg(decimal.MustParse("12.300")))
	assert.Nil(t, d["sqlite"].Arg(nil))
}

func TestFromDB_converts_to_the_message_value_model(t *testing.T) {
	d := both(t)
	ny, _ := time.LoadLocation("America/New_York")
	dec := dialect.ColumnInfo{Name: "ExtAmt", DatabaseType: "DECIMAL(15,3)", Scale: 3}
	expr := dialect.ColumnInfo{Name: "Total", Scale: -1}
	tests := []struct {
		name    string
		dialect string
		in      any
		col     dialect.ColumnInfo
		want    any
	}{
		{"SQL Server decimal bytes", "sqlserver", []byte("12.300"), dialect.ColumnInfo{Name: "x", DatabaseType: "DECIMAL", Scale: 3}, decimal.MustParse("12.300")},
		{"SQLite REAL of a decimal column", "sqlite", 12.3, dec, decimal.MustParse("12.300")},
		{"SQLite INTEGER of a decimal column", "sqlite", int64(24), dec, decimal.MustParse("24.000")},
		{"SQLite REAL expression", "sqlite", 0.1 + 0.2, expr, decimal.MustParse("0.3")},
		{"SQL Server float stays a float", "sqlserver", 1.25, expr, 1.25},
		{"text", "sqlite", []byte("AMZUS"), dialect.ColumnInfo{Name: "CustID", DatabaseType: "VARCHAR(12)"}, "AMZUS"},
		{"datetime is wall clock in the zone", "sqlserver", time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), dialect.ColumnInfo{Name: "d"}, time.Date(2026, 3, 1, 8, 0, 0, 0, ny)},
		{"null", "sqlite", nil, dec, nil},
		{"text declared datetime", "sqlite", "2026-03-01 08:00:00.000", dialect.ColumnInfo{Name: "m", DatabaseType: "DATETIME"}, time.Date(2026, 3, 1, 8, 0, 0, 0, ny)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d[tt.dialect].FromDB(tt.in, tt.col)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

type sqlServerError int32

func (e sqlServerError) Error() string         { return "mssql: error" }
func (e sqlServerError) SQLErrorNumber() int32 { return int32(e) }

func TestClassify_sorts_errors_into_retryable_and_permanent(t *testing.T) {
	d := both(t)
	for n, want := range map[int32]string{1205: "retryable", 208: "retryable", 4060: "retryable", 2627: "permanent", 8152: "permanent", 50000: "neither"} {
		err := d["sqlserver"].Classify(sqlServerError(n))
		got := "neither"
		switch {
		case component.IsPermanent(err):
			got = "permanent"
		case component.IsRetryable(err):
			got = "retryable"
		}
		assert.Equal(t, want, got, "SQL Server error %d", n)
	}
	assert.True(t, d["sqlserver"].IsUniqueViolation(sqlServerError(2601)))
	assert.True(t, component.IsRetryable(d["sqlite"].Classify(errors.Join(errors.New("x"), errTimeout{}))), "a network timeout")
	assert.Nil(t, d["sqlite"].Classify(nil))
}

type errTimeout struct{}

func (errTimeout) Error() string   { return "i/o timeout" }
func (errTimeout) Timeout() bool   { return true }
func (errTimeout) Temporary() bool { return true }

// TestCreateTable_golden keeps the DDL of every catalogue table in both
// dialects in testdata (UPDATE_GOLDEN=1 rewrites it).
func TestCreateTable_golden(t *testing.T) {
	for name, d := range both(t) {
		var b strings.Builder
		for _, tb := range catalog.Tables() {
			for _, stmt := range d.CreateTable(tb) {
				b.WriteString(stmt + ";\n")
			}
			b.WriteString("\n")
		}
		path := filepath.Join("testdata", "ddl_"+name+".sql")
		if os.Getenv("UPDATE_GOLDEN") != "" {
			require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, string(want), b.String(), "%s differs (UPDATE_GOLDEN=1 rewrites it)", path)
	}
}
