package sage500

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// stagedImport calls spSOapiSalesOrdIns positionally (README §2.2) while it
// reports unprocessed rows (@oContinue = 1), at most 1000 times, with
// @iRptOption 3 so that failures reach tdmMigrationLogWrk.
const stagedImport = `DECLARE @continue smallint = 1, @passes int = 0;
SELECT @p3 = 0, @p4 = 0, @p5 = 0, @p6 = 0;
WHILE @continue = 1 AND @passes < 1000
BEGIN
	SET @passes = @passes + 1;
	EXEC spSOapiSalesOrdIns @continue OUTPUT, 0, @p1, @p2, 3, 1, 1, @p4 OUTPUT, @p5 OUTPUT, @p6 OUTPUT, @p3 OUTPUT;
END`

// Staging columns for the ship-to fields of the document.
var stagedShipTo = map[string]string{
	"AddrName": "DfltShipToAddrName", "AddrLine1": "DfltShipToAddrLine1", "AddrLine2": "DfltShipToAddrLine2", "AddrLine3": "DfltShipToAddrLine3",
	"AddrLine4": "DfltShipToAddrLine4", "AddrLine5": "DfltShipToAddrLine5", "City": "DfltShipToCity", "StateID": "DfltShipToStateID",
	"PostalCode": "DfltShipToPostalCode", "CountryID": "DfltShipToCountryID",
}

// createStaged imports a new order through Sage's staging API (README §2):
// StgSalesOrder and StgSOLine rows under a new session key, the import
// procedure, Sage's messages read back from tdmMigrationLogWrk (a failure
// is a permanent error quoting them), then the custom fields of the order
// Sage created. Sage resolves the IDs, prices and totals itself.
func (s *salesOrderSink) createStaged(ctx context.Context, t *txn, doc *orderDoc) error {
	if err := doc.creatable(); err != nil {
		return component.Permanent(err)
	}
	if doc.status >= 0 && doc.status != statusOpen {
		return component.Permanentf("order.header.Status: staging mode imports open orders (1), not %d (%s)", doc.status, statusName(doc.status))
	}
	d := t.c.dialect
	session, err := dialect.NextKey(ctx, d, t, "tdmMigrationLogWrk")
	if err != nil {
		return err
	}
	tranNo, _, err := s.tranNo(ctx, t, doc.tranNo)
	if err != nil {
		return err
	}
	hdr, err := stagedHeader(doc, session, tranNo)
	if err == nil {
		err = t.insert(ctx, catalog.MustLookup("StgSalesOrder"), hdr)
	}
	lines := make([]map[string]any, len(doc.lines))
	for i, l := range doc.lines {
		lines[i] = stagedLine(l, session, tranNo, i)
	}
	if err == nil {
		err = t.insertRows(ctx, catalog.MustLookup("StgSOLine"), lines)
	}
	if err != nil {
		return err
	}
	var ret, processed, failed, total int32
	if _, err := t.ExecContext(ctx, stagedImport, int32(session), d.Arg(t.c.cfg.CompanyID),
		sql.Out{Dest: &ret}, sql.Out{Dest: &processed}, sql.Out{Dest: &failed}, sql.Out{Dest: &total}); err != nil {
		return fmt.Errorf("spSOapiSalesOrdIns: %w", d.Classify(err))
	}
	soKey, err := s.stagedResult(ctx, t, session, tranNo, ret, failed)
	if err != nil {
		return err
	}
	return s.stagedCustom(ctx, t, doc, soKey)
}

func stagedHeader(doc *orderDoc, session int64, tranNo string) (map[string]any, error) {
	h := map[string]any{
		"SessionKey": session, "TranNo": tranNo, "CustID": doc.custID, "Status": "Open",
		"CurrExchRate": doc.rate, "STaxAmt": doc.stax,
	}
	for k, v := range map[string]string{"CurrID": doc.currID, "DfltShipMethID": doc.shipMethID, "DfltWarehouseID": doc.whseID} {
		if v != "" {
			h[k] = v
		}
	}
	if !doc.tranDate.IsZero() {
		h["TranDate"] = doc.tranDate
	}
	if doc.hasFreight {
		h["FreightAmt"] = doc.freight
	}
	for k, v := range doc.header {
		if _, ok := catalog.MustLookup("StgSalesOrder").Column(k); !ok {
			return nil, component.Permanentf("order.header.%s is not supported in staging mode (StgSalesOrder has no such column)", k)
		}
		h[k] = yesNo(k, v)
	}
	for k, v := range doc.shipTo {
		col, ok := stagedShipTo[k]
		if !ok {
			return nil, component.Permanentf("order.ship_to.%s is not supported in staging mode (StgSalesOrder has no such column)", k)
		}
		h[col] = v
	}
	return h, nil
}

func stagedLine(l orderLine, session int64, tranNo string, i int) map[string]any {
	row := map[string]any{
		"SessionKey": session, "TranNo": tranNo, "SOLineNo": int64(i + 1), "ItemID": l.itemID,
		"UnitPrice": l.price, "QtyOrd": l.qty, "TradeDiscAmt": l.disc, "Status": "Open", "DeliveryMeth": "Ship",
	}
	for k, v := range map[string]string{"UnitMeasID": l.uomID, "WarehouseID": l.whseID, "ShipMethID": l.shipMethID, "GLAcctNo": l.glAcctNo} {
		if v != "" {
			row[k] = v
		}
	}
	if l.hasExt {
		row["ExtAmt"] = l.ext
	}
	if l.hasFreight {
		row["FreightAmt"] = l.freight
	}
	for _, m := range []map[string]any{l.line, l.dist} {
		for k, v := range m {
			row[k] = yesNo(k, v)
		}
	}
	return row
}

// yesNo writes Sage's Yes/No staging columns as text.
func yesNo(col string, v any) any {
	if col != "Hold" {
		return v
	}
	if v == int64(0) {
		return "No"
	}
	return "Yes"
}

// stagedResult finds the order the import created, or returns a permanent
// error with Sage's messages for the session.
func (s *salesOrderSink) stagedResult(ctx context.Context, t *txn, session int64, tranNo string, ret, failed int32) (int64, error) {
	d := t.c.dialect
	var soKey int64
	err := t.QueryRowContext(ctx, s.sql.byTranNo, dialect.Args(d, t.c.cfg.CompanyID, int64(tranTypeSalesOrder), tranNo)...).Scan(&soKey)
	if err == nil && failed == 0 {
		_, err = t.ExecContext(ctx, s.sql.clearLog, int32(session))
		return soKey, d.Classify(err)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("finding the imported order: %w", d.Classify(err))
	}
	msgs, lerr := s.stagedMessages(ctx, t, session)
	if lerr != nil {
		return 0, lerr
	}
	return 0, component.Permanentf("Sage's spSOapiSalesOrdIns did not create order %s (return value %d, %d failed): %s", tranNo, ret, failed, msgs)
}

// stagedMessages reads Sage's log of a session, failures first.
func (s *salesOrderSink) stagedMessages(ctx context.Context, t *txn, session int64) (string, error) {
	rows, err := t.QueryContext(ctx, s.sql.readLog, int32(session))
	if err != nil {
		return "", fmt.Errorf("reading tdmMigrationLogWrk: %w", t.c.dialect.Classify(err))
	}
	var msgs []string
	err = dialect.EachRow(t.c.dialect, rows, nil, func(r map[string]any) error {
		msgs = append(msgs, fmt.Sprintf("%v %v=%v: %v", r["EntityID"], r["ColumnID"], r["ColumnValue"], r["Comment"]))
		return nil
	})
	if len(msgs) == 0 {
		msgs = append(msgs, "no messages in tdmMigrationLogWrk for the session")
	}
	return strings.Join(msgs, "; "), err
}

// stagedCustom writes the custom fields of an imported order; Sage numbers
// the lines 1, 2, ... in staging order.
func (s *salesOrderSink) stagedCustom(ctx context.Context, t *txn, doc *orderDoc, soKey int64) error {
	if err := t.insert(ctx, s.conn.fields["sales_order"].table, withKey(doc.custom, "SOKey", soKey)); err != nil {
		return err
	}
	for i, l := range doc.lines {
		if len(l.custom) == 0 {
			continue
		}
		var lineKey int64
		if err := t.QueryRowContext(ctx, s.sql.lineByNo, soKey, int64(i+1)).Scan(&lineKey); err != nil {
			return fmt.Errorf("finding line %d of the imported order: %w", i+1, t.c.dialect.Classify(err))
		}
		if err := t.insert(ctx, s.conn.fields["order_line"].table, withKey(l.custom, "SOLineKey", lineKey)); err != nil {
			return err
		}
	}
	return nil
}
