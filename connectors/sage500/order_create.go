package sage500

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

const tranTypeSalesOrder = 801

// rows are the rows of one new order except its keys and numbers.
type rows struct {
	header map[string]any
	addr   map[string]any // nil: the customer's ship-to address is used
	lines  []lineRows
}

type lineRows struct{ line, dist, custom map[string]any }

// createDirect writes a new order into Sage's tables (README §1, §3): keys
// from Sage's allocator, the next tran number, the log row, header, ship-to
// address, lines, distributions and the custom fields.
func (s *salesOrderSink) createDirect(ctx context.Context, t *txn, doc *orderDoc) error {
	if err := doc.creatable(); err != nil {
		return component.Permanent(err)
	}
	o, err := s.resolve(ctx, t, doc)
	if err != nil {
		return err
	}
	if s.cfg.Shipped {
		markShipped(o)
	}
	d := t.c.dialect
	soKey, err := dialect.NextKey(ctx, d, t, "tsoSalesOrdLog")
	if err != nil {
		return err
	}
	tranNo, typeID, err := s.tranNo(ctx, t, doc.tranNo)
	if err != nil {
		return err
	}
	lineKeys, err := d.NextKeys(ctx, t, "tsoSOLine", len(o.lines))
	if err != nil {
		return err
	}
	distKeys, err := d.NextKeys(ctx, t, "tsoSOLineDist", len(o.lines))
	if err != nil {
		return err
	}
	if o.addr != nil {
		addrKey, err := dialect.NextKey(ctx, d, t, "tciAddress")
		if err != nil {
			return err
		}
		o.addr["AddrKey"], o.addr["TransactionOverride"] = addrKey, int64(1)
		if err := t.insert(ctx, catalog.MustLookup("tciAddress"), o.addr); err != nil {
			return err
		}
		o.header["DfltShipToAddrKey"] = addrKey
		for _, l := range o.lines {
			l.dist["ShipToAddrKey"] = addrKey
		}
	}
	h := o.header
	h["SOKey"], h["TranNo"], h["TranNoRel"], h["TranNoChngOrd"], h["TranNoRelChngOrd"] = soKey, tranNo, tranNo, tranNo, tranNo
	h["TranID"], h["NextLineNo"] = typeID+"-"+tranNo, int64(len(o.lines)+1)
	err = t.insert(ctx, catalog.MustLookup("tsoSalesOrdLog"), map[string]any{
		"SOKey": soKey, "TranAmtHC": h["TranAmtHC"], "TranDate": h["TranDate"], "TranNo": tranNo, "TranNoRel": tranNo,
	})
	if err == nil {
		err = t.insert(ctx, catalog.MustLookup("tsoSalesOrder"), h)
	}
	if err == nil {
		err = t.insert(ctx, s.conn.fields["sales_order"].table, withKey(doc.custom, "SOKey", soKey))
	}
	lines, dists, exts := make([]map[string]any, len(o.lines)), make([]map[string]any, len(o.lines)), []map[string]any{}
	for i, l := range o.lines {
		l.line["SOLineKey"], l.line["SOKey"], l.line["SOLineNo"] = lineKeys[i], soKey, int64(i+1)
		l.dist["SOLineDistKey"], l.dist["SOLineKey"] = distKeys[i], lineKeys[i]
		lines[i], dists[i] = l.line, l.dist
		if len(l.custom) > 0 {
			exts = append(exts, withKey(l.custom, "SOLineKey", lineKeys[i]))
		}
	}
	if err == nil {
		err = t.insertRows(ctx, catalog.MustLookup("tsoSOLine"), lines)
	}
	if err == nil {
		err = t.insertRows(ctx, catalog.MustLookup("tsoSOLineDist"), dists)
	}
	if err == nil && len(exts) > 0 {
		err = t.insertRows(ctx, s.conn.fields["order_line"].table, exts)
	}
	if err == nil && s.cfg.Shipped {
		_, err = insertShipment(ctx, t, shipmentOf(o, t.now))
	}
	return err
}

func withKey(custom map[string]any, key string, v int64) map[string]any {
	m := maps.Clone(custom)
	m[key] = v
	return m
}

// tranNo returns the document's TranNo or the next one from
// tciTranTypeCompany, zero-padded to 10 characters as direct-insert
// integrations do (README §1.2), with the tran type's TranTypeID.
func (s *salesOrderSink) tranNo(ctx context.Context, t *txn, given string) (string, string, error) {
	d := t.c.dialect
	if given != "" {
		var typeID string
		err := t.QueryRowContext(ctx, s.sql.tranTypeID, dialect.Args(d, t.c.cfg.CompanyID, int64(tranTypeSalesOrder))...).Scan(&typeID)
		if err != nil {
			return "", "", fmt.Errorf("reading the TranTypeID of tran type %d: %w", tranTypeSalesOrder, d.Classify(err))
		}
		return given, typeID, nil
	}
	n, typeID, err := dialect.NextTranNo(ctx, d, t, t.c.cfg.CompanyID, tranTypeSalesOrder)
	return fmt.Sprintf("%010d", n), typeID, err
}

// today is midnight of the clock's day in the connection's time zone.
func today(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}
