package cli_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// Multi-Channel Fulfillment in the reference runs: the demo database's web
// store orders (sage500demo.SeedMCFOrders) go to the simulator as
// fulfillment orders, once each, and every package Amazon ships comes back
// to Sage as one shipment with its tracking number.

// mcfNotifyURLs sends the simulator's FULFILLMENT_ORDER_STATUS pushes to
// the engine's mcf-tracking webhook.
func mcfNotifyURLs(listen string) map[string]string {
	return map[string]string{models.FulfillmentOrderStatus: "http://" + listen + "/hooks/amazon/mcf"}
}

// seedMCFOrders adds the web store orders to the world's demo database.
func (w *world) seedMCFOrders() {
	db, err := sage500demo.OpenDB(w.dbPath)
	require.NoError(w.t, err)
	defer db.Close()
	require.NoError(w.t, sage500demo.SeedMCFOrders(context.Background(), db))
}

// mcfOrder is a Sage order Amazon fulfils.
type mcfOrder struct {
	tranID string
	status int64
	lines  map[int64]int64 // SOLineNo -> units ordered
}

// mcfOrders reads the Sage orders with an MCF ship method, in SOKey order.
func (w *world) mcfOrders() []mcfOrder {
	rows, err := w.db().Query(`SELECT o.TranID, o.Status, l.SOLineNo, CAST(d.QtyOrd AS int)
FROM tsoSalesOrder o JOIN tciShipMethod m ON m.ShipMethKey = o.DfltShipMethKey
JOIN tsoSOLine l ON l.SOKey = o.SOKey JOIN tsoSOLineDist d ON d.SOLineKey = l.SOLineKey
WHERE m.ShipMethID LIKE 'MCF %' ORDER BY o.SOKey, l.SOLineNo`)
	require.NoError(w.t, err)
	defer rows.Close()
	var out []mcfOrder
	for rows.Next() {
		var tranID string
		var status, line, qty int64
		require.NoError(w.t, rows.Scan(&tranID, &status, &line, &qty))
		if len(out) == 0 || out[len(out)-1].tranID != tranID {
			out = append(out, mcfOrder{tranID: tranID, status: status, lines: map[int64]int64{}})
		}
		out[len(out)-1].lines[line] = qty
	}
	require.NoError(w.t, rows.Err())
	return out
}

// sagePackage is what Sage recorded of an Amazon package: its shipments
// (one expected), tracking numbers and units per order line.
type sagePackage struct {
	shipments int
	tracking  string
	lines     map[int64]int64
}

// mcfShipments reads the Sage shipments of an order by AmazonPackageId.
func (w *world) mcfShipments(tranID string) map[string]*sagePackage {
	rows, err := w.db().Query(`SELECT x.AmazonPackageId, s.ShipKey, s.ShipTrackNo, sl.SOLineNo, CAST(d.QtyShipped AS int)
FROM tsoShipment s JOIN tsoShipment_ext x ON x.ShipKey = s.ShipKey
JOIN tsoShipLine l ON l.ShipKey = s.ShipKey JOIN tsoShipLineDist d ON d.ShipLineKey = l.ShipLineKey
JOIN tsoSOLine sl ON sl.SOLineKey = l.SOLineKey JOIN tsoSalesOrder o ON o.SOKey = sl.SOKey
WHERE s.TranType = 810 AND o.TranID = ? ORDER BY s.ShipKey`, tranID)
	require.NoError(w.t, err)
	defer rows.Close()
	out := map[string]*sagePackage{}
	seen := map[int64]bool{}
	for rows.Next() {
		var pkg, track string
		var shipKey, line, qty int64
		require.NoError(w.t, rows.Scan(&pkg, &shipKey, &track, &line, &qty))
		p := out[pkg]
		if p == nil {
			p = &sagePackage{tracking: track, lines: map[int64]int64{}}
			out[pkg] = p
		}
		if !seen[shipKey] {
			seen[shipKey] = true
			p.shipments++
		}
		p.lines[line] += qty
	}
	require.NoError(w.t, rows.Err())
	return out
}

// checkMCF: every Sage order Amazon fulfils that Sage has not canceled is
// one fulfillment order on the simulator with the order's lines; once
// Amazon shipped it before cutoff, each package is one Sage shipment with
// the package's tracking number and units, and the order is closed. It
// returns how many shipped orders it checked.
func (w *world) checkMCF(p *problems, cutoff time.Time) int {
	fos := map[string]simulator.FulfillmentOrder{}
	for _, fo := range w.sim.FulfillmentOrders() {
		fos[fo.ID] = fo
	}
	checked := 0
	for _, o := range w.mcfOrders() {
		if o.status == 3 {
			continue // canceled in Sage: TestReference_mcf_cancellations
		}
		fo, ok := fos["SOA-"+o.tranID]
		if !ok {
			p.addf("order %s is not at Amazon", o.tranID)
			continue
		}
		sent := map[int64]int64{}
		for _, it := range fo.Items {
			var line int64
			fmt.Sscan(it.ID, &line)
			sent[line] += int64(it.Quantity)
		}
		if !maps.Equal(sent, o.lines) {
			p.addf("order %s: Amazon has lines %v, Sage %v", o.tranID, sent, o.lines)
		}
		if fo.Status != simulator.FulfillmentComplete || !fo.StatusUpdated.Before(cutoff) {
			continue
		}
		checked++
		w.checkMCFShipments(p, o, fo)
	}
	return checked
}

// checkMCFShipments compares the packages of a complete fulfillment order
// with the order's Sage shipments.
func (w *world) checkMCFShipments(p *problems, o mcfOrder, fo simulator.FulfillmentOrder) {
	want := map[string]*sagePackage{}
	for _, sh := range fo.Shipments {
		for _, pkg := range sh.Packages {
			sp := &sagePackage{shipments: 1, tracking: pkg.Tracking, lines: map[int64]int64{}}
			for _, it := range sh.Items {
				if it.Package == pkg.Number {
					var line int64
					fmt.Sscan(it.ItemID, &line)
					sp.lines[line] += int64(it.Quantity)
				}
			}
			want[fmt.Sprintf("%s/%d", sh.ID, pkg.Number)] = sp
		}
	}
	got := w.mcfShipments(o.tranID)
	for id, wp := range want {
		gp := got[id]
		switch {
		case gp == nil:
			p.addf("order %s: package %s is not in Sage", o.tranID, id)
		case gp.shipments != 1 || gp.tracking != wp.tracking || !maps.Equal(gp.lines, wp.lines):
			p.addf("order %s: package %s is %d Sage shipment(s) with tracking %s and lines %v; want one with %s and %v",
				o.tranID, id, gp.shipments, gp.tracking, gp.lines, wp.tracking, wp.lines)
		}
	}
	for id := range got {
		if want[id] == nil {
			p.addf("order %s: Sage has a shipment for package %s, which Amazon did not ship", o.tranID, id)
		}
	}
	var status int64
	if err := w.db().QueryRow(`SELECT Status FROM tsoSalesOrder WHERE TranID = ?`, o.tranID).Scan(&status); err != nil || status != 4 {
		p.addf("order %s: status %d in Sage, want 4 (closed): all shipped (%v)", o.tranID, status, err)
	}
}

// cancelInSage cancels a Sage order as a user would (Status 3, UpdateDate
// the engine's now in the connection's zone).
func (w *world) cancelInSage(tranID string) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(w.t, err)
	db, err := sage500demo.OpenDB(w.dbPath)
	require.NoError(w.t, err)
	defer db.Close()
	at := w.clock.Now().In(ny).Format("2006-01-02 15:04:05.000")
	_, err = db.Exec(`UPDATE tsoSalesOrder SET Status = 3, UpdateDate = ?, UpdateUserID = 'clerk', UpdateCounter = UpdateCounter + 1 WHERE TranID = ?`, at, tranID)
	require.NoError(w.t, err)
}

// fulfillmentStatus is a fulfillment order's status on the simulator ("":
// none).
func (w *world) fulfillmentStatus(id string) string {
	for _, fo := range w.sim.FulfillmentOrders() {
		if fo.ID == id {
			return fo.Status
		}
	}
	return ""
}

// An order canceled in Sage while Amazon still plans it is cancelled at
// Amazon; one canceled once Amazon is picking it is a dead letter saying
// so, and Amazon's shipment of it is not booked on the canceled order. The
// others ship and come back with their tracking (checkMCF).
func TestReference_mcf_cancellations(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the reference directory for simulated hours")
	}
	t.Parallel()
	w := newWorld(t, 60, simulator.Faults{})
	w.env["DEMO_WAREHOUSE"] = "false"
	orders := w.mcfOrders()
	require.Len(t, orders, sage500demo.MCFOrders)
	early, late := orders[0].tranID, orders[1].tranID
	// Amazon keeps the early order Received and the late one Processing
	// until the test has seen what the cancellation did: no race with
	// the simulated clock.
	w.sim.HoldFulfillment("SOA-"+early, simulator.FulfillmentReceived)
	w.sim.HoldFulfillment("SOA-"+late, simulator.FulfillmentProcessing)
	w.start()

	require.Eventually(t, func() bool { return w.fulfillmentStatus("SOA-"+early) != "" }, componenttest.WaitLimit, 50*time.Millisecond, "%s reaches Amazon", early)
	w.cancelInSage(early)
	require.Eventually(t, func() bool { return w.fulfillmentStatus("SOA-"+early) == simulator.FulfillmentCancelled },
		componenttest.WaitLimit, 50*time.Millisecond, "%s is cancelled at Amazon", early)
	w.sim.ReleaseFulfillment("SOA-" + early)

	require.Eventually(t, func() bool { return w.fulfillmentStatus("SOA-"+late) == simulator.FulfillmentProcessing },
		componenttest.WaitLimit, 50*time.Millisecond, "%s is being picked", late)
	w.cancelInSage(late)
	var reason string
	require.Eventually(t, func() bool {
		recs, err := w.engine.Admin().List(context.Background(), service.DeadLetterFilter{Pipeline: "mcf-orders"})
		require.NoError(t, err)
		for _, r := range recs {
			if r.Key == late {
				reason = r.Error
			}
		}
		return reason != ""
	}, componenttest.WaitLimit, 100*time.Millisecond, "the late cancellation is a dead letter")
	assert.Contains(t, reason, "Amazon can no longer cancel fulfillment order SOA-"+late+": it is Processing")
	w.sim.ReleaseFulfillment("SOA-" + late)

	w.runFor(2 * time.Hour)
	assert.Equal(t, simulator.FulfillmentComplete, w.fulfillmentStatus("SOA-"+late), "Amazon ships what it could not cancel")
	assert.Empty(t, w.mcfShipments(late), "not booked on the canceled order")
	assert.Empty(t, w.mcfShipments(early))
	shipped := w.settle("mcf", func(p *problems) int { return w.checkMCF(p, w.clock.Now().Add(-30*time.Minute)) })
	assert.Equal(t, sage500demo.MCFOrders-2, shipped, "the other orders shipped and came back")
	for _, fo := range w.sim.FulfillmentOrders() {
		assert.Equal(t, 1, fo.Creates, "%s: asked for once (the flow asks Amazon before it creates)", fo.ID)
		assert.True(t, strings.HasPrefix(fo.ID, "SOA-SO-"), fo.ID)
	}
}
