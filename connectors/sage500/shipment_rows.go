package sage500

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
)

// shipmentRows is a committed document of Sage's shipment tables: a
// customer shipment (810) or a customer return (811) against order lines
// (README §6).
type shipmentRows struct {
	tranType, batchType int
	tranDate            time.Time
	custKey, addrKey    int64
	custAddrKey         sql.NullInt64
	whseKey             sql.NullInt64
	shipMethKey         sql.NullInt64
	amt, freight        decimal.Decimal
	cmnt                string
	lines               []shipmentLine
}

// shipmentLine is one order line (its distribution) and the quantity the
// document moves on it.
type shipmentLine struct {
	lineKey, itemKey, distKey int64
	uom                       sql.NullInt64
	qty                       decimal.Decimal
}

// writeShipment writes the document's tsoShipment, tsoShipmentLog
// (committed), tsoShipLine and tsoShipLineDist rows in a new SO batch of
// its batch type, with keys from Sage's allocator and the tran type's next
// number, and returns its ShipKey. It moves no quantities.
func writeShipment(ctx context.Context, t *txn, sh shipmentRows) (int64, error) {
	d := t.c.dialect
	shipKey, err := dialect.NextKey(ctx, d, t, "tsoShipment")
	if err != nil {
		return 0, err
	}
	no, typeID, err := dialect.NextTranNo(ctx, d, t, t.c.cfg.CompanyID, sh.tranType)
	if err != nil {
		return 0, err
	}
	batchKey, err := d.NewBatch(ctx, t, dialect.Batch{Company: t.c.cfg.CompanyID, ModuleNo: moduleSO, ModuleID: "SO", BatchType: sh.batchType,
		User: t.c.cfg.UserID, Comment: sh.cmnt, PostDate: sh.tranDate, Now: t.now})
	if err != nil {
		return 0, err
	}
	lineKeys, err := d.NextKeys(ctx, t, "tsoShipLine", len(sh.lines))
	if err != nil {
		return 0, err
	}
	distKeys, err := d.NextKeys(ctx, t, "tsoShipLineDist", len(sh.lines))
	if err != nil {
		return 0, err
	}
	tranNo := fmt.Sprintf("%010d", no)
	hdr := map[string]any{"ShipKey": shipKey, "TranType": int64(sh.tranType), "TranNo": tranNo, "TranID": typeID + "-" + tranNo,
		"TranDate": sh.tranDate, "PostDate": sh.tranDate, "BatchKey": batchKey, "CustKey": sh.custKey, "WhseKey": nullable(sh.whseKey),
		"ShipToAddrKey": sh.addrKey, "ShipToCustAddrKey": nullable(sh.custAddrKey),
		"AmtShipped": sh.amt, "FreightAmt": sh.freight, "TranCmnt": sh.cmnt, "UpdateDate": t.now}
	if sh.shipMethKey.Valid {
		hdr["ShipMethKey"] = sh.shipMethKey.Int64
	}
	rows := []tableRow{
		{"tsoShipment", hdr},
		{"tsoShipmentLog", map[string]any{"ShipKey": shipKey, "TranNo": tranNo, "TranType": int64(sh.tranType), "TranDate": sh.tranDate,
			"TranStatus": int64(shipLogCommitted)}},
	}
	for i, l := range sh.lines {
		rows = append(rows,
			tableRow{"tsoShipLine", map[string]any{"ShipLineKey": lineKeys[i], "ShipKey": shipKey, "ShipLineNo": int64(i + 1), "SOLineKey": l.lineKey,
				"ItemKey": l.itemKey, "ItemShippedKey": l.itemKey, "ShipUnitMeasKey": nullable(l.uom), "ShipDate": sh.tranDate}},
			tableRow{"tsoShipLineDist", map[string]any{"ShipLineDistKey": distKeys[i], "ShipLineKey": lineKeys[i], "SOLineDistKey": l.distKey,
				"QtyShipped": l.qty}})
	}
	for _, r := range rows {
		if err := t.insert(ctx, catalog.MustLookup(r.table), r.vals); err != nil {
			return 0, err
		}
	}
	return shipKey, nil
}
