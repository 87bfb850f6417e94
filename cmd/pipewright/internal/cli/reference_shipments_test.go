package cli_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/service"
)

// The shipments flow of the reference directory against shipments the test
// writes into the Sage demo database at times it chooses (the demo
// warehouse is off). Every wait is for a condition: a package on the
// simulator, or a number of polls of the shipments source counted by its
// metric; none depends on how fast the machine is.

// waitFor is how long a condition may take on a busy machine.
const waitFor = 2 * time.Minute

// shipWorld is the reference directory with the demo warehouse off.
type shipWorld struct {
	*world
	ny    *time.Location // the reference connection's time_zone
	sageW *sql.DB        // the test's writes, with the connector's SQLite settings
}

func newShipWorld(t *testing.T) *shipWorld {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the reference directory")
	}
	t.Parallel() // mostly waits for simulated time to pass
	w := newWorld(t, 60, simulator.Faults{})
	w.env["DEMO_WAREHOUSE"] = "false"
	w.start()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	db, err := sage500demo.OpenDB(w.dbPath)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return &shipWorld{world: w, ny: ny, sageW: db}
}

// shipOrder is an Amazon order the orders flow wrote into Sage.
type shipOrder struct {
	id      string
	created time.Time
	soKey   int64
}

// order creates a merchant-fulfilled order on the simulator (outside its
// generator, so it never cancels) and waits until it is in Sage.
func (w *shipWorld) order() shipOrder {
	t := w.t
	o, err := w.sim.CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER", FulfilledBy: simulator.FulfilledByMerchant,
		Items: []simulator.ItemSpec{{SKU: "WB-0001-BK", Quantity: 1}}})
	require.NoError(t, err)
	var so int64
	require.Eventually(t, func() bool {
		return w.db().QueryRow(`SELECT SOKey FROM tsoSalesOrder_ext WHERE AmazonOrderId = ?`, o.ID).Scan(&so) == nil
	}, waitFor, 50*time.Millisecond, "order %s reaches Sage", o.ID)
	return shipOrder{id: o.ID, created: o.Created, soKey: so}
}

// ship ships a Sage order in one transaction stamped at (its CreateDate
// and UpdateDate), with its tracking number a minute later when
// trackLater, and returns the shipment's key.
func (w *shipWorld) ship(o shipOrder, at time.Time, trackLater bool) int64 {
	t := w.t
	opts := sage500demo.ShipOptions{Now: at, Location: w.ny}
	if trackLater {
		opts.TrackingDelay = time.Minute
	}
	n, err := sage500demo.ShipOrder(context.Background(), w.sageW, o.soKey, opts)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	var key int64
	require.NoError(t, w.db().QueryRow(`SELECT MAX(l.ShipKey) FROM tsoShipLine l JOIN tsoSOLine sl ON sl.SOLineKey = l.SOLineKey WHERE sl.SOKey = ?`, o.soKey).Scan(&key))
	return key
}

// packages are the packages Amazon holds for a shipment.
func (w *shipWorld) packages(o shipOrder, shipKey int64) []simulator.Package {
	var out []simulator.Package
	for _, p := range w.sim.Confirmations(o.id) {
		if p.ReferenceID == strconv.FormatInt(shipKey, 10) {
			out = append(out, p)
		}
	}
	return out
}

// waitConfirmed waits until Amazon has the shipment's package.
func (w *shipWorld) waitConfirmed(o shipOrder, shipKey int64) {
	require.Eventually(w.t, func() bool { return len(w.packages(o, shipKey)) > 0 }, waitFor, 50*time.Millisecond,
		"shipment %d of order %s confirmed", shipKey, o.id)
}

// waitClock waits until the engine clock shows at.
func (w *shipWorld) waitClock(at time.Time) {
	require.Eventually(w.t, func() bool { return !w.clock.Now().Before(at) }, waitFor, 20*time.Millisecond)
}

// metric sums the engine's samples of a metric whose labels contain want
// (a label value ending in "*" matches by prefix).
func (w *world) metric(name string, want map[string]string) float64 {
	families, err := w.engine.Registry().Gather()
	require.NoError(w.t, err)
	sum := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if matches(labels, want) {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

func matches(labels, want map[string]string) bool {
	for k, v := range want {
		if p, ok := strings.CutSuffix(v, "*"); ok && strings.HasPrefix(labels[k], p) {
			continue
		}
		if labels[k] != v {
			return false
		}
	}
	return true
}

// source reads a count of the shipments source: polls, rows or messages.
func (w *shipWorld) source(count string) float64 {
	return w.metric("pipewright_sage500_query_total", map[string]string{"query": "shipments", "count": count})
}

// alreadyDone counts confirmations Amazon refused as already confirmed.
func (w *shipWorld) alreadyDone() float64 {
	return w.metric("pipewright_spapi_calls_already_done_total", map[string]string{"component": "shipments/*"})
}

// waitPolls waits until the shipments source has done n whole polls that
// began after the call (each reads its lookback window again).
func (w *shipWorld) waitPolls(n int) {
	p0 := w.source("polls")
	require.Eventually(w.t, func() bool { return w.source("polls") >= p0+float64(n)+1 }, waitFor, 20*time.Millisecond,
		"%d polls of the shipments source", n)
}

// noShipmentDeadLetters checks that the shipments flow dead-lettered nothing.
func (w *shipWorld) noShipmentDeadLetters() {
	recs, err := w.engine.Admin().List(context.Background(), service.DeadLetterFilter{Pipeline: "shipments"})
	require.NoError(w.t, err)
	for _, r := range recs {
		w.t.Errorf("dead letter %d: %s/%s: %s", r.Seq, r.Pipeline, r.Step, r.Error)
	}
}

func TestReferenceShipments_a_shipment_committed_behind_the_cursor_is_confirmed_once(t *testing.T) {
	w := newShipWorld(t)
	first, late := w.order(), w.order()
	// The late shipment is stamped 5 minutes before the first one: leave
	// room after the Amazon order was placed, as Amazon checks the ship date.
	w.waitClock(late.created.Add(10 * time.Minute))
	at := w.clock.Now().Truncate(time.Second)
	s1 := w.ship(first, at, false)
	w.waitConfirmed(first, s1)

	// The cursor is at the first shipment. A shipment whose transaction
	// stamped its dates 5 minutes earlier commits only now.
	s2 := w.ship(late, at.Add(-5*time.Minute), false)
	w.waitConfirmed(late, s2)
	rows := w.source("rows")
	w.waitPolls(3)
	assert.GreaterOrEqual(t, w.source("rows")-rows, 6.0, "every poll read both shipments again")
	assert.Len(t, w.packages(first, s1), 1)
	assert.Len(t, w.packages(late, s2), 1)
	assert.Equal(t, 2.0, w.source("messages"), "each shipment published once, however often its window is read")

	// A restarted engine reads the window again from the state it kept.
	w.stop()
	w.start()
	w.waitPolls(3)
	assert.Equal(t, 0.0, w.source("messages"), "nothing published again after the restart")
	assert.Len(t, w.packages(first, s1), 1)
	assert.Len(t, w.packages(late, s2), 1)
	w.noShipmentDeadLetters()
}

func TestReferenceShipments_a_tracking_number_written_later_is_confirmed_once_with_it(t *testing.T) {
	w := newShipWorld(t)
	o, other := w.order(), w.order()
	at := w.clock.Now().Truncate(time.Second)
	key := w.ship(o, at, true)

	// Other shipments move the cursor on, past the lookback behind o's
	// CreateDate, before o's tracking number arrives.
	w.waitClock(at.Add(20 * time.Minute))
	otherKey := w.ship(other, w.clock.Now().Truncate(time.Second), false)
	w.waitConfirmed(other, otherKey)
	w.waitPolls(3)
	assert.Empty(t, w.packages(o, key), "no tracking number, nothing to confirm yet")
	assert.Equal(t, 1.0, w.source("messages"))

	// The carrier system writes the tracking number back now.
	n, err := sage500demo.AddTrackingNumbers(context.Background(), w.sageW, sage500demo.ShipOptions{Now: w.clock.Now(), TrackingDelay: time.Minute, Location: w.ny})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	var track string
	require.NoError(t, w.db().QueryRow(`SELECT ShipTrackNo FROM tsoShipment WHERE ShipKey = ?`, key).Scan(&track))
	w.waitConfirmed(o, key)
	pkgs := w.packages(o, key)
	require.Len(t, pkgs, 1)
	assert.Equal(t, track, pkgs[0].TrackingNumber, "confirmed with the number")

	// Someone edits the shipment for another reason: a new version, sent
	// again and refused by Amazon as already confirmed, which the flow
	// counts as done.
	done := w.alreadyDone()
	_, err = w.sageW.Exec(`UPDATE tsoShipment SET UserFld2 = 'PACKED', UpdateDate = ?, UpdateUserID = 'jdoe', UpdateCounter = UpdateCounter + 1 WHERE ShipKey = ?`,
		w.clock.Now().In(w.ny).Format("2006-01-02 15:04:05.000"), key)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return w.alreadyDone() > done }, waitFor, 20*time.Millisecond, "the new version reached Amazon and was done")
	w.waitPolls(3)
	assert.Equal(t, 3.0, w.source("messages"), "the other shipment, the tracked one and its later version, each once")
	assert.Equal(t, done+1, w.alreadyDone())
	pkgs = w.packages(o, key)
	require.Len(t, pkgs, 1, "confirmed once")
	assert.Equal(t, track, pkgs[0].TrackingNumber)
	assert.Len(t, w.packages(other, otherKey), 1)
	w.noShipmentDeadLetters()
}
