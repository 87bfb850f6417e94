package sage500_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
)

// mssqlDSNEnv names the SQL Server the opt-in suite runs against. The suite
// creates a database per test (and drops it), so point it at a scratch
// server, never at a Sage 500 company.
const mssqlDSNEnv = "PIPEWRIGHT_MSSQL_DSN"

// forEachTarget runs a test against the SQLite demo database and, when
// PIPEWRIGHT_MSSQL_DSN is set, against a SQL Server scratch database.
func forEachTarget(t *testing.T, fn func(t *testing.T, tg target)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, sqliteTarget(t)) })
	t.Run("sqlserver", func(t *testing.T) { fn(t, mssqlTarget(t)) })
}

// mssqlTarget creates a scratch database with the demo schema, stand-ins
// for Sage's allocation procedures and the demo data, dropped after the
// test.
func mssqlTarget(t *testing.T) target {
	t.Helper()
	dsn := os.Getenv(mssqlDSNEnv)
	if dsn == "" {
		t.Skip("SQL Server suite skipped: set " + mssqlDSNEnv + "=sqlserver://USER:PASSWORD@HOST?database=master (a scratch server: a database is created and dropped per test)")
	}
	ctx := context.Background()
	admin, err := sql.Open("sqlserver", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	name := "pw_sage500_" + strconv.FormatUint(rand.Uint64(), 36)
	_, err = admin.ExecContext(ctx, "CREATE DATABASE ["+name+"]")
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE [%s] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [%s]", name, name))
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("database", name)
	u.RawQuery = q.Encode()
	db, err := sql.Open("sqlserver", u.String())
	require.NoError(t, err)
	defer db.Close()
	stubs, err := os.ReadFile("testdata/mssql/stubs.sql")
	require.NoError(t, err)
	require.NoError(t, sage500demo.Create(ctx, db, "sqlserver", func() error {
		for _, batch := range strings.Split(string(stubs), "\nGO\n") {
			if _, err := db.ExecContext(ctx, batch); err != nil {
				return err
			}
		}
		return nil
	}))
	return target{"sqlserver", u.String()}
}

// portable rewrites the ? markers of a test query for the connection.
func portable(conn *sage500.Connection, query string) string {
	if conn.Dialect() != "sqlserver" {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "@p%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// shipAll runs the demo warehouse on the connection's database.
func shipAll(t testing.TB, conn *sage500.Connection, opts sage500demo.ShipOptions) int {
	t.Helper()
	opts.Dialect = conn.Dialect()
	n, err := sage500demo.ShipOpenOrders(context.Background(), conn.DB(), opts)
	require.NoError(t, err)
	return n
}
