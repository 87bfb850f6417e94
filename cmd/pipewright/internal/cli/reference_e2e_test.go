package cli_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/service"
)

// The reference directory runs for simulated hours on an accelerated clock
// against the simulator and the SQLite demo database, every flow at once;
// then every invariant the client cares about is checked.
func TestReference_end_to_end(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the reference directory for simulated hours")
	}
	t.Parallel() // mostly waits for simulated time to pass
	w := newWorld(t, 150, simulator.Faults{})
	w.start()
	w.runFor(2 * time.Hour)
	w.postReturns()
	w.runFor(time.Hour)
	w.report(t)
}

// The same with faults: a 429 storm, the database locked for a while,
// malformed and unauthenticated notifications, and an engine restart in
// the middle. Nothing is lost and nothing is duplicated.
func TestReference_end_to_end_with_faults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the reference directory for simulated hours")
	}
	t.Parallel()
	w := newWorld(t, 150, simulator.Faults{StormAfter: 100 * time.Minute, StormFor: 20 * time.Minute})
	w.start()
	w.runFor(40 * time.Minute)

	// Bad notifications are refused and change nothing.
	assert.Equal(t, http.StatusUnauthorized, w.post("wrong-token", `{"NotificationType":"ORDER_CHANGE"}`))
	assert.Equal(t, http.StatusBadRequest, w.post(hookToken, `{"NotificationType": "ORDER_CHANGE", `))
	assert.Equal(t, http.StatusBadRequest, w.post(hookToken, `{"NotificationType":"ORDER_CHANGE","Payload":{}}`))

	// Sage is unavailable for a while (its database is locked).
	w.lockDatabase(20 * time.Minute)

	// The engine restarts in the middle (a deploy).
	w.stop()
	w.runFor(5 * time.Minute)
	w.start()
	w.runFor(2*time.Hour + 20*time.Minute) // through the 429 storm
	assert.Greater(t, sumValues(w.sim.Stats().Throttled), 0, "the storm throttled calls")
	w.report(t)
	recs, err := w.engine.Admin().List(context.Background(), service.DeadLetterFilter{})
	require.NoError(t, err)
	for _, r := range recs {
		assert.NotContains(t, r.Error, "database is locked", "a locked database is retried, never dead-lettered")
	}
}

// report runs the invariant checks and logs what they covered. Everything
// made before a cutoff must have been handled; each check is repeated until
// it passes (or the wait limit is over), since the engine may lag behind
// the accelerated clock on a busy machine.
func (w *world) report(t *testing.T) {
	const margin = 45 * time.Minute
	inventory := w.checkInventory(20 * time.Minute) // a feed cycle: flush window, createFeed quota, processing
	cutoff := w.clock.Now().Add(-margin)
	orders := w.settle("orders", func(p *problems) int { return w.checkOrders(p, cutoff) })
	shipments := w.settle("shipments", func(p *problems) int { return w.checkShipments(p, cutoff) })
	prices := w.settle("prices", w.checkPrices)
	settlements := w.settle("settlements", func(p *problems) int { return w.checkSettlements(p, cutoff) })
	refunds := w.settle("refunds", func(p *problems) int { return w.checkRefunds(p, cutoff) })
	stock := w.settle("restock", w.checkRestock)
	fbaOrders, fbaStock := w.checkFBA(cutoff)
	mcf := w.settle("mcf", func(p *problems) int { return w.checkMCF(p, cutoff) })
	t.Logf("checked %d orders, %d shipments, %d listing quantities, %d prices, %d settlements, %d refunds, %d item stocks, %d FBA orders, %d FBA item stocks, %d MCF orders",
		orders, shipments, inventory, prices, settlements, refunds, stock, fbaOrders, fbaStock, mcf)
	assert.Greater(t, orders, 50, "orders checked")
	assert.Greater(t, shipments, 10, "shipments checked")
	assert.Greater(t, inventory, 5, "listing quantities checked")
	assert.Greater(t, prices, 10, "prices checked")
	assert.Greater(t, settlements, 1, "settlements checked")
	assert.Greater(t, refunds, 2, "refunds checked") // refunds follow shipments, which a loaded machine makes later
	assert.Greater(t, stock, 5, "item stocks checked")
	assert.Greater(t, fbaOrders, 3, "FBA orders checked")
	assert.Greater(t, fbaStock, 10, "FBA item stocks checked")
	assert.Equal(t, sage500demo.MCFOrders, mcf, "Multi-Channel Fulfillment orders shipped and checked")
	recs, err := w.engine.Admin().List(context.Background(), service.DeadLetterFilter{})
	require.NoError(t, err)
	for _, r := range recs {
		t.Logf("dead letter %d: %s/%s: %s", r.Seq, r.Pipeline, r.Step, r.Error)
	}
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// post sends a notification to the engine's webhook.
func (w *world) post(token, body string) int {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, w.hook, strings.NewReader(body))
	require.NoError(w.t, err)
	req.Header.Set("X-Hook-Token", token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(w.t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// lockDatabase holds an exclusive lock on the demo database for d of
// simulated time: every write fails as "database is locked" meanwhile.
func (w *world) lockDatabase(d time.Duration) {
	db, err := sql.Open("sqlite", w.dbPath+"?_pragma=busy_timeout(60000)") // waits for a write in progress
	require.NoError(w.t, err)
	defer db.Close()
	conn, err := db.Conn(context.Background())
	require.NoError(w.t, err)
	defer conn.Close()
	_, err = conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE")
	require.NoError(w.t, err)
	w.runFor(d)
	_, err = conn.ExecContext(context.Background(), "COMMIT")
	require.NoError(w.t, err)
}
