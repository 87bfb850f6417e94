package cli_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/service"
)

// The Sage database locked by another connection (an exclusive
// transaction) answers pings, so its health check passes, while every
// write fails with SQLITE_BUSY. Once that has lasted degraded_after, the
// engine is not ready (/readyz answers 503) naming the connection and its
// last error, and stays so until the lock is released; then the message
// goes through and the engine is ready again. (The engine's side of this, with a fake
// target, is in engine/service's health tests; this is the real sage500
// connector in the engine, as the binary assembles them.)
func TestHealth_a_locked_Sage_database_makes_the_engine_not_ready_until_it_is_released(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "sage.db")
	require.NoError(t, sage500demo.CreateDB(ctx, db))
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"pipewright.yaml": fmt.Sprintf(`project: lock
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
`, db), "touch.yaml": `pipeline: touch
source: { file: { path: "in/*.jsonl", watch: 20ms } }
sink: { sage500.exec: { connection: sage, statement: touch, params: { item: msg.item } } }
`})

	locker, err := sql.Open("sqlite", db)
	require.NoError(t, err)
	defer locker.Close()
	lock, err := locker.Conn(ctx)
	require.NoError(t, err)
	defer lock.Close()
	_, err = lock.ExecContext(ctx, "BEGIN EXCLUSIVE")
	require.NoError(t, err)

	e := startLockEngine(t, dir)
	writeFiles(t, dir, map[string]string{"in/1.jsonl": `{"item":"WB-0001-BK"}` + "\n"})
	var reasons map[string]string
	componenttest.WaitFor(t, "readyz to name the locked connection", func() bool {
		r := e.Health().Readiness
		reasons = r.Reasons
		return !r.Ready && reasons["connection/sage"] != ""
	})
	assert.Contains(t, reasons["connection/sage"], "database is locked")
	componenttest.WaitFor(t, "the failures to last degraded_after", func() bool {
		c := e.Health().Connections[0]
		return c.DegradedSince != nil
	})
	for range 20 {
		r := e.Health().Readiness
		require.False(t, r.Ready, "while locked, readiness does not flap when the health check passes")
		require.Contains(t, r.Reasons["connection/sage"], "database is locked")
		time.Sleep(25 * time.Millisecond)
	}

	_, err = lock.ExecContext(ctx, "ROLLBACK")
	require.NoError(t, err)
	componenttest.WaitFor(t, "ready again after the lock is released", func() bool {
		return e.Health().Ready
	})
	c := e.Health().Connections[0]
	assert.Equal(t, "up", c.State)
	assert.NotNil(t, c.LastSuccess)
	componenttest.WaitFor(t, "the message to go through", func() bool { return messagesOut(t, e) == 1 })
}

// startLockEngine runs dir with the binary's components; the test stops it.
func startLockEngine(t *testing.T, dir string) *service.Engine {
	t.Helper()
	p, err := config.Load(dir, config.Options{Registry: cli.NewRegistry(io.Discard)})
	require.NoError(t, err)
	e, err := service.New(service.Options{Project: p, DataDir: t.TempDir(), Listen: "127.0.0.1:0", Workers: 2,
		Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, e.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		assert.NoError(t, e.Shutdown(ctx))
	})
	return e
}

// messagesOut sums pipewright_messages_out_total.
func messagesOut(t *testing.T, e *service.Engine) float64 {
	t.Helper()
	families, err := e.Registry().Gather()
	require.NoError(t, err)
	total := 0.0
	for _, f := range families {
		if f.GetName() == "pipewright_messages_out_total" {
			for _, m := range f.GetMetric() {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}
