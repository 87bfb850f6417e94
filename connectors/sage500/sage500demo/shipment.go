package sage500demo

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
)

// warehouseSQL are the warehouse's statements, written for dialect.Render.
var warehouseSQL = struct{ openOrders, openLines, shipDist, closeLine, closeOrder, takeStock, untracked, shipMethod, track string }{
	openOrders: `SELECT o.{SOKey} FROM {tsoSalesOrder} o WHERE o.{CompanyID} = ? AND o.{TranType} = 801 AND o.{Status} = 1 AND o.{CreateDate} <= ?
AND EXISTS (SELECT 1 FROM {tsoSOLine} l JOIN {tsoSOLineDist} d ON d.{SOLineKey} = l.{SOLineKey} WHERE l.{SOKey} = o.{SOKey} AND d.{QtyOpenToShip} > 0)
AND NOT EXISTS (SELECT 1 FROM {tciShipMethod} m WHERE m.{ShipMethKey} = o.{DfltShipMethKey} AND m.{ShipMethID} IN (?, ?, ?))
ORDER BY o.{SOKey}`,
	openLines: `SELECT o.{CustKey}, o.{DfltShipToAddrKey}, o.{DfltShipToCAddrKey}, l.{SOLineKey}, l.{ItemKey}, l.{UnitMeasKey}, d.{SOLineDistKey},
d.{QtyOpenToShip}, d.{WhseKey}, COALESCE(d.{ShipMethKey}, o.{DfltShipMethKey}), m.{ShipMethID}, d.{ExtAmt}
FROM {tsoSalesOrder} o JOIN {tsoSOLine} l ON l.{SOKey} = o.{SOKey} JOIN {tsoSOLineDist} d ON d.{SOLineKey} = l.{SOLineKey}
LEFT JOIN {tciShipMethod} m ON m.{ShipMethKey} = COALESCE(d.{ShipMethKey}, o.{DfltShipMethKey})
WHERE o.{SOKey} = ? AND d.{QtyOpenToShip} > 0 ORDER BY d.{WhseKey}, l.{SOLineNo}`,
	shipDist:   `UPDATE {tsoSOLineDist} SET {QtyShip} = {QtyShip} + {QtyOpenToShip}, {QtyOpenToShip} = 0, {Status} = 2, {UpdateCounter} = {UpdateCounter} + 1 WHERE {SOLineDistKey} = ?`,
	closeLine:  `UPDATE {tsoSOLine} SET {Status} = 2, {CloseDate} = ?, {UpdateCounter} = {UpdateCounter} + 1 WHERE {SOLineKey} = ?`,
	closeOrder: `UPDATE {tsoSalesOrder} SET {Status} = 4, {CloseDate} = ?, {OpenAmt} = 0, {OpenAmtHC} = 0, {UpdateDate} = ?, {UpdateUserID} = ?, {UpdateCounter} = {UpdateCounter} + 1 WHERE {SOKey} = ?`,
	takeStock: `UPDATE {timWhseBinInvt} SET {QtyOnHand} = CASE WHEN {QtyOnHand} > ? THEN {QtyOnHand} - ? ELSE 0 END WHERE {ItemKey} = ?
AND {WhseBinKey} IN (SELECT {WhseBinKey} FROM {timWhseBin} WHERE {WhseKey} = ? AND {DfltBin} = 1)`,
	// Only the demo warehouse's own shipments (its batches): shipments
	// others wrote without tracking (Amazon's, for FBA orders) stay as
	// they are.
	untracked: `SELECT s.{ShipKey} FROM {tsoShipment} s JOIN {tciBatchLog} b ON b.{BatchKey} = s.{BatchKey}
WHERE s.{CompanyID} = ? AND s.{TranType} = 810 AND (s.{ShipTrackNo} IS NULL OR s.{ShipTrackNo} = '') AND s.{CreateDate} <= ?
AND b.{BatchCmnt} = 'demo warehouse' ORDER BY s.{ShipKey}`,
	shipMethod: `SELECT m.{ShipMethID} FROM {tsoShipment} s LEFT JOIN {tciShipMethod} m ON m.{ShipMethKey} = s.{ShipMethKey} WHERE s.{ShipKey} = ?`,
	track: `UPDATE {tsoShipment} SET {ShipTrackNo} = ?, {UpdateDate} = ?, {UpdateUserID} = ?, {UpdateCounter} = {UpdateCounter} + 1
WHERE {ShipKey} = ? AND ({ShipTrackNo} IS NULL OR {ShipTrackNo} = '')`,
}

// openLine is an order line with quantity left to ship.
type openLine struct {
	custKey, addrKey, custAddrKey, lineKey, itemKey int64
	uom                                             sql.NullInt64
	distKey                                         int64
	qty                                             decimal.Decimal
	whseKey                                         int64
	shipMethKey                                     sql.NullInt64
	shipMethID                                      sql.NullString
	extAmt                                          decimal.Decimal
}

// shipOrder ships an order's open lines, one shipment per warehouse (with
// no tracking number yet when trackLater).
func shipOrder(ctx context.Context, t *tx, soKey int64, trackLater bool) (int, error) {
	d := t.w.d
	rows, err := t.QueryContext(ctx, dialect.Render(d, warehouseSQL.openLines), soKey)
	if err != nil {
		return 0, d.Classify(err)
	}
	var lines []openLine
	for rows.Next() {
		var l openLine
		if err := rows.Scan(&l.custKey, &l.addrKey, &l.custAddrKey, &l.lineKey, &l.itemKey, &l.uom, &l.distKey, &l.qty, &l.whseKey,
			&l.shipMethKey, &l.shipMethID, &l.extAmt); err != nil {
			rows.Close()
			return 0, err
		}
		lines = append(lines, l)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	n := 0
	for start := 0; start < len(lines); {
		end := start
		for end < len(lines) && lines[end].whseKey == lines[start].whseKey {
			end++
		}
		if err := ship(ctx, t, lines[start:end], trackLater); err != nil {
			return n, err
		}
		n, start = n+1, end
	}
	now := t.w.env.Now
	return n, t.exec(ctx, warehouseSQL.closeOrder, now, now, t.w.env.User, soKey)
}

// ship writes one shipment of lines from one warehouse, stamped at the
// writer's time (CreateDate and UpdateDate alike).
func ship(ctx context.Context, t *tx, lines []openLine, trackLater bool) error {
	d, env := t.w.d, t.w.env
	first := lines[0]
	shipKey, err := dialect.NextKey(ctx, d, t, "tsoShipment")
	if err != nil {
		return err
	}
	no, typeID, err := dialect.NextTranNo(ctx, d, t, env.Company, 810)
	if err != nil {
		return err
	}
	batchKey, err := d.NewBatch(ctx, t, dialect.Batch{Company: env.Company, ModuleNo: 8, ModuleID: "SO", BatchType: 801,
		User: env.User, Comment: "demo warehouse", PostDate: env.Now, Now: env.Now})
	if err != nil {
		return err
	}
	lineKeys, err := d.NextKeys(ctx, t, "tsoShipLine", len(lines))
	if err == nil {
		var distKeys []int64
		if distKeys, err = d.NextKeys(ctx, t, "tsoShipLineDist", len(lines)); err == nil {
			err = shipRows(ctx, t, shipKey, lineKeys, distKeys, lines)
		}
	}
	if err != nil {
		return err
	}
	tranNo := fmt.Sprintf("%010d", no)
	amt := decimal.Zero
	for _, l := range lines {
		amt, _ = amt.Add(l.extAmt)
	}
	var track any = trackingNumber(first.shipMethID.String, shipKey)
	if trackLater {
		track = nil
	}
	hdr := map[string]any{"ShipKey": shipKey, "TranNo": tranNo, "TranID": typeID + "-" + tranNo, "TranDate": env.Now, "PostDate": env.Now,
		"BatchKey": batchKey, "CustKey": first.custKey, "WhseKey": first.whseKey, "ShipMethKey": nullable(first.shipMethKey),
		"ShipToAddrKey": first.addrKey, "ShipToCustAddrKey": first.custAddrKey, "ShipTrackNo": track, "AmtShipped": amt, "UpdateDate": env.Now}
	if err := t.insert(ctx, "tsoShipment", hdr); err != nil {
		return err
	}
	return t.insert(ctx, "tsoShipmentLog", map[string]any{"ShipKey": shipKey, "TranNo": tranNo, "TranDate": env.Now, "TranStatus": int64(6)})
}

// shipRows writes the shipment lines and distributions and moves the
// quantities on the order and in the bin.
func shipRows(ctx context.Context, t *tx, shipKey int64, lineKeys, distKeys []int64, lines []openLine) error {
	now := t.w.env.Now
	for i, l := range lines {
		err := t.insert(ctx, "tsoShipLine", map[string]any{"ShipLineKey": lineKeys[i], "ShipKey": shipKey, "ShipLineNo": int64(i + 1),
			"SOLineKey": l.lineKey, "ItemKey": l.itemKey, "ItemShippedKey": l.itemKey, "ShipUnitMeasKey": nullable(l.uom), "ShipDate": now})
		if err == nil {
			err = t.insert(ctx, "tsoShipLineDist", map[string]any{"ShipLineDistKey": distKeys[i], "ShipLineKey": lineKeys[i],
				"SOLineDistKey": l.distKey, "QtyShipped": l.qty})
		}
		if err == nil {
			err = t.exec(ctx, warehouseSQL.shipDist, l.distKey)
		}
		if err == nil {
			err = t.exec(ctx, warehouseSQL.closeLine, now, l.lineKey)
		}
		if err == nil {
			err = t.exec(ctx, warehouseSQL.takeStock, l.qty, l.qty, l.itemKey, l.whseKey)
		}
		if err != nil {
			return fmt.Errorf("shipping line %d: %w", i+1, err)
		}
	}
	return nil
}

// trackingNumber makes a tracking number in the shape of the ship method's
// carrier, from the shipment key, so every run makes the same ones.
func trackingNumber(shipMethID string, shipKey int64) string {
	carrier := ""
	for _, m := range demo.ShipMethods {
		if m.ShipMethID == shipMethID {
			carrier = m.Carrier
		}
	}
	switch carrier {
	case "UPS":
		return fmt.Sprintf("1ZDEMO01%010d", shipKey)
	case "FedEx":
		return fmt.Sprintf("7%011d", shipKey)
	case "USPS":
		return fmt.Sprintf("9400%018d", shipKey)
	case "DHL Express":
		return fmt.Sprintf("3%09d", shipKey)
	case "Royal Mail":
		return fmt.Sprintf("RM%09dGB", shipKey)
	}
	return fmt.Sprintf("DEMO%010d", shipKey)
}
