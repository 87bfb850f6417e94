package sage500demo

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
)

// The demo's Multi-Channel Fulfillment: a web store customer whose orders
// Amazon ships from FBA stock when their ship method is one of
// MCFShipMethods (the reference directory's tables/mcf_ship_methods.csv
// lists the same IDs). The demo warehouse leaves those orders alone.

// MCFShipMethods are the demo's ship methods of orders Amazon fulfils
// (tciShipMethod.ShipMethID).
var MCFShipMethods = []string{"MCF STANDARD", "MCF EXPEDITED", "MCF PRIORITY"}

// WebStoreCustID is the demo's non-Amazon sales channel customer.
const WebStoreCustID = "WEBSTORE"

// mcfOrder is a seeded web store order.
type mcfOrder struct {
	shipMeth string
	to       address
	lines    []mcfLine
}

type mcfLine struct {
	item string
	qty  int64
}

// MCFOrders is how many web store orders with an MCF ship method the demo
// database holds when it is created.
var MCFOrders = len(mcfOrders)

// mcfOrders are the seeded web store orders, all for Amazon to ship.
var mcfOrders = []mcfOrder{
	{"MCF STANDARD", address{"Maria Garcia", "742 Evergreen Ter", "Springfield", "IL", "62704", "USA"}, []mcfLine{{"WB-0001-BK", 2}, {"CG-0003-SS", 1}}},
	{"MCF EXPEDITED", address{"Wei Chen", "88 Pine St Apt 12", "Seattle", "WA", "98101", "USA"}, []mcfLine{{"BS-0004-BK", 1}}},
	{"MCF PRIORITY", address{"Aisha Khan", "1500 Market St", "Philadelphia", "PA", "19102", "USA"}, []mcfLine{{"DL-0005-WH", 1}, {"YM-0006-GR", 1}, {"KS-0008-BK", 2}}},
	{"MCF STANDARD", address{"John Miller", "12 Harbor Rd", "Portland", "ME", "04101", "USA"}, []mcfLine{{"TM-0015-SS", 3}}},
	{"MCF STANDARD", address{"Olivia Brown", "400 Congress Ave", "Austin", "TX", "78701", "USA"}, []mcfLine{{"FL-0016-BK", 1}, {"UC-0014-6F", 2}}},
	{"MCF EXPEDITED", address{"Lucas Silva", "77 Lake Shore Dr", "Chicago", "IL", "60611", "USA"}, []mcfLine{{"PC-0007-CL", 4}}},
}

// mcfOrderAge is how long before the database's creation the seeded
// orders were entered: far enough back that no time zone puts them in the
// engine's future.
const mcfOrderAge = 24 * time.Hour

// seedMCF seeds the MCF ship methods and the web store customer.
func (s *seeder) seedMCF() {
	for _, id := range MCFShipMethods {
		s.keyed("tciShipMethod", "ShipMethKey", id, map[string]any{"ShipMethID": id, "ShipMethDesc": "Amazon Multi-Channel Fulfillment"})
	}
	class := s.keyed("tarCustClass", "CustClassKey", "WEB", map[string]any{"CustClassID": "WEB", "Description": "Web store"})
	addr := s.address("cust-"+WebStoreCustID, address{"Demo Seller web store", "1200 Logistics Pkwy", "Columbus", "OH", "43215", "USA"})
	cust := s.keyed("tarCustomer", "CustKey", WebStoreCustID, map[string]any{
		"CustID": WebStoreCustID, "CustName": "Web store customers", "CustClassKey": class,
		"PrimaryAddrKey": addr, "DfltBillToAddrKey": addr, "DfltShipToAddrKey": addr, "DfltSalesAcctKey": s.key("tglAccount", "4000"),
	})
	s.row("tarCustAddr", map[string]any{"AddrKey": addr, "CustKey": cust, "CustAddrID": WebStoreCustID, "CurrID": "USD",
		"ShipMethKey": s.key("tciShipMethod", MCFShipMethods[0]), "WhseKey": s.key("timWarehouse", "MAIN")})
}

// SeedMCFOrders adds the demo's web store orders for Amazon to fulfil
// (MCFOrders of them, open, entered a day before now) to a demo database
// made by CreateDB, in one transaction, as `pipewright sage500 demo-db`
// does; the connector's own tests use a database without them.
func SeedMCFOrders(ctx context.Context, db *sql.DB) error {
	w, err := newWriter(db, "sqlite", time.UTC, catalog.Env{Now: time.Now(), User: "pipewright", Company: demo.CompanyID})
	if err != nil {
		return err
	}
	return w.inTx(ctx, func(ctx context.Context, t *tx) error {
		s := &seeder{ctx: ctx, t: t, keys: map[string]int64{}}
		for _, k := range []struct{ table, keyCol, idCol, id string }{
			{"tarCustClass", "CustClassKey", "CustClassID", "WEB"}, {"tarCustomer", "CustKey", "CustID", WebStoreCustID},
			{"timWarehouse", "WhseKey", "WhseID", "MAIN"}, {"tglAccount", "GLAcctKey", "GLAcctNo", "4000"}, {"tciUnitMeasure", "UnitMeasKey", "UnitMeasID", "EA"},
		} {
			s.load(k.table, k.keyCol, k.idCol, k.id)
		}
		for _, id := range MCFShipMethods {
			s.load("tciShipMethod", "ShipMethKey", "ShipMethID", id)
		}
		for _, p := range demo.Products {
			s.load("timItem", "ItemKey", "ItemID", p.ItemID)
		}
		if s.err != nil {
			return fmt.Errorf("the demo database lacks the web store (made before it existed? make clean-data): %w", s.err)
		}
		var billTo int64
		if err := t.QueryRowContext(ctx, dialect.Render(w.d, `SELECT {DfltBillToAddrKey} FROM {tarCustomer} WHERE {CustKey} = ?`), s.key("tarCustomer", WebStoreCustID)).Scan(&billTo); err != nil {
			return err
		}
		at := w.env.Now.Add(-mcfOrderAge).Truncate(time.Second)
		for i, o := range mcfOrders {
			s.mcfOrder(i, o, s.key("tarCustClass", "WEB"), s.key("tarCustomer", WebStoreCustID), billTo, at.Add(time.Duration(i)*time.Minute))
		}
		return s.err
	})
}

// load remembers the key of a row found by its ID.
func (s *seeder) load(table, keyCol, idCol, id string) {
	if s.err != nil {
		return
	}
	var k int64
	q := dialect.Render(s.t.w.d, "SELECT {"+keyCol+"} FROM {"+table+"} WHERE {"+idCol+"} = ?")
	if err := s.t.QueryRowContext(s.ctx, q, id).Scan(&k); err != nil {
		s.err = fmt.Errorf("%s %s: %w", table, id, err)
		return
	}
	s.keys[table+"/"+id] = k
}

// mcfOrder writes one open web store order the way the sales order sink
// does, with its own ship-to address.
func (s *seeder) mcfOrder(i int, o mcfOrder, class, cust, billTo int64, at time.Time) {
	if s.err != nil {
		return
	}
	d := s.t.w.d
	soKey, err := dialect.NextKey(s.ctx, d, s.t, "tsoSalesOrdLog")
	if err != nil {
		s.err = err
		return
	}
	no, typeID, err := dialect.NextTranNo(s.ctx, d, s.t, demo.CompanyID, 801)
	if err != nil {
		s.err = err
		return
	}
	tranNo := fmt.Sprintf("%010d", no)
	shipTo := s.address(fmt.Sprintf("mcf-%d", i), o.to)
	whse, meth := s.key("timWarehouse", "MAIN"), s.key("tciShipMethod", o.shipMeth)
	total := decimal.Zero
	for n, l := range o.lines {
		item := s.key("timItem", l.item)
		price := decimal.MustParse(productPrice(l.item))
		ext, _ := price.Mul(decimal.MustNew(l.qty, 0))
		total, _ = total.Add(ext)
		line := s.keyed("tsoSOLine", "SOLineKey", fmt.Sprintf("%s/%d", tranNo, n+1), map[string]any{
			"SOKey": soKey, "SOLineNo": int64(n + 1), "ItemKey": item, "UnitMeasKey": s.key("tciUnitMeasure", "EA"), "UnitPrice": price,
			"Description": shorten(l.item, 40)})
		qty := decimal.MustNew(l.qty, 0)
		s.keyed("tsoSOLineDist", "SOLineDistKey", fmt.Sprintf("%s/%d", tranNo, n+1), map[string]any{
			"SOLineKey": line, "WhseKey": whse, "ShipMethKey": meth, "QtyOrd": qty, "OrigOrdered": qty, "QtyOpenToShip": qty, "ExtAmt": ext,
			"RequestDate": at, "ShipDate": at, "PromiseDate": at, "ShipToCustAddrKey": billTo, "ShipToAddrKey": shipTo,
			"GLAcctKey": s.key("tglAccount", "4000")})
	}
	s.row("tsoSalesOrdLog", map[string]any{"SOKey": soKey, "TranDate": at, "TranNo": tranNo, "TranNoRel": tranNo, "TranAmtHC": total})
	s.row("tsoSalesOrder", map[string]any{
		"SOKey": soKey, "TranNo": tranNo, "TranNoRel": tranNo, "TranNoChngOrd": tranNo, "TranNoRelChngOrd": tranNo, "TranID": typeID + "-" + tranNo,
		"TranDate": at, "CustKey": cust, "CustClassKey": class, "BillToCustAddrKey": billTo, "DfltShipToCAddrKey": billTo, "DfltShipToAddrKey": shipTo,
		"DfltShipMethKey": meth, "DfltWhseKey": whse, "CurrID": "USD", "SalesAmt": total, "SalesAmtHC": total, "TranAmt": total, "TranAmtHC": total,
		"OpenAmt": total, "OpenAmtHC": total, "NextLineNo": int64(len(o.lines) + 1), "TranCmnt": fmt.Sprintf("Web store order W-%d", 1001+i),
		"CreateDate": at, "UpdateDate": at,
	})
}

// productPrice is a demo item's list price.
func productPrice(itemID string) string {
	for _, p := range demo.Products {
		if p.ItemID == itemID {
			return p.Price
		}
	}
	panic("sage500demo: no demo product " + itemID)
}
