package runtime_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// The case: the Sage database locked by another connection (an
// exclusive transaction) answers pings, so its health check passes, while
// every write fails with SQLITE_BUSY. Once that has lasted degraded_after,
// /readyz answers 503 naming the connection and its last error, and keeps
// answering so until the lock is released; then the message goes through
// and the engine is ready again.
func TestHealth_a_locked_Sage_database_makes_the_engine_not_ready_until_it_is_released(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "sage.db")
	require.NoError(t, sage500demo.CreateDB(ctx, db))
	dir := writeDir(t, fmt.Sprintf(`
-- pipewright.yaml --
project: lock
server:
  health: { degraded_after: 500ms }
connections:
  sage:
    type: sage500
    dsn: "sqlite:%s?_busy_timeout=50"
    company_id: SOA
    statements:
      touch: { sql: "UPDATE timItem SET StdPrice = StdPrice WHERE CompanyID = @company_id AND ItemID = @item" }
defaults:
  errors:
    retry: { initial: 20ms, max: 100ms }
    circuit: { failures: 3, probe_every: 50ms }
-- touch.yaml --
pipeline: touch
source: { file: { path: "in/*.jsonl", watch: 20ms } }
sink: { sage500.exec: { connection: sage, statement: touch, params: { item: msg.item } } }
`, db))

	locker, err := sql.Open("sqlite", db)
	require.NoError(t, err)
	defer locker.Close()
	lock, err := locker.Conn(ctx)
	require.NoError(t, err)
	defer lock.Close()
	_, err = lock.ExecContext(ctx, "BEGIN EXCLUSIVE")
	require.NoError(t, err)

	e := startEngine(t, dir, t.TempDir(), newTarget(), nil)
	writeFile(t, dir, "in/1.jsonl", `{"item":"WB-0001-BK"}`+"\n")
	var reasons map[string]string
	componenttest.WaitFor(t, "readyz to name the locked connection", func() bool {
		var code int
		code, reasons = readyz(t, e)
		return code == http.StatusServiceUnavailable && reasons["connection/sage"] != ""
	})
	assert.Contains(t, reasons["connection/sage"], "database is locked")
	componenttest.WaitFor(t, "the failures to last degraded_after", func() bool {
		c := e.Health().Connections[0]
		return c.DegradedSince != nil
	})
	for range 20 {
		code, reasons := readyz(t, e)
		require.Equal(t, http.StatusServiceUnavailable, code, "while locked, readiness does not flap when the health check passes")
		require.Contains(t, reasons["connection/sage"], "database is locked")
		time.Sleep(25 * time.Millisecond)
	}

	_, err = lock.ExecContext(ctx, "ROLLBACK")
	require.NoError(t, err)
	componenttest.WaitFor(t, "ready again after the lock is released", func() bool {
		code, _ := readyz(t, e)
		return code == http.StatusOK
	})
	c := e.Health().Connections[0]
	assert.Equal(t, "up", c.State)
	assert.NotNil(t, c.LastSuccess)
	assert.Equal(t, 1.0, counter(t, e, "pipewright_messages_out_total"), "the message went through")
}
