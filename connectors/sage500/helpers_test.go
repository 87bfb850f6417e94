package sage500_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

var (
	demoOnce sync.Once
	demoFile string
	demoErr  error
)

// demoDB returns the path of a fresh copy of the demo database (created
// once per test binary).
func demoDB(t testing.TB) string {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sage500-demo")
		if err != nil {
			demoErr = err
			return
		}
		demoFile = filepath.Join(dir, "demo.db")
		demoErr = sage500demo.CreateDB(context.Background(), demoFile)
	})
	require.NoError(t, demoErr)
	b, err := os.ReadFile(demoFile)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "demo.db")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

// connOptions returns testdata/connection.yaml for a DSN.
func connOptions(t testing.TB, dsn string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/connection.yaml")
	require.NoError(t, err)
	return strings.ReplaceAll(string(b), "{{DSN}}", dsn)
}

// target is a database the shared tests run against.
type target struct {
	name string
	dsn  string
}

// sqliteTarget is a fresh demo database.
func sqliteTarget(t testing.TB) target { return target{"sqlite", "sqlite:" + demoDB(t)} }

// newConn starts a connection to the target with the custom fields applied.
func newConn(t testing.TB, tg target) *sage500.Connection {
	t.Helper()
	return newConnWith(t, connOptions(t, tg.dsn), componenttest.NewSettings(t, "connection/sage"))
}

func newConnWith(t testing.TB, options string, set component.Settings) *sage500.Connection {
	t.Helper()
	conn := startConn(t, options, set)
	_, err := conn.ApplyFields(context.Background())
	require.NoError(t, err)
	return conn
}

// startConn starts a connection without applying its custom fields.
func startConn(t testing.TB, options string, set component.Settings) *sage500.Connection {
	t.Helper()
	ctx := context.Background()
	f := sage500.NewConnectionFactory()
	cfg := componenttest.DecodeConfig(t, f, options)
	c, err := f.CreateConnection(ctx, set, cfg)
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Shutdown(ctx) })
	return c.(*sage500.Connection)
}

// newSink creates a sink of factory f on conn from YAML options.
func newSink(t testing.TB, f component.SinkFactory, conn *sage500.Connection, options string) component.Sink {
	t.Helper()
	cfg := componenttest.DecodeConfig(t, f, options)
	set := component.SinkSettings{Settings: componenttest.NewSettings(t, "test/sink"), DeadLetter: &componenttest.DeadLetters{}}
	set.Connection = conn
	s, err := f.CreateSink(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, s.Start(context.Background()))
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return s
}

// jsonBody decodes a JSON document into the message value model.
func jsonBody(t testing.TB, text string) any {
	t.Helper()
	v, err := component.DecodeJSON([]byte(text))
	require.NoError(t, err)
	return v
}

// queryInt runs a query returning one integer.
func queryInt(t testing.TB, db *sql.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.QueryRow(query, args...).Scan(&n))
	return n
}
