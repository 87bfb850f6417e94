package sage500

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
)

// shipmentRows is a document of Sage's shipment tables (README §6): a
// customer shipment (810) or a customer return (811) with its lines, each
// against an order line's distribution.
type shipmentRows struct {
	tranType, batchType int
	tranDate            time.Time
	comment             string
	// header holds the tsoShipment columns besides the keys, numbers,
	// dates and batch (CustKey, WhseKey, ShipToAddrKey, AmtShipped...).
	header map[string]any
	lines  []shipmentLine
}

// shipmentLine is one tsoShipLine and its tsoShipLineDist.
type shipmentLine struct {
	lineKey, itemKey int64
	uom              sql.NullInt64
	distKey          int64
	qty              decimal.Decimal
}

// insertShipment allocates the shipment's keys, its transaction number
// (tciTranTypeCompany) and an SO batch of its batch type, then writes
// tsoShipment, tsoShipmentLog (committed) and a tsoShipLine and
// tsoShipLineDist per line. It returns the ShipKey.
func insertShipment(ctx context.Context, t *txn, r shipmentRows) (int64, error) {
	d := t.c.dialect
	shipKey, err := dialect.NextKey(ctx, d, t, "tsoShipment")
	if err != nil {
		return 0, err
	}
	no, typeID, err := dialect.NextTranNo(ctx, d, t, t.c.cfg.CompanyID, r.tranType)
	if err != nil {
		return 0, err
	}
	batchKey, err := d.NewBatch(ctx, t, dialect.Batch{Company: t.c.cfg.CompanyID, ModuleNo: moduleSO, ModuleID: "SO", BatchType: r.batchType,
		User: t.c.cfg.UserID, Comment: r.comment, PostDate: r.tranDate, Now: t.now})
	if err != nil {
		return 0, err
	}
	lineKeys, err := d.NextKeys(ctx, t, "tsoShipLine", len(r.lines))
	if err != nil {
		return 0, err
	}
	distKeys, err := d.NextKeys(ctx, t, "tsoShipLineDist", len(r.lines))
	if err != nil {
		return 0, err
	}
	tranNo := fmt.Sprintf("%010d", no)
	hdr := map[string]any{"ShipKey": shipKey, "TranType": int64(r.tranType), "TranNo": tranNo, "TranID": typeID + "-" + tranNo,
		"TranDate": r.tranDate, "PostDate": r.tranDate, "BatchKey": batchKey}
	maps.Copy(hdr, r.header)
	rows := []tableRow{
		{"tsoShipment", hdr},
		{"tsoShipmentLog", map[string]any{"ShipKey": shipKey, "TranNo": tranNo, "TranType": int64(r.tranType), "TranDate": r.tranDate,
			"TranStatus": int64(shipLogCommitted)}},
	}
	for i, l := range r.lines {
		rows = append(rows,
			tableRow{"tsoShipLine", map[string]any{"ShipLineKey": lineKeys[i], "ShipKey": shipKey, "ShipLineNo": int64(i + 1), "SOLineKey": l.lineKey,
				"ItemKey": l.itemKey, "ItemShippedKey": l.itemKey, "ShipUnitMeasKey": nullable(l.uom), "ShipDate": r.tranDate}},
			tableRow{"tsoShipLineDist", map[string]any{"ShipLineDistKey": distKeys[i], "ShipLineKey": lineKeys[i], "SOLineDistKey": l.distKey,
				"QtyShipped": l.qty}})
	}
	for _, row := range rows {
		if err := t.insert(ctx, catalog.MustLookup(row.table), row.vals); err != nil {
			return 0, err
		}
	}
	return shipKey, nil
}
